import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD, type Engine, type TestStore } from './harness.js';

/**
 * `account register` proves the password as a sign-in does: the device (config directory)
 * it ran on is known to the new account from then on, exactly as after `account login`
 * (docs/security.md, the sign-in throttle). So strangers who reach the account-wide
 * ceiling do not lock the owner out of the device they registered on. Each sign-in is a
 * production scrypt: the ceiling is reached by setting its counter one short in the store.
 */

const login = (t: TestStore, email: string, password: string, configDir: string) =>
  t.run(['--json', 'account', 'login', '--email', email, '--password-stdin'], {
    input: password + '\n',
    configDir,
  });

/** What a person or script sees of a sign-in: 'signed in', or exit code and error code. */
const seen = (r: { exitCode: number; stderr: string }) =>
  r.exitCode === 0 ? 'signed in' : `${r.exitCode} ${(JSON.parse(r.stderr) as { error: { code: string } }).error.code}`;

describe.each(engines())('registration marks its device known on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('after register, strangers at the account-wide ceiling do not lock out the device that registered', async () => {
    const t = await fresh();
    const ann = await t.register('ann@example.com', 'Ann', 'Smith');
    // That device's counter, as a successful login leaves it; no other source's.
    // The store knows the device by the SHA-256 of its device-id file (src/device-id.ts).
    const secret = readFileSync(join(ann.configDir, 'device-id'), 'utf8').trim();
    const device = createHash('sha256').update(secret).digest('base64url');
    const rows = await t.query((r) => r.throttleRows('ann@example.com', device));
    expect(rows.map((r) => [r.source, r.failures, r.locked_until, r.last_success_at !== null])).toEqual([
      [device, 0, null, true],
    ]);

    // Strangers, each from a new device, have failed 19 times: one short of the ceiling.
    await t.write((tx) =>
      tx.run(
        `INSERT INTO login_throttle (email, source, failures, updated_at) VALUES ('ann@example.com', '*', 19, ?)`,
        [new Date().toISOString()],
      ),
    );
    expect(seen(await login(t, 'ann@example.com', 'guess 20', join(t.dir, 'device-stranger')))).toBe('3 THROTTLED');
    // Every device that never signed in is held back now, the right password or not...
    expect(seen(await login(t, 'ann@example.com', PASSWORD, join(t.dir, 'device-new-phone')))).toBe('3 THROTTLED');
    // ...but not the one Ann registered on.
    expect(seen(await login(t, 'ann@example.com', PASSWORD, ann.configDir))).toBe('signed in');
    await t.expectClean();
  }, 150_000);
});
