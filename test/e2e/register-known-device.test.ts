import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, type Engine } from './harness.js';

/**
 * `account register` proves the password as a sign-in does: the device (config directory)
 * it ran on is known to the new account from then on, exactly as after `account login`
 * (docs/security.md, the sign-in throttle). That strangers at the account-wide ceiling then
 * do not lock the owner out of that device is checked through run() on both engines in
 * test/commands/account/register-known-device.test.ts. Here, what needs the process: the
 * CLI keeps the device's id in --config-dir (private) and the store knows its hash.
 * (That `account login` reads the same file: e2e/device-source.test.ts.)
 */

describe.each(engines())('registration marks its device known on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('register keeps the device id in --config-dir (0600) and makes its hash a known source of the account', async () => {
    const t = await fresh();
    const ann = await t.register('ann@example.com', 'Ann', 'Smith');
    const file = join(ann.configDir, 'device-id');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // That device's counter, as a successful login leaves it; no other source's.
    // The store knows the device by the SHA-256 of its device-id file (src/device-id.ts).
    const device = createHash('sha256').update(readFileSync(file, 'utf8').trim()).digest('base64url');
    const rows = await t.query((r) => r.throttleRows('ann@example.com', device));
    expect(rows.map((r) => [r.source, r.failures, r.locked_until, r.last_success_at !== null])).toEqual([
      [device, 0, null, true],
    ]);
  });
});
