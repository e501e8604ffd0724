import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as login } from '../../../src/commands/account/login.js';
import { run as changePassword } from '../../../src/commands/password/change.js';
import type { Config } from '../../../src/config.js';
import { deviceId } from '../../../src/device-id.js';
import type { ThrottleRow } from '../../../src/store/repo.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/** The source Fixture.register signs its accounts up from (known to each of them). */
const FIXTURE_SOURCE = 'unit-test-register-01';

/**
 * A device's sign-in standing cannot be copied out of the store (docs/security.md). Found
 * from outside: the throttle kept each config directory's device id in clear; anyone who
 * could read the store (`store backup` needs no sign-in) put a victim's id into a device-id
 * file of their own, failed five times as that "device", and locked the victim out of
 * signing in and of `password change` on their own machine. The store now holds only a hash
 * of the id: a copied value is just another unknown device.
 *
 * login and password change get this config directory's source as the CLI gives it to
 * them (deviceId of the directory); that the CLI reads the device-id file of --config-dir
 * is checked once in e2e/device-source.test.ts.
 */
describe.each(ENGINES)('device sources through login and password change run() on %s', (engine) => {
  const fx = useFixture(engine);

  beforeAll(async () => {
    await fx().register('bob@example.com', 'Bob', 'Jones');
  });

  /** `account login` as bob@example.com from the machine whose config directory is `config`. */
  const signIn = async (config: Config, password: string) => {
    const c = fx().call(undefined, { stdin: `${password}\n` });
    await login({
      io: c.io,
      prompter: scriptedPrompter([]).prompter,
      services: c.deps.services,
      config: () => config,
      storeKey: () => fx().storeKey,
      source: () => deviceId(config.dir),
      json: false,
      email: 'bob@example.com',
      passwordStdin: true,
    });
    return c.stderr();
  };
  const rowsOf = (email: string) =>
    fx().store.read((tx) => tx.all<ThrottleRow>(`SELECT * FROM login_throttle WHERE email = :email`, { email }));
  /** The SHA-256 of a config directory's device-id file, as the store should know it. */
  const hashOf = (config: Config) =>
    createHash('sha256')
      .update(readFileSync(join(config.dir, 'device-id'), 'utf8').trim())
      .digest('base64url');

  it('a source read from the store does not make a stranger the owner device', async () => {
    // Bob signs in on his machine: it becomes a known device of his account.
    const laptop = await fx().config('bob-laptop');
    expect(await signIn(laptop, TEST_PASSWORD)).toBe('✓ Signed in as bob@example.com.\n');
    const known = (await rowsOf('bob@example.com')).filter(
      (r) => r.last_success_at !== null && r.source !== FIXTURE_SOURCE,
    );
    expect(known).toHaveLength(1);
    // The store holds the hash of his device-id file, never the file's secret.
    expect(known[0]!.source).toBe(hashOf(laptop));
    const stolen = String(known[0]!.source);

    // A stranger copies that value into a config directory of their own and fails five times.
    const evil = await fx().config('evil');
    mkdirSync(evil.dir, { mode: 0o700, recursive: true });
    writeFileSync(join(evil.dir, 'device-id'), stolen + '\n');
    chmodSync(join(evil.dir, 'device-id'), 0o600);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await failure(signIn(evil, 'wrong password ' + i));
      expect(e.exitCode).toBe(3);
      codes.push(e.code!);
    }
    expect(codes).toEqual(['BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'THROTTLED']);
    const locked = await failure(signIn(evil, TEST_PASSWORD));
    expect(locked).toMatchObject({ code: 'THROTTLED', exitCode: 3 });
    expect(locked.message).toMatch(/^Too many failed sign-ins for this e-mail/);
    // The stranger's failures count on a source of their own (the hash of what they copied).
    const rows = await rowsOf('bob@example.com');
    const mine = rows.find((r) => r.source === stolen)!;
    expect([mine.failures, mine.locked_until, mine.last_success_at !== null]).toEqual([0, null, true]);
    expect(rows.find((r) => r.source === createHash('sha256').update(stolen).digest('base64url'))).toMatchObject({
      failures: 5,
      last_success_at: null,
    });

    // Bob's own machine is not locked: he signs in, and changes his password.
    expect(await signIn(laptop, TEST_PASSWORD)).toBe('✓ Signed in as bob@example.com.\n');
    const fresh = await fx().config('bob-laptop');
    const c = fx().callAs(fresh, { stdin: `${TEST_PASSWORD}\nan entirely new password\nan entirely new password\n` });
    await changePassword({
      ...c.deps,
      prompter: scriptedPrompter([]).prompter,
      passwordStdin: true,
      source: () => deviceId(fresh.dir),
    });
    // The fixture's sign-up session and the laptop's first one.
    expect(c.stderr()).toBe('✓ Password changed; 2 other sessions and tokens were revoked.\n');
  });
});
