/**
 * A device's sign-in standing cannot be copied out of the store (docs/security.md). Found
 * from outside: the throttle kept each config directory's device id in clear; anyone who
 * could read the store (`store backup` needs no sign-in) put a victim's id into a device-id
 * file of their own, failed five times as that "device", and locked the victim out of
 * signing in and of `password change` on their own machine, again every 15 minutes. The
 * store now holds only a hash of the id: a copied value is just another unknown device.
 *
 * The rule (five failures, the lock, the owner's machine not held back at sign-in or at
 * `password change`) is checked through run() on both engines in
 * test/commands/account/device-source.test.ts. Here, what needs the process: the CLI
 * reads the device-id file of --config-dir and gives the store its hash, and the exit
 * codes of login (0, 3) and password change (0) as the shell sees them.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, PASSWORD, useStore, type Engine } from './harness.js';
import { dumpStore, rowsOf } from './store-dump.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

describe.each(engines())('device sources on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('the CLI signs in as the device in --config-dir: a source copied from the store is another device', async () => {
    const t = await fresh();
    const bob = await t.seed('bob@example.com', 'Bob', 'Jones');
    const login = (configDir: string, password: string) =>
      t.run(['account', 'login', '--email', 'bob@example.com', '--password-stdin'], {
        configDir,
        input: password + '\n',
      });
    const throttle = async () => rowsOf(await dumpStore(engine, t.store, ['login_throttle']), 'login_throttle');
    // Bob signs in on his machine: it becomes a known device of his account, by the hash of its file.
    const signedIn = await login(bob.configDir, PASSWORD);
    expect([signedIn.exitCode, signedIn.stdout, signedIn.stderr]).toEqual([0, '', '✓ Signed in as bob@example.com.']);
    const known = (await throttle()).filter((r) => r.email === 'bob@example.com' && r.last_success_at !== null);
    expect(known.map((r) => r.source)).toEqual([sha256(readFileSync(join(bob.configDir, 'device-id'), 'utf8').trim())]);
    const stolen = String(known[0]!.source);

    // A stranger copies that value into a config directory of their own and fails:
    // the failure counts on the hash of what they copied, not on Bob's machine.
    const evil = join(t.dir, 'config-evil');
    mkdirSync(evil, { mode: 0o700, recursive: true });
    writeFileSync(join(evil, 'device-id'), stolen + '\n');
    chmodSync(join(evil, 'device-id'), 0o600);
    const wrong = await login(evil, 'wrong password');
    expect([wrong.exitCode, wrong.stdout, wrong.stderr]).toEqual([3, '', 'error: Incorrect e-mail or password.']);
    const rows = await throttle();
    expect(rows.map((r) => [r.source, r.failures]).sort()).toEqual(
      [
        [stolen, 0],
        [sha256(stolen), 1],
        ['*', 1],
      ].sort(),
    );

    // Bob changes his password on his machine (exit 0).
    const change = await bob.run(['password', 'change', '--password-stdin'], {
      input: `${PASSWORD}\nan entirely new password\nan entirely new password\n`,
    });
    expect(change.exitCode, change.stderr).toBe(0);
  });
});
