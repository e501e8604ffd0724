import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/commands/account/delete.js';
import { register, show } from '../../../src/domain/accounts.js';
import { listMembers } from '../../../src/domain/members.js';
import type { Services } from '../../../src/domain/services.js';
import type { Config } from '../../../src/config.js';
import { confirmer } from '../../../src/io/confirm.js';
import { inputSteps, scriptedPrompter } from '../scripted-prompter.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';
import { FAST_KDF } from '../../helpers/kdf.js';
import { openStore } from '../../../src/store/open.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe('account delete run()', () => {
  let dir: string;
  let env: Services;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
    const store = await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' });
    env = { store, now: () => new Date(), kdf: FAST_KDF };
    // Registered in parallel: scrypt runs in libuv's thread pool.
    await Promise.all(
      ['no', 'tty-off', 'proof', 'yes', 'flag'].map(async (n) => {
        const r = await register(
          env,
          {
            email: `${n}@example.com`,
            firstName: 'T',
            lastName: n,
            password: 'correct horse battery',
          },
          'unit-test-register-01',
        );
        tokens[n] = r.token;
      }),
    );
  });
  afterAll(async () => {
    await env.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (who: string, tty: boolean, prompter: Prompter, yes = false) => {
    const b = bufferIO({ tty });
    const forgetSession = vi.fn(async () => ({}));
    return {
      b,
      forgetSession,
      opts: {
        io: b.io,
        services: async () => env,
        credential: () => ({ token: tokens[who] }),
        json: false,
        confirm: confirmer(b.io, prompter, yes),
        config: () => ({ forgetSession, session: () => undefined }) as unknown as Config,
        storeKey: () => 'k',
      },
    };
  };

  it('on a terminal, answering NO cancels (CANCELLED, exit 8) and changes nothing', async () => {
    const p = scriptedPrompter([
      {
        kind: 'choose',
        message: /^Delete the account no@example.com and your company "no Company"\? This cannot be undone\.$/,
        answer: false,
        answers: ['YES, DELETE IT', "NO, IT'S MISTAKE"],
      },
    ]);
    const { opts, forgetSession, b } = options('no', true, p.prompter);
    await expect(run(opts)).rejects.toMatchObject({
      code: 'CANCELLED',
      exitCode: 8,
      message: 'Nothing was changed; your account was not deleted.',
    });
    expect(p.left()).toBe(0);
    expect(forgetSession).not.toHaveBeenCalled();
    expect(b.stdout()).toBe('');
    expect((await show(env, { token: tokens.no })).user.email).toBe('no@example.com');
  });

  it('without a terminal and without --yes it stops before asking (CONFIRMATION_REQUIRED, exit 2) naming --yes', async () => {
    const p = scriptedPrompter([]);
    const { opts } = options('tty-off', false, p.prompter);
    await expect(run(opts)).rejects.toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      exitCode: 2,
      message: expect.stringContaining('--yes'),
    });
    expect(p.asked).toEqual([]);
    expect((await show(env, { token: tokens['tty-off'] })).user.email).toBe('tty-off@example.com');
  });

  it('on a terminal, YES, DELETE IT then an empty proof cancels (exit 8) and changes nothing', async () => {
    const p = scriptedPrompter([
      { kind: 'choose', message: /proof@example.com/, answer: true, answers: ['YES, DELETE IT', "NO, IT'S MISTAKE"] },
      ...inputSteps([[/^To confirm, type your e-mail address \(proof@example\.com\):$/, '  ']]),
    ]);
    const { opts, forgetSession } = options('proof', true, p.prompter);
    await expect(run(opts)).rejects.toMatchObject({ code: 'CANCELLED', exitCode: 8 });
    expect(p.left()).toBe(0);
    expect(forgetSession).not.toHaveBeenCalled();
    expect((await show(env, { token: tokens.proof })).user.email).toBe('proof@example.com');
  });

  it('on a terminal, YES, DELETE IT and the e-mail typed (a wrong one asks again) deletes and forgets the session', async () => {
    const p = scriptedPrompter([
      { kind: 'choose', message: /yes@example.com/, answer: true, answers: ['YES, DELETE IT', "NO, IT'S MISTAKE"] },
      ...inputSteps([
        [/yes@example\.com/, 'y'],
        [/yes@example\.com/, ' YES@Example.com '],
      ]),
    ]);
    const { opts, forgetSession, b } = options('yes', true, p.prompter);
    await run(opts);
    expect(p.left()).toBe(0);
    expect(forgetSession).toHaveBeenCalledWith('k', 'yes@example.com');
    expect(b.stderr()).toBe(
      '! That is not yes@example.com. Type it as shown, or press Enter on an empty line to stop here.\n' +
        '✓ Deleted the account yes@example.com and the company "yes Company".\n',
    );
    await expect(show(env, { token: tokens.yes })).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('--yes deletes without asking, with or without a terminal', async () => {
    const p = scriptedPrompter([]);
    const { opts } = options('flag', true, p.prompter, true);
    await run({ ...opts, json: true });
    expect(p.asked).toEqual([]);
    await expect(show(env, { token: tokens.flag })).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
  });
});

