import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type SyncOptions } from '../../../src/commands/member/sync.js';
import { register } from '../../../src/domain/accounts.js';
import { invite, listMembers } from '../../../src/domain/members.js';
import type { Services } from '../../../src/domain/services.js';
import { confirmer } from '../../../src/io/confirm.js';
import { setPlan } from '../../../src/domain/plans.js';
import { grantStaff } from '../../../src/domain/staff.js';
import { openStore } from '../../../src/store/open.js';
import { bufferIO } from '../../helpers/io.js';
import { FAST_KDF } from '../../helpers/kdf.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/** A sync larger than one transaction is refused before its plan is printed, with counts and fitting advice. */
describe('member sync beyond the one-transaction size', () => {
  let dir: string;
  let env: Services;
  let token: string;

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
    await grantStaff(env, { token }, 'ann@example.com');
    await setPlan(env, { token }, 'Smith Company', 'ENTERPRISE');
    await invite(
      env,
      { token },
      { emails: Array.from({ length: 12 }, (_, i) => `old${i}@example.org`), role: 'MANAGER' },
    );
  });
  afterAll(async () => {
    await env.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const members = async () => (await listMembers(env, { token }, {})).members.length;

  const sync = async (rows: string[], over: Partial<SyncOptions> = {}) => {
    const file = join(dir, `f${Math.random()}.csv`);
    writeFileSync(file, ['email,role', ...rows].join('\n') + '\n');
    const b = bufferIO({ tty: false });
    const opts: SyncOptions = {
      io: b.io,
      services: async () => env,
      credential: () => ({ token }),
      json: false,
      confirm: confirmer(b.io, scriptedPrompter([]).prompter, true),
      file,
      prune: true,
      dryRun: false,
      check: false,
      tuning: { oneTransaction: 5 },
      ...over,
    };
    const error = await run(opts).then(
      () => undefined,
      (e: unknown) => e as { exitCode: number; message: string },
    );
    return { error, out: b.stdout(), err: b.stderr() };
  };

  it('mostly removals: states the counts and the limit, prints no plan, and does not advise importing', async () => {
    const r = await sync(['ann@example.com,OWNER', 'new0@example.org,DESIGNER']);
    expect(r.error?.exitCode).toBe(2);
    expect(r.error?.message).toContain(
      'This sync would make 13 changes (1 to invite, 0 to re-role, 12 to remove); a sync applies at most 5 on this store, in one transaction. Nothing was changed.',
    );
    expect(r.error?.message).toContain('Remove in steps of at most 5');
    expect(r.error?.message).not.toContain('Import the additions');
    expect(r.out).toBe('');
    expect(await members()).toBe(13);
  });

  it('mostly additions: import them first, then sync', async () => {
    const rows = ['ann@example.com,OWNER', ...Array.from({ length: 12 }, (_, i) => `old${i}@example.org,MANAGER`)];
    for (let i = 0; i < 8; i++) rows.push(`new${i}@example.org,DESIGNER`);
    const r = await sync(rows);
    expect(r.error?.message).toContain('(8 to invite, 0 to re-role, 0 to remove)');
    expect(r.error?.message).toContain('Import the additions and re-roles first with `member import`');
    expect(r.out).toBe('');
    expect(await members()).toBe(13);
  });

  it('--dry-run still prints the whole plan, and says that applying it would be refused', async () => {
    const r = await sync(['ann@example.com,OWNER'], { dryRun: true });
    expect(r.error).toBeUndefined();
    expect(r.out.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(12);
    expect(r.err).toContain('a sync applies at most 5 on this store');
  });
});
