import { beforeAll, describe, expect, it } from 'vitest';
import { run as login } from '../../../src/commands/account/login.js';
import { run as register } from '../../../src/commands/account/register.js';
import { run as show } from '../../../src/commands/account/show.js';
import { run as check } from '../../../src/commands/store/check.js';
import { deviceId } from '../../../src/device-id.js';
import type { Params } from '../../../src/store/types.js';
import { LATEST_VERSION } from '../../../src/store/migrations/index.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture, type Fixture } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/**
 * Invisible and look-alike identities (docs/identity.md), through the commands' run() on
 * both engines: what input refuses, one account per e-mail however it is composed, and how
 * `store check` reports look-alikes that an older build let in. What needs a process (the
 * error document on stderr, exit codes as the shell sees them) stays in e2e/identity.test.ts.
 */

const NFC = 'jos\u00e9@example.com';
const NFD = 'jose\u0301@example.com';
const silent = scriptedPrompter([]).prompter;

type Row = Record<string, unknown>;
const rows = (f: Fixture, text: string, params?: Params) => f.store.read((tx) => tx.all<Row>(text, params));

/** `account register --password-stdin` from the config directory of `device`. */
async function registerAs(
  f: Fixture,
  device: string,
  o: { email: string; first: string; last: string; json?: boolean },
): Promise<{ out: string; err: string }> {
  const config = await f.config(device);
  const c = f.call(undefined, { stdin: `${TEST_PASSWORD}\n`, json: o.json ?? false });
  await register({
    io: c.io,
    prompter: silent,
    services: c.deps.services,
    config: () => config,
    storeKey: () => f.storeKey,
    source: () => deviceId(config.dir),
    json: o.json ?? false,
    email: o.email,
    firstName: o.first,
    lastName: o.last,
    passwordStdin: true,
  });
  return { out: c.stdout(), err: c.stderr() };
}

describe.each(ENGINES)('identity text in register and login run() on %s', (engine) => {
  const fx = useFixture(engine);

  const counts = async () =>
    rows(
      fx(),
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM companies) AS companies,
              (SELECT count(*) FROM memberships) AS memberships, (SELECT count(*) FROM audit_log) AS audit`,
    );

  it('registering victim\\u2060@example.com (WORD JOINER) is refused (exit 2) and creates nothing', async () => {
    const before = await counts();
    const reg = async (email: string, first = 'Vic', last = 'Tim') => {
      const c = fx().call(undefined, { stdin: `${TEST_PASSWORD}\n`, json: true });
      const config = await fx().config('victim');
      const e = await failure(
        register({
          io: c.io,
          prompter: silent,
          services: c.deps.services,
          config: () => config,
          storeKey: () => fx().storeKey,
          source: () => deviceId(config.dir),
          json: true,
          email,
          firstName: first,
          lastName: last,
          passwordStdin: true,
        }),
      );
      // Nothing is printed by the command itself; the error is main.ts's to show.
      expect([c.stdout(), c.stderr()]).toEqual(['', '']);
      expect(config.hasSessions()).toBe(false);
      return e;
    };
    const e = await reg('victim\u2060@example.com');
    expect(e).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
    // The hidden character is named and shown escaped, never raw.
    expect(e.message).toBe(
      'Invalid e-mail address "victim\\u{2060}@example.com": it holds U+2060, a control, invisible or unassigned character.',
    );
    expect(e.message).not.toContain('\u2060');
    // A tag character in an e-mail, a Hangul filler as a name, a ZWJ at the start.
    for (const [email, first] of [
      ['victim\u{e0041}@example.com', 'Vic'],
      ['vic@example.com', '\u3164'],
      ['vic@example.com', '\u200dVic'],
    ]) {
      const x = await reg(email!, first);
      expect([x.exitCode, x.code], `${email} ${first}`).toEqual([2, 'INVALID_INPUT']);
      expect(x.message).not.toMatch(/[\u{e0041}\u3164\u200d]/u);
    }
    expect(await counts()).toEqual(before);

    // What a script needs is accepted: ZWNJ in a Persian name, ZWJ after a Devanagari virama.
    const ok = await registerAs(fx(), 'nima', { email: 'nima@example.com', first: 'می\u200cخواهم', last: 'क्\u200dष' });
    expect(ok.err).toBe(
      '✓ Registered nima@example.com; your company "क्\u200dष Company" was created and you are signed in.\n',
    );
    expect(
      await rows(fx(), `SELECT first_name, last_name FROM users WHERE email = :e`, { e: 'nima@example.com' }),
    ).toEqual([{ first_name: 'می\u200cخواهم', last_name: 'क्\u200dष' }]);
  });

  it('josé composed (NFC) and decomposed (NFD) are one account: the second registration is ALREADY_EXISTS', async () => {
    await registerAs(fx(), 'jose', { email: NFC, first: 'José', last: 'Nfc' });
    const again = await failure(
      registerAs(fx(), 'jose-nfd', { email: NFD, first: 'Jose\u0301', last: 'Nfd', json: true }),
    );
    expect(again).toMatchObject({
      code: 'ALREADY_EXISTS',
      exitCode: 6,
      message: `An account for ${NFC} already exists. Sign in with \`platformctl account login\`.`,
    });
    expect(await rows(fx(), `SELECT email FROM users WHERE email LIKE 'jos%'`)).toEqual([{ email: NFC }]);

    // Signing in with the other spelling reaches the same account.
    const elsewhere = await fx().config('jose-elsewhere');
    const c = fx().call(undefined, { stdin: `${TEST_PASSWORD}\n` });
    await login({
      io: c.io,
      prompter: silent,
      services: c.deps.services,
      config: () => elsewhere,
      storeKey: () => fx().storeKey,
      source: () => deviceId(elsewhere.dir),
      json: false,
      email: NFD.toUpperCase(),
      passwordStdin: true,
    });
    expect(c.stderr()).toBe(`✓ Signed in as ${NFC}.\n`);
    // Either machine's saved session shows the account as it was registered.
    for (const device of ['jose', 'jose-elsewhere']) {
      const s = fx().callAs(await fx().config(device), { json: true });
      await show(s.deps);
      expect(JSON.parse(s.stdout()).user.email).toBe(NFC);
    }
  });
});