describe.each(ENGINES)('account delete run(): what goes with the account, on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, carol, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    // Smith Company: Bob ACTIVE (current there), a PENDING e-mail; Ann is a MANAGER of Carol's.
    await f.join(bob, ann, 'designer');
    await f.invite(ann, ['pending@example.com'], 'designer');
    await f.join(ann, carol, 'manager');
    await f.switchTo(ann, ann.company.id);
  });

  const remove = async (who: TestUser, o: { json?: boolean; tty?: boolean; answer?: boolean; yes?: boolean } = {}) => {
    const c = fx().call(who, o);
    const p = scriptedPrompter(
      o.answer === undefined ? [] : [{ kind: 'choose', message: /^Delete the account/, answer: o.answer }],
    );
    const forgetSession = vi.fn(async () => ({}));
    await run({
      ...c.deps,
      confirm: confirmer(c.io, p.prompter, o.yes ?? o.answer === undefined),
      config: () => ({ forgetSession, session: () => undefined }) as unknown as Config,
      storeKey: () => 'k',
    });
    return { out: c.stdout(), err: c.stderr(), asked: p.asked, forgetSession };
  };

  it('the question names the company and how many other members go with it', async () => {
    const e = await failure(remove(ann, { tty: true, answer: false }));
    expect(e.code).toBe('CANCELLED');
    const c = fx().call(ann);
    await expect(
      run({
        ...c.deps,
        confirm: confirmer(c.io, scriptedPrompter([]).prompter, false),
        config: () => ({}) as Config,
        storeKey: () => 'k',
      }),
    ).rejects.toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      message:
        'Delete the account ann@example.com and your company "Smith Company" with its 2 other members? This cannot be undone. Confirmation needs a terminal (standard input is not a terminal); pass --yes to confirm from a script.',
    });
  });

  it('the last SUPPORT user cannot delete their account (CONFLICT, exit 6), before any question', async () => {
    const e = await failure(remove(sue, { tty: true, yes: false }));
    expect(e).toMatchObject({
      code: 'CONFLICT',
      exitCode: 6,
      message:
        'sue@example.com is the last SUPPORT user; grant SUPPORT to someone else first (`platformctl staff grant EMAIL`), then delete your account.',
    });
    expect((await show(fx().services, sue.cred)).user.support).toBe(true);
  });

  it('--yes --json: the account, its company and its members go; members of it have no current company; audited', async () => {
    const r = await remove(ann, { json: true });
    expect(JSON.parse(r.out)).toEqual({
      deleted: true,
      email: 'ann@example.com',
      company: { id: ann.company.id, name: 'Smith Company' },
      removedMembers: 2,
    });
    expect(r.forgetSession).toHaveBeenCalledWith('k', 'ann@example.com');
    await expect(show(fx().services, ann.cred)).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    const bobNow = await show(fx().services, bob.cred);
    expect(bobNow.currentCompany).toBeNull();
    expect(bobNow.companies.map((c) => c.name)).toEqual(['Jones Company']);
    // Ann's membership elsewhere went too.
    expect((await listMembers(fx().services, carol.cred, {})).members.map((m) => m.email)).toEqual([
      'carol@example.com',
    ]);
    // The pending invitation went with the company: registering that e-mail joins nothing.
    const pending = await fx().register('pending@example.com', 'Pat', 'Doe');
    expect((await show(fx().services, pending.cred)).companies.map((c) => c.name)).toEqual(['Doe Company']);
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'account.delete' }, 1));
    expect(entry).toMatchObject({
      actor_email: 'ann@example.com',
      company_id: ann.company.id,
      target: 'ann@example.com',
    });
    expect(JSON.parse(entry!.details!)).toEqual({ removedMembers: 2 });
  });

  it('for people: one line on stderr naming the account and the company', async () => {
    const r = await remove(carol);
    expect(r).toMatchObject({
      out: '',
      err: '✓ Deleted the account carol@example.com and the company "Brown Company".\n',
    });
  });
});
