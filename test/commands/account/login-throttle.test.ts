import { beforeAll, describe, expect, it } from 'vitest';
import { run, type LoginOptions } from '../../../src/commands/account/login.js';
import { run as unlock } from '../../../src/commands/staff/unlock.js';
import type { Config } from '../../../src/config.js';
import { deviceId } from '../../../src/device-id.js';
import { tokenStates } from '../../../src/domain/auth.js';
import { ENGINES, TEST_PASSWORD, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';
import { wallClock } from '../../helpers/wall-clock.js';

/**
 * The sign-in throttle as `account login` meets it, on both engines (the policy with every
 * limit is in test/domain/throttle.test.ts; the cost of an unknown e-mail in
 * test/domain/login-oracle.test.ts; the per-device lock of one account in
 * test/commands/account/login.test.ts). What is checked here: an unknown e-mail is
 * answered, throttled and worded exactly like a wrong password, the lock's moment in the
 * reader's local time, and strangers rotating devices against a device that signed in
 * before, then staff unlock.
 */

/** Runs `fn` with the process's time zone set to `tz` (Node applies a changed TZ at once), then restores it. */
async function inTimeZone<T>(tz: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

const THROTTLED =
  /^3 THROTTLED Too many failed sign-ins for this e-mail; try again after \d{4}-\d\d-\d\d \d\d:\d\d local time \(in 15 minutes\), or ask support to unlock it\.$/;
const WRONG = '3 BAD_CREDENTIALS Incorrect e-mail or password.';

/** What a person or script sees of an attempt: 'signed in', or exit code, error code and message. */
const seen = (p: Promise<unknown>) =>
  p.then(
    () => 'signed in',
    (e: { exitCode?: number; code?: string; message: string }) => `${e.exitCode} ${e.code} ${e.message}`,
  );
/** The same, with the moment of a lock left out (two locks start a few ms apart). */
const anyTime = (s: string) =>
  s.replace(/after \d{4}-\d\d-\d\d \d\d:\d\d local time \(in \d+ minutes?\)/, 'after <time>');

describe.each(ENGINES)('account login run(): the sign-in throttle on %s', (engine) => {
  const fx = useFixture(engine);
  let sue: TestUser;

  beforeAll(async () => {
    [, sue] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['sue@example.com', 'Sue', 'Port'],
      ['kim@example.com', 'Kim', 'Lee'],
    ]);
    await fx().grantSupport(sue);
  });

  /** `account login --password-stdin` from the machine whose config directory is `config`. */
  const login = async (config: Config, email: string, password: string) => {
    const c = fx().call(undefined, { stdin: `${password}\n` });
    const options: LoginOptions = {
      io: c.io,
      prompter: scriptedPrompter([]).prompter,
      services: c.deps.services,
      config: () => config,
      storeKey: () => fx().storeKey,
      source: () => deviceId(config.dir),
      json: false,
      email,
      passwordStdin: true,
    };
    await run(options);
    return { out: c.stdout(), err: c.stderr() };
  };
  const attempt = (config: Config, email: string, password: string) => seen(login(config, email, password));

  it('an e-mail without an account gets the same answers, exit codes and throttling as a wrong password', async () => {
    const stranger = await fx().config('stranger');
    const known: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(anyTime(await attempt(stranger, 'ann@example.com', 'a wrong guess')));
      unknown.push(anyTime(await attempt(stranger, 'nobody@example.com', 'a wrong guess')));
    }
    expect(unknown).toEqual(known);
    expect(known.slice(0, 4)).toEqual(Array(4).fill(WRONG));
    expect(known[4]).toMatch(/^3 THROTTLED /);

    // Locked: even the right password is refused from there, in the same words as for nobody,
    // and the moment is the reader's local time (UTC+05:45: a local time no UTC clock shows).
    const tz = 'Asia/Kathmandu';
    const [right, nobody] = await inTimeZone(tz, async () => [
      await attempt(stranger, 'ann@example.com', TEST_PASSWORD),
      await attempt(stranger, 'nobody@example.com', TEST_PASSWORD),
    ]);
    expect(right).toMatch(THROTTLED);
    expect(anyTime(nobody)).toBe(anyTime(right));
    const rows = await fx().read((r) => r.throttleRows('ann@example.com', deviceId(stranger.dir)));
    const lock = rows.find((r) => r.source !== '*');
    expect(lock).toMatchObject({ source: deviceId(stranger.dir), failures: 5 });
    expect(right).toContain(`try again after ${wallClock(lock!.locked_until!, tz)} local time`);
    expect(stranger.hasSessions()).toBe(false);

    // The lock is this device's: the owner signs in from another.
    expect(await attempt(await fx().config('ann-laptop'), 'ann@example.com', TEST_PASSWORD)).toBe('signed in');
  });

  it('a stranger cannot lock the owner out of a device that signed in before; staff unlock lifts the rest', async () => {
    const laptop = await fx().config('kim-laptop');
    expect(await attempt(laptop, 'kim@example.com', TEST_PASSWORD)).toBe('signed in');
    const session = (await fx().config('kim-laptop')).session(fx().storeKey)!.token;
    // Strangers, each from a new device, have failed 19 times: one short of the ceiling.
    await fx().sql(
      `INSERT INTO login_throttle (email, source, failures, updated_at) VALUES ('kim@example.com', '*', 19, :now)`,
      { now: new Date().toISOString() },
    );
    expect(await attempt(await fx().config('stranger-20'), 'kim@example.com', 'guess 20')).toMatch(THROTTLED);
    // Every device that never signed in is held back now, the right password or not...
    const phone = await fx().config('kim-new-phone');
    expect(await attempt(phone, 'kim@example.com', TEST_PASSWORD)).toMatch(THROTTLED);
    expect(phone.hasSessions()).toBe(false);
    // ...but not the laptop, nor sessions already open.
    expect(await attempt(laptop, 'kim@example.com', TEST_PASSWORD)).toBe('signed in');
    expect((await tokenStates(fx().services, [session]))[0]!.state).toBe('valid');

    const c = fx().call(sue, { json: true });
    await unlock({ ...c.deps, email: 'kim@example.com' });
    expect(JSON.parse(c.stdout())).toEqual({ email: 'kim@example.com', unlocked: true, wasLocked: true });
    expect(await attempt(phone, 'kim@example.com', TEST_PASSWORD)).toBe('signed in');
  });
});