describe.each(ENGINES)('store check run() on identity text an older build stored, on %s', (engine) => {
  const fx = useFixture(engine);
  const sql = (text: string, params?: Params) => fx().sql(text, params);

  beforeAll(async () => {
    await fx().registerAll([
      [NFC, 'José', 'Nfc'],
      ['jose2@example.com', 'José', 'Nfd'],
      ['victim@example.com', 'Vic', 'Tim'],
      ['victim2@example.com', 'Vic', 'Copy'],
      ['ann@example.com', 'Ann', 'Smith'],
    ]);
  });

  const storeCheck = async (json: boolean) => {
    const c = fx().call(undefined, { json });
    const error = await check({ io: c.io, json, store: () => Promise.resolve(fx().store) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, out: c.stdout(), err: c.stderr() };
  };

  it('store check warns (exit 0) of look-alike e-mails and now-refused names an older build stored', async () => {
    const clean = await storeCheck(true);
    expect(clean.error).toBeUndefined();
    expect(JSON.parse(clean.out)).toMatchObject({ ok: true, problems: [], warnings: [], warningCount: 0 });

    // What a build before this rule accepted, written as it would have been.
    const respell = async (from: string, to: string) => {
      await sql('UPDATE users SET email = :to WHERE email = :from', { to, from });
      await sql('UPDATE memberships SET email = :to WHERE email = :from', { to, from });
    };
    await respell('jose2@example.com', NFD);
    await respell('victim2@example.com', 'victim\u2060@example.com');
    await sql(`UPDATE users SET first_name = :n WHERE email = 'ann@example.com'`, { n: 'Ann\u3164' });
    await sql(`UPDATE companies SET name = :n WHERE name = 'Smith Company'`, { n: 'Smith\u202eCompany' });
    const ann = (await rows(fx(), `SELECT id FROM users WHERE email = 'ann@example.com'`))[0]!.id as number;
    const annCompany = (await rows(fx(), 'SELECT id FROM companies WHERE owner_id = :u', { u: ann }))[0]!.id as number;
    await sql(
      `INSERT INTO invitations (company_id, email, role, created_at, updated_at)
       VALUES (:c, :e, 'MANAGER', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`,
      { c: annCompany, e: 'VICTIM@example.com' },
    );

    const j = await storeCheck(true);
    expect(j.error).toBeUndefined();
    expect(j.err).toBe('');
    const report = JSON.parse(j.out);
    expect(report).toMatchObject({ ok: true, problems: [] });
    const ids = Object.fromEntries(
      (await rows(fx(), 'SELECT id, email FROM users')).map((r) => [r.email as string, r.id as number]),
    );
    const groups = report.warnings.filter((w: { kind: string }) => w.kind === 'LOOKALIKE_EMAILS');
    expect(groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: NFC,
          holders: [
            { userId: ids[NFC], email: NFC },
            { userId: ids[NFD], email: NFD },
          ],
        }),
        expect.objectContaining({
          key: 'victim@example.com',
          holders: [
            { userId: ids['victim@example.com'], email: 'victim@example.com' },
            { userId: ids['victim\u2060@example.com'], email: 'victim\u2060@example.com' },
            { companyId: annCompany, email: 'VICTIM@example.com', pending: true },
          ],
        }),
      ]),
    );
    expect(groups).toHaveLength(2);
    const rest = report.warnings
      .filter((w: { kind: string }) => w.kind !== 'LOOKALIKE_EMAILS')
      .map((w: { kind: string; table: string; field: string }) => [w.kind, w.table, w.field]);
    expect(rest).toEqual(
      expect.arrayContaining([
        ['NOT_NORMALISED', 'users', 'email'],
        ['NOW_REFUSED', 'users', 'email'],
        ['NOW_REFUSED', 'users', 'first_name'],
        ['NOW_REFUSED', 'companies', 'name'],
        ['NOT_NORMALISED', 'invitations', 'email'],
      ]),
    );
    expect(rest).toHaveLength(5);
    expect(report.warningCount).toBe(7);

    // The human report: one warning a line on stdout, hidden characters spelled out.
    const h = await storeCheck(false);
    expect(h.error).toBeUndefined();
    const lines = h.out.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line).toMatch(/^warning: /);
    expect(h.out).toContain(`user ${ids[NFD]} "jose\\u{301}@example.com"`);
    expect(h.out).toContain(`user ${ids[NFC]} "jos\\u{e9}@example.com"`);
    expect(h.out).toContain('victim\\u{2060}@example.com');
    expect(h.out).not.toMatch(/[\u2060\u3164\u202e]/);
    expect(h.err).toBe(
      `✓ Store ${fx().location} is healthy (schema version ${LATEST_VERSION}).\n` +
        '! 7 warnings: look-alike or now-refused identity text; see docs/identity.md.\n',
    );
  });
});
