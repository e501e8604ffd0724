import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD, type Engine, type TestStore } from './harness.js';

/**
 * The sign-in throttle as users meet it (the policy itself, with every limit, is unit
 * tested in test/domain/throttle.test.ts): an e-mail without an account is answered and
 * throttled exactly like one with a wrong password; a stranger's failures never lock the
 * owner out of a device that signed in before; wrong current passwords are limited too;
 * staff can lift a lock. Each sign-in is a full production scrypt, so the account-wide
 * ceiling is reached by setting its counter one short in the store, not by 20 runs.
 */

/** Runs SQL against the store from outside the CLI. */
async function sql(t: TestStore, statement: string, args: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (t.engine === 'local') {
    const db = new Database(t.store);
    try {
      const s = db.prepare(statement);
      return s.reader ? (s.all(...args) as Record<string, unknown>[]) : (s.run(...args), []);
    } finally {
      db.close();
    }
  }
  const { createClient } = await import('@libsql/client');
  const c = createClient({ url: t.store, intMode: 'number' });
  try {
    const rs = await c.execute({ sql: statement, args: args as never });
    return rs.rows.map((r) => Object.fromEntries(rs.columns.map((col, i) => [col, r[i]])));
  } finally {
    c.close();
  }
}

const login = (t: TestStore, email: string, password: string, device: string, env: Record<string, string> = {}) =>
  t.run(['--json', 'account', 'login', '--email', email, '--password-stdin'], {
    input: password + '\n',
    configDir: join(t.dir, `device-${device}`),
    env,
  });

/** What a person or script sees of a failed sign-in: exit code, error code, message. */
const seen = (r: { exitCode: number; stdout: string; stderr: string }) => {
  if (r.exitCode === 0) return 'signed in';
  const { code, message } = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
  return `${r.exitCode} ${code} ${message}`;
};
/** The same, with the moment of a lock left out (two locks start a few ms apart). */
const seenAnyTime = (r: { exitCode: number; stdout: string; stderr: string }) =>
  seen(r).replace(/after \d{4}-\d\d-\d\d \d\d:\d\d local time \(in \d+ minutes?\)/, 'after <time>');

const THROTTLED =
  /^3 THROTTLED Too many failed sign-ins for this e-mail; try again after \d{4}-\d\d-\d\d \d\d:\d\d local time \(in 15 minutes\), or ask support to unlock it\.$/;

/** "2026-12-01 14:35" in a time zone: what the CLI should print there. */
function wallClock(isoTime: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(isoTime))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

