import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newCmdSync, run, type SyncOptions } from '../../../src/commands/member/sync.js';
import { register } from '../../../src/domain/accounts.js';
import { invite, listMembers } from '../../../src/domain/members.js';
import type { Services } from '../../../src/domain/services.js';
import type { Context } from '../../../src/context.js';
import { CONFIRMATIONS, confirmer } from '../../../src/io/confirm.js';
import { openStore } from '../../../src/store/open.js';
import { bufferIO } from '../../helpers/io.js';
import { FAST_KDF } from '../../helpers/kdf.js';
import { scriptedPrompter } from '../scripted-prompter.js';

describe('member sync', () => {
  let dir: string;
  let env: Services;
  let token: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
    const store = await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' });
    env = { store, now: () => new Date(), kdf: FAST_KDF };
    token = (
      await register(
        env,
        {
          email: 'ann@example.com',
          firstName: 'Ann',
          lastName: 'Smith',
          password: 'correct horse battery',
        },
        'unit-test-register-01',
      )
    ).token;
    await invite(env, { token }, { emails: ['old@example.org'], role: 'MANAGER' });
    file = join(dir, 'team.csv');
    writeFileSync(file, 'email,role\nann@example.com,OWNER\nnew@example.org,DESIGNER\n');
  });
  afterAll(async () => {
    await env.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const members = async () => (await listMembers(env, { token }, {})).members.map((m) => `${m.email} ${m.role}`).sort();

  const options = (tty: boolean, prompter = scriptedPrompter([]).prompter, over: Partial<SyncOptions> = {}) => {
    const b = bufferIO({ tty });
    const opts: SyncOptions = {
      io: b.io,
      services: async () => env,
      credential: () => ({ token }),
      json: false,
      confirm: confirmer(b.io, prompter, false),
      file,
      prune: true,
      dryRun: false,
      check: false,
      ...over,
    };
    return { b, opts };
  };

  it('parses its flags into Options', async () => {
    const runF = vi.fn(async (_o: SyncOptions) => {});
    const ctx = {
      io: bufferIO().io,
      prompter: scriptedPrompter([]).prompter,
      yes: true,
      json: true,
      processEnv: { PLATFORMCTL_BULK_TX_CHANGES: '5' },
    };
    const cmd = newCmdSync(() => ctx as unknown as Context, runF);
    await cmd.parseAsync(['team.csv', '--company', 'Acme', '--prune', '--check', '--format', 'jsonl'], {
      from: 'user',
    });
    expect(runF).toHaveBeenCalledOnce();
    expect(runF.mock.calls[0]![0]).toMatchObject({
      file: 'team.csv',
      company: 'Acme',
      prune: true,
      check: true,
      dryRun: false,
      format: 'jsonl',
      json: true,
      tuning: { oneTransaction: 5 },
    });
  });

  it("on a terminal, a plan that removes asks YES, REMOVE / NO, IT'S MISTAKE; no cancels (exit 8) and changes nothing", async () => {
    const p = scriptedPrompter([
      {
        kind: 'choose',
        message: /^Remove 1 member from "Smith Company"/,
        answer: false,
        answers: [CONFIRMATIONS.removeMember.yes, CONFIRMATIONS.removeMember.no],
      },
    ]);
    const { b, opts } = options(true, p.prompter);
    await expect(run(opts)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(p.left()).toBe(0);
    expect(b.stdout()).toMatch(/\+ new@example\.org DESIGNER\n {2}- old@example\.org MANAGER\n/);
    expect(await members()).toEqual(['ann@example.com OWNER', 'old@example.org MANAGER']);
  });

  it('without a terminal it needs --yes (exit 2) and never prompts; --check and --dry-run never ask', async () => {
    const { opts } = options(false);
    await expect(run(opts)).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    await expect(run(options(true, undefined, { check: true }).opts)).rejects.toMatchObject({ code: 'DRIFT' });
    await run(options(true, undefined, { dryRun: true }).opts);
    expect(await members()).toEqual(['ann@example.com OWNER', 'old@example.org MANAGER']);
  });

  it('yes applies the plan; the next run has nothing to change and does not ask', async () => {
    const p = scriptedPrompter([{ kind: 'choose', message: /^Remove 1 member/, answer: true }]);
    const { b, opts } = options(true, p.prompter);
    await run(opts);
    expect(b.stderr()).toMatch(/Synced: 1 invited, 0 re-roled, 1 removed, 1 unchanged \(run \d+\)/);
    expect(await members()).toEqual(['ann@example.com OWNER', 'new@example.org DESIGNER']);
    const again = options(true);
    await run(again.opts);
    expect(again.b.stderr()).toMatch(/Nothing to change/);
  });
});
