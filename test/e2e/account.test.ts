import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

/**
 * `account register`, `show` (alias `whoami`), `update` and `login` as real processes on
 * each engine: the exit status the shell sees, data on stdout and messages on stderr, the
 * session saved in --config-dir, the password on stdin, never waiting on a closed stdin,
 * and the JSON error on stderr. Their rules (fields and their validation, the messages,
 * the JSON, what the store holds afterwards) are checked through each command's run() on
 * both engines in test/commands/account/{register,show,update}.test.ts.
 */
describe.each(engines())('account on %s', (engine) => {
  const fresh = useStore(engine);

  it('register (password on stdin) signs in: show prints the panel on stdout, whoami the JSON', async () => {
    const t = await fresh();
    const ann = await t.register('Ann@Example.com', 'Ann', 'Smith');
    const r = await ann.run(['account', 'show']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const me = await ann.json(['account', 'whoami']);
    const id = me.currentCompany.id;
    expect(r.stdout).toBe(
      [
        'Name     Ann Smith',
        'Email    ann@example.com',
        'Phone    —',
        `Company  Smith Company (id ${id})`,
        'Role     OWNER',
        'Plan     FREE (up to 3 users)',
        '',
        'Companies',
        `*\t${id}\tSmith Company\tOWNER\tACTIVE\tmain`,
      ].join('\n'),
    );
    expect(me).toEqual({
      user: {
        id: expect.any(Number),
        email: 'ann@example.com',
        firstName: 'Ann',
        lastName: 'Smith',
        phone: null,
        support: false,
      },
      currentCompany: { id, name: 'Smith Company', role: 'OWNER', plan: { name: 'FREE', maxUsers: 3, custom: false } },
      companies: [{ id, name: 'Smith Company', role: 'OWNER', status: 'ACTIVE', current: true, main: true }],
    });
  });

  it('update succeeds (exit 0) and refuses (exit 2, 3); register and login refuse (exit 2, 6) without waiting on stdin', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');

    const human = await ann.run(['account', 'update', '--first-name', 'Anna']);
    expect([human.exitCode, human.stderr]).toEqual([0, '✓ Updated first name.']);
    expect(human.stdout).toMatch(/^Name +Anna Smith$/m);
    // --json: the error as JSON on stderr, nothing on stdout, no escape sequence let through.
    const bad = await ann.run(['--json', 'account', 'update', '--first-name', 'Ann\u001b[31mRed']);
    expect([bad.exitCode, bad.stdout]).toEqual([2, '']);
    expect(JSON.parse(bad.stderr).error.code).toBe('INVALID_INPUT');
    expect(bad.stderr).not.toContain('\u001b');
    // No saved session in this config dir.
    expect((await t.run(['account', 'update', '--first-name', 'X'])).exitCode).toBe(3);

    // No terminal and nothing on stdin: every missing option named at once.
    const missing = await t.run(['account', 'register', '--first-name', 'Ann']);
    expect([missing.exitCode, missing.stdout, missing.stderr]).toEqual([
      2,
      '',
      'error: Missing required options --email <email>, --last-name <name>; standard input is not a terminal, so they cannot be asked. Pass the password with --password-stdin.',
    ]);
    // An e-mail already registered is refused before a password is read (none is given).
    const taken = await t.run([
      'account',
      'register',
      '--email',
      ' ANN@example.com ',
      '--first-name',
      'A',
      '--last-name',
      'B',
      '--password-stdin',
    ]);
    expect([taken.exitCode, taken.stdout, taken.stderr]).toEqual([
      6,
      '',
      'error: An account for ann@example.com already exists. Sign in with `platformctl account login`.',
    ]);
    const login = await t.run(['account', 'login', '--password-stdin']);
    expect([login.exitCode, login.stderr]).toEqual([
      2,
      'error: Missing required option --email <email>; standard input is not a terminal, so it cannot be asked.',
    ]);
  });
});
