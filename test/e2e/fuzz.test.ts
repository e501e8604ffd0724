import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invite } from '../../src/domain/members.js';
import { engines, useStore, type Engine, type RunResult, type TestStore, type User } from './harness.js';
import { hostile } from '../helpers/hostile.js';

/**
 * Hostile input through the real CLI: whatever the argv (through the real parser) and
 * whatever arrives on a standard input pipe, the CLI never exits 1, never prints a stack
 * trace, never writes a raw escape sequence to the terminal, and the store stays clean.
 * The rules (account update and member invite with hostile names, phones and e-mails:
 * all or nothing, exit 0/2/6, stored data listing cleanly everywhere) are properties of the
 * commands' run() on both engines in test/commands/fuzz.test.ts, with many more runs.
 * Runs here are few (each is a CLI process); set FUZZ_RUNS / FUZZ_SEED to go further or
 * replay (fast-check prints the seed and path of a failure).
 */

const RUNS = Number(process.env.FUZZ_RUNS) || 8;
const SEED = Number(process.env.FUZZ_SEED) || undefined;

/** NUL cannot travel in argv (the OS ends the string there): those cases go through stdin only. */
const argvSafe = (s: string) => !s.includes('\0');

/** What a hostile run must never show: a bug exit, a stack trace, a raw escape or control byte. */
function expectSane(r: RunResult, what: string) {
  expect(r.exitCode, `${what}: ${r.stderr.slice(0, 400)}`).not.toBe(1);
  expect(r.stderr, what).not.toMatch(/\n\s+at .*\(|INTERNAL|internal error/);
  // NO_COLOR is set, so any ESC or other control byte came from data, not from our colouring.

  expect(r.stdout + r.stderr, what).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
}

const noColor = { NO_COLOR: '1' };

describe.each(engines())('hostile input on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  async function setup(): Promise<{ t: TestStore; ann: User }> {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Fuzz');
    return { t, ann };
  }

  it('random argv never crashes, echoes no raw escapes, and leaves the store clean', async () => {
    const { ann } = await setup();
    const words = fc.constantFrom(
      'account',
      'show',
      'update',
      'company',
      'list',
      'switch',
      'leave',
      'member',
      'invite',
      'remove',
      'set-role',
      'billing',
      'plan',
      'audit',
      'store',
      'check',
      'token',
      'create',
      'revoke',
      '--json',
      '--yes',
      '--role',
      '--company',
      '--limit',
      '--since',
      '--first-name',
      '-y',
      '-h',
      'help',
      '--no-color',
    );
    const argv = fc.array(fc.oneof(words, words, hostile), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        fc.pre(args.every(argvSafe));
        // Never let a random run delete the account or log out: that ends the property, not a bug.
        fc.pre(!(args.includes('delete') || args.includes('logout')));
        const r = await ann.run(args, { env: noColor });
        expectSane(r, `argv ${JSON.stringify(args).slice(0, 300)}`);
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  // Reading a password from stdin does not depend on the engine, and every run is a full
  // scrypt: local engine only.
  it.runIf(engine === 'local')(
    'NUL and control characters through stdin (passwords) are refused or accepted cleanly',
    async () => {
      const { t, ann } = await setup();
      await fc.assert(
        fc.asyncProperty(hostile, async (secret) => {
          const r = await t.run(['account', 'login', '--email', 'ann@example.com', '--password-stdin'], {
            input: secret + '\n',
            env: noColor,
          });
          expectSane(r, `login with ${JSON.stringify(secret).slice(0, 60)}`);
          expect([2, 3]).toContain(r.exitCode);
          expect(r.stdout + r.stderr).not.toContain(secret.length > 3 ? secret : '\u0000never');
        }),
        // Few runs: five failures lock the account, which the security tests cover.
        { numRuns: 4, seed: SEED },
      );
      expect((await ann.run(['account', 'show'])).exitCode).toBe(0);
    },
  );

  it('hostile values in argv reach the command whole: refusals (exit 2) and stored tricky data print nothing raw', async () => {
    const { ann } = await setup();
    // Raw escapes and bidi marks in argv: the command refuses them and main() escapes its message on stderr.
    const update = await ann.run(['account', 'update', '--first-name=\x1b]0;pwned\x07', '--phone=\u202e0100'], {
      env: noColor,
    });
    expectSane(update, 'account update');
    expect(update.exitCode, update.stderr).toBe(2);
    expect(update.stdout).toBe('');
    expect(update.stderr).toMatch(/^error: .*\\u\{1b\}/);
    const invited = await ann.run(
      ['member', 'invite', 'evil\u202e@example.com', '\x1b[31mx@example.com', '--role', 'DESIGNER'],
      {
        env: noColor,
      },
    );
    expectSane(invited, 'member invite');
    expect(invited.exitCode, invited.stderr).toBe(2);
    expect(invited.stdout).toBe('');
    // Valid yet tricky data from argv (an emoji, quotes, a name that looks like a flag, a tab) is stored and
    // printed by the real process without a raw control character.
    const tricky = await ann.run(
      ['account', 'update', '--first-name=Zoë 🦄', '--last-name=--json "O\'Brien"', '--company-name=ACME\t'],
      { env: noColor },
    );
    expectSane(tricky, 'account update (tricky)');
    expect(tricky.exitCode, tricky.stderr).toBe(0);
    await ann.as((svc, cred) => invite(svc, cred, { emails: ['weird+tag@example.com'], role: 'MANAGER' }));
    const shown: Record<string, RunResult> = {};
    for (const args of [
      ['account', 'show'],
      ['member', 'list'],
    ]) {
      const r = (shown[args.join(' ')] = await ann.run(args, { env: noColor }));
      expectSane(r, args.join(' '));
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect(shown['account show']!.stdout).toMatch(/^Name +Zoë 🦄 --json "O'Brien"\n/);
    expect(shown['account show']!.stdout).toMatch(/^Company +ACME \(id \d+\)\n/m);
    expect(shown['member list']!.stdout).toMatch(/^weird\+tag@example\.com\t/m);
  });
});
