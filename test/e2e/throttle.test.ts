import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD, type Engine, type TestStore } from './harness.js';
import { wallClock } from '../helpers/wall-clock.js';

/**
 * The sign-in throttle through the real CLI on each engine: what needs a process. The rules
 * are checked in process on both engines with cheap hashes: the policy with every limit in
 * test/domain/throttle.test.ts; an unknown e-mail answered, throttled and worded like a
 * wrong password, the lock's local time, strangers against a device that signed in before,
 * in test/commands/account/login-throttle.test.ts (and login.test.ts); wrong current
 * passwords in test/commands/password/change.test.ts; staff unlock in
 * test/commands/staff/unlock.test.ts. Here: the counter the CLI writes to the store, the
 * lock's moment in the time zone of TZ, the exit codes a shell sees. Each sign-in is a
 * full production scrypt, so the account-wide ceiling is reached by setting its counter
 * one short in the store, not by 20 runs.
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
const THROTTLED =
  /^3 THROTTLED Too many failed sign-ins for this e-mail; try again after \d{4}-\d\d-\d\d \d\d:\d\d local time \(in 15 minutes\), or ask support to unlock it\.$/;

describe.each(engines())('sign-in throttle on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('the CLI counts a failure in the store and refuses (exit 3) in the local time of TZ; staff unlock: exit 4, then JSON', async () => {
    const t = await fresh();
    const [ann, sue] = await Promise.all([t.seed('ann@example.com'), t.seed('sue@example.com', 'Sue', 'Port')]);
    await sue.grantStaff('sue@example.com');
    // Strangers, each from a new device, have failed 19 times: one short of the ceiling.
    await sql(
      t,
      `INSERT INTO login_throttle (email, source, failures, updated_at) VALUES ('ann@example.com', '*', 19, ?)`,
      [new Date().toISOString()],
    );
    const tz = 'Asia/Kathmandu'; // UTC+05:45: a local time no UTC clock shows
    const twentieth = await login(t, 'ann@example.com', 'guess 20', 'stranger', { TZ: tz });
    expect(seen(twentieth)).toMatch(THROTTLED);
    expect(twentieth.stdout).toBe('');
    const [lock] = await sql(
      t,
      `SELECT failures, locked_until FROM login_throttle WHERE email = 'ann@example.com' AND source = '*'`,
    );
    expect(lock!.failures).toBe(20);
    expect(seen(twentieth)).toContain(`try again after ${wallClock(String(lock!.locked_until), tz)} local time`);

    const notStaff = await ann.run(['staff', 'unlock', 'ann@example.com']);
    expect([notStaff.exitCode, notStaff.stderr, notStaff.stdout]).toEqual([
      4,
      'error: Only platform staff (SUPPORT) can unlock accounts.',
      '',
    ]);
    expect(await sue.json(['staff', 'unlock', 'ann@example.com'])).toEqual({
      email: 'ann@example.com',
      unlocked: true,
      wasLocked: true,
    });
    // The stranger's device was held back by the account's lock: lifted, the right password signs in.
    const after = await login(t, 'ann@example.com', PASSWORD, 'stranger');
    expect([after.exitCode, after.stderr]).toEqual([0, '']);
    expect(JSON.parse(after.stdout)).toMatchObject({ user: { email: 'ann@example.com' }, signedIn: true });
  });
});
