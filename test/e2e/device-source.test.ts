/**
 * A device's sign-in standing cannot be copied out of the store (docs/security.md). Found
 * from outside: the throttle kept each config directory's device id in clear; anyone who
 * could read the store (`store backup` needs no sign-in) put a victim's id into a device-id
 * file of their own, failed five times as that "device", and locked the victim out of
 * signing in and of `password change` on their own machine, again every 15 minutes. The
 * store now holds only a hash of the id: a copied value is just another unknown device.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, PASSWORD, useStore, type Engine } from './harness.js';
import { dumpStore, rowsOf } from './store-dump.js';

describe.each(engines())('device sources on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('a source read from the store does not make a stranger the owner device', async () => {
    const t = await fresh();
    const bob = await t.seed('bob@example.com', 'Bob', 'Jones');
    const login = (configDir: string, password: string) =>
      t.run(['account', 'login', '--email', 'bob@example.com', '--password-stdin'], {
        configDir,
        input: password + '\n',
      });
    // Bob signs in on his machine: it becomes a known device of his account.
    expect((await login(bob.configDir, PASSWORD)).exitCode).toBe(0);
    const known = rowsOf(await dumpStore(engine, t.store, ['login_throttle']), 'login_throttle').filter(
      (r) => r.email === 'bob@example.com' && r.last_success_at !== null,
    );
    expect(known).toHaveLength(1);
    const stolen = String(known[0]!.source);

    // A stranger copies that value into a config directory of their own and fails five times.
    const evil = join(t.dir, 'config-evil');
    mkdirSync(evil, { mode: 0o700, recursive: true });
    writeFileSync(join(evil, 'device-id'), stolen + '\n');
    chmodSync(join(evil, 'device-id'), 0o600);
    for (let i = 0; i < 5; i++) expect((await login(evil, 'wrong password ' + i)).exitCode).toBe(3);
    expect((await login(evil, PASSWORD)).stderr).toMatch(/THROTTLED|Too many/i);

    // Bob's own machine is not locked: he signs in, and changes his password.
    const again = await login(bob.configDir, PASSWORD);
    expect(again.exitCode, again.stderr).toBe(0);
    const change = await bob.run(['password', 'change', '--password-stdin'], {
      input: `${PASSWORD}\nan entirely new password\nan entirely new password\n`,
    });
    expect(change.exitCode, change.stderr).toBe(0);
  });
});