// Each test runs 5 to 12 production-cost sign-ins (a process and ~0.5 s of scrypt each):
// more than the default minute on a loaded two-core machine.
describe.each(engines())('sign-in throttle on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('an e-mail without an account gets the same answers, exit codes and throttling as a wrong password', async () => {
    const t = await fresh();
    await t.seed('ann@example.com');
    const known: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [a, b] = await Promise.all([
        login(t, 'ann@example.com', 'a wrong guess', 'stranger'),
        login(t, 'nobody@example.com', 'a wrong guess', 'stranger'),
      ]);
      known.push(seenAnyTime(a));
      unknown.push(seenAnyTime(b));
    }
    expect(unknown).toEqual(known);
    expect(known.slice(0, 4)).toEqual(Array(4).fill('3 BAD_CREDENTIALS Incorrect e-mail or password.'));
    expect(known[4]).toMatch(/^3 THROTTLED /);
    // Locked: even the right password is refused from there, in the same words as for nobody.
    const tz = 'Asia/Kathmandu'; // UTC+05:45: a local time no UTC clock shows
    const [right, nobody] = await Promise.all([
      login(t, 'ann@example.com', PASSWORD, 'stranger', { TZ: tz }),
      login(t, 'nobody@example.com', PASSWORD, 'stranger', { TZ: tz }),
    ]);
    expect(seen(right)).toMatch(THROTTLED);
    expect(seenAnyTime(nobody)).toBe(seenAnyTime(right));
    const [lock] = await sql(
      t,
      `SELECT locked_until FROM login_throttle WHERE email = 'ann@example.com' AND source <> '*'`,
    );
    expect(seen(right)).toContain(`try again after ${wallClock(String(lock!.locked_until), tz)} local time`);
    // The lock is this device's: the owner signs in from another.
    expect(seen(await login(t, 'ann@example.com', PASSWORD, 'ann-laptop'))).toBe('signed in');
  }, 150_000);

  it('a stranger cannot lock the owner out of a device that signed in before; staff unlock lifts the rest', async () => {
    const t = await fresh();
    const [ann, sue] = await Promise.all([t.seed('ann@example.com'), t.seed('sue@example.com', 'Sue', 'Port')]);
    await sue.grantStaff('sue@example.com');
    expect(seen(await login(t, 'ann@example.com', PASSWORD, 'laptop'))).toBe('signed in');
    // Strangers, each from a new device, have failed 19 times: one short of the ceiling.
    await sql(
      t,
      `INSERT INTO login_throttle (email, source, failures, updated_at) VALUES ('ann@example.com', '*', 19, ?)`,
      [new Date().toISOString()],
    );
    expect(seen(await login(t, 'ann@example.com', 'guess 20', 'stranger-20'))).toMatch(THROTTLED);
    // Every device that never signed in is held back now, the right password or not...
    expect(seen(await login(t, 'ann@example.com', PASSWORD, 'new-phone'))).toMatch(THROTTLED);
    // ...but not the laptop, nor sessions already open.
    expect(seen(await login(t, 'ann@example.com', PASSWORD, 'laptop'))).toBe('signed in');
    expect((await ann.json(['account', 'show'])).user.email).toBe('ann@example.com');

    const notStaff = await ann.run(['staff', 'unlock', 'ann@example.com']);
    expect([notStaff.exitCode, notStaff.stderr]).toEqual([
      4,
      'error: Only platform staff (SUPPORT) can unlock accounts.',
    ]);
    expect(await sue.json(['staff', 'unlock', 'ann@example.com'])).toEqual({
      email: 'ann@example.com',
      unlocked: true,
      wasLocked: true,
    });
    expect(seen(await login(t, 'ann@example.com', PASSWORD, 'new-phone'))).toBe('signed in');
    const log = await sue.json<{ action: string; actor: string; target: string }[]>(['audit', 'list', '--limit', '5']);
    expect(log.find((e) => e.action === 'staff.unlock')).toMatchObject({
      actor: 'sue@example.com',
      target: 'ann@example.com',
    });
  }, 150_000);

  it('wrong current passwords are limited: the fifth revokes the session, and the password stays as it was', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const change = (current: string) =>
      ann.run(['--json', 'password', 'change', '--password-stdin'], {
        input: `${current}\na new password\na new password\n`,
      });
    for (let i = 1; i <= 4; i++)
      expect(seen(await change(`guess ${i}`))).toBe('3 BAD_CREDENTIALS Current password is incorrect.');
    expect(seen(await change('guess 5'))).toBe(
      '3 BAD_CREDENTIALS Current password is incorrect. That was the 5th wrong current password through this session, ' +
        'so it was revoked; sign in again with `platformctl account login`.',
    );
    // Seven wrong then the right one used to change it; now the session is gone.
    expect(seen(await change(PASSWORD))).toMatch(/^3 AUTH_REQUIRED /);
    // The five failures also count toward signing in from that device; the password is unchanged.
    const there = await t.run(['--json', 'account', 'login', '--email', ann.email, '--password-stdin'], {
      input: PASSWORD + '\n',
      configDir: ann.configDir,
    });
    expect(seen(there)).toMatch(THROTTLED);
    expect(seen(await login(t, 'ann@example.com', PASSWORD, 'elsewhere'))).toBe('signed in');
    const log = await t.query((r) => r.auditPage({}, 100));
    expect(log.filter((e) => e.action === 'password.change_failed')).toHaveLength(5);
    expect(log.some((e) => e.action === 'password.change')).toBe(false);
  }, 150_000);
});
