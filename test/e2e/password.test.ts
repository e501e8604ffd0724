import type * as ScryptKdfModule from 'scrypt-kdf';
import { describe, expect, it } from 'vitest';
import { SCRYPT_PARAMS } from '../../src/domain/password.js';
import { engines, useStore, PASSWORD } from './harness.js';

/**
 * `password change` through the real CLI on each engine: what needs a process. Its rules
 * (length, then match, then the current password, with every message and exit code; the
 * limit on wrong current passwords; what a change revokes; long passwords; three lines on
 * standard input; signed out) are checked in process on both engines in
 * test/commands/password/change.test.ts. Here: the exit codes and streams a shell sees,
 * the production-cost hash the CLI writes, and what is decided before any command runs
 * (a terminal or not, a password given as a flag).
 */

const SHORT = 'New password must be at least 8 characters long.';
const WRONG = 'Current password is incorrect.';
const lines = (...l: string[]) => l.join('\n') + '\n';

type ScryptKdf = typeof ScryptKdfModule;
async function scrypt(): Promise<ScryptKdf> {
  const m = (await import('scrypt-kdf')) as ScryptKdf & { default?: ScryptKdf };
  return m.default ?? m;
}

describe.each(engines())('password change on %s', (engine) => {
  const fresh = useStore(engine);

  it('exit 2 with the message as text, exit 3 as JSON on stderr, exit 0 with the document; the new hash costs what production does', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const change = (cur: string, next: string, confirm: string, json = false) =>
      ann.run([...(json ? ['--json'] : []), 'password', 'change', '--password-stdin'], {
        input: lines(cur, next, confirm),
      });

    // Short AND mismatched AND wrong current: the length message wins.
    let r = await change('wrong current', 'short', 'different');
    expect([r.exitCode, r.stderr, r.stdout]).toEqual([2, `error: ${SHORT}`, '']);
    // Only the current password is wrong.
    r = await change('wrong current', '😀'.repeat(8), '😀'.repeat(8), true);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'BAD_CREDENTIALS', message: WRONG } });

    // 8 emoji are fine.
    const before = (await t.query((rp) => rp.userByEmail(ann.email)))!.password_hash;
    r = await change(PASSWORD, '😀'.repeat(8), '😀'.repeat(8), true);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true });
    // The CLI hashes with production's scrypt cost (unit tests inject a cheap one).
    const after = (await t.query((rp) => rp.userByEmail(ann.email)))!.password_hash;
    expect(after).not.toBe(before);
    expect((await scrypt()).viewParams(Buffer.from(after, 'base64'))).toEqual(SCRYPT_PARAMS);
  });

  // Where a password may come from is decided while parsing arguments, before the store is
  // read or written: local store only.
  it.runIf(engine === 'local')(
    'without a terminal, passwords come only from --password-stdin (exit 2 naming it); --password is refused unechoed',
    async () => {
      const t = await fresh();
      await t.run(['store', 'init']);
      // Standard input is a pipe, not a terminal: nothing can be asked (run() decides it from
      // what the process reports; every command's refusal is in its unit tests).
      const r = await t.run(['password', 'change'], { input: PASSWORD + '\n' });
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/--password-stdin/);
      const secret = 'hunter2-very-secret';
      const flagged = [
        [
          'account',
          'register',
          '--email',
          'ann@example.com',
          '--first-name',
          'Ann',
          '--last-name',
          'Smith',
          '--password',
          secret,
        ],
        ['account', 'login', '--password', secret, '--email', 'ann@example.com'],
        ['--password=' + secret, 'account', 'login', '--email', 'ann@example.com'],
        ['password', 'change', '--password', secret],
        ['--json', 'password', 'change', '--password', secret],
      ];
      for (const args of flagged) {
        const r = await t.run(args);
        expect(r.exitCode, args.join(' ')).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/--password-stdin/);
        expect(r.stderr).not.toContain(secret);
      }
      // --password-stdin wants its line: an empty standard input is named as such.
      const none = await t.run(['account', 'login', '--email', 'ann@example.com', '--password-stdin'], { input: '' });
      expect(none.exitCode).toBe(2);
      expect(none.stderr).toMatch(/first line of standard input/);
      // Nobody was registered by any of this.
      expect(await t.query((rp) => rp.userByEmail('ann@example.com'))).toBeUndefined();
    },
  );
});
