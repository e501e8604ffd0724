import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as login } from '../../../src/commands/account/login.js';
import { run as register } from '../../../src/commands/account/register.js';
import type { Config } from '../../../src/config.js';
import { deviceId } from '../../../src/device-id.js';
import { ENGINES, TEST_PASSWORD, useFixture } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/**
 * `account register` proves the password as a sign-in does: the device (config directory)
 * it ran on is known to the new account from then on, exactly as after `account login`
 * (docs/security.md, the sign-in throttle). So strangers who reach the account-wide
 * ceiling do not lock the owner out of the device they registered on. register and login
 * get the source as the CLI gives it (deviceId of the config directory); that the CLI
 * reads --config-dir's device-id file stays in e2e/register-known-device.test.ts.
 */
describe.each(ENGINES)('registration marks its device known, through run() on %s', (engine) => {
  const fx = useFixture(engine);
  const silent = scriptedPrompter([]).prompter;

  /** What a person or script sees of a sign-in: 'signed in', or exit code and error code. */
  const seen = async (email: string, password: string, config: Config) => {
    const c = fx().call(undefined, { stdin: `${password}\n`, json: true });
    const outcome = await login({
      io: c.io,
      prompter: silent,
      services: c.deps.services,
      config: () => config,
      storeKey: () => fx().storeKey,
      source: () => deviceId(config.dir),
      json: true,
      email,
      passwordStdin: true,
    }).then(
      () => 'signed in',
      (e: { exitCode?: number; code?: string }) => `${e.exitCode} ${e.code}`,
    );
    return outcome;
  };

  it('after register, strangers at the account-wide ceiling do not lock out the device that registered', async () => {
    const desktop = await fx().config('ann-desktop');
    const c = fx().call(undefined, { stdin: `${TEST_PASSWORD}\n` });
    await register({
      io: c.io,
      prompter: silent,
      services: c.deps.services,
      config: () => desktop,
      storeKey: () => fx().storeKey,
      source: () => deviceId(desktop.dir),
      json: false,
      email: 'ann@example.com',
      firstName: 'Ann',
      lastName: 'Smith',
      passwordStdin: true,
    });
    expect(c.stderr()).toBe(
      '✓ Registered ann@example.com; your company "Smith Company" was created and you are signed in.\n',
    );
    // That device's counter, as a successful login leaves it; no other source's.
    // The store knows the device by the SHA-256 of its device-id file (src/device-id.ts).
    const secret = readFileSync(join(desktop.dir, 'device-id'), 'utf8').trim();
    const device = createHash('sha256').update(secret).digest('base64url');
    const rows = await fx().read((r) => r.throttleRows('ann@example.com', device));
    expect(rows.map((r) => [r.source, r.failures, r.locked_until, r.last_success_at !== null])).toEqual([
      [device, 0, null, true],
    ]);

    // Strangers, each from a new device, have failed 19 times: one short of the ceiling.
    await fx().sql(
      `INSERT INTO login_throttle (email, source, failures, updated_at) VALUES ('ann@example.com', '*', 19, :now)`,
      { now: new Date().toISOString() },
    );
    expect(await seen('ann@example.com', 'guess 20', await fx().config('device-stranger'))).toBe('3 THROTTLED');
    // Every device that never signed in is held back now, the right password or not...
    expect(await seen('ann@example.com', TEST_PASSWORD, await fx().config('device-new-phone'))).toBe('3 THROTTLED');
    // ...but not the one Ann registered on.
    expect(await seen('ann@example.com', TEST_PASSWORD, await fx().config('ann-desktop'))).toBe('signed in');
  });
});
