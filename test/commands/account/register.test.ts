import { beforeAll, describe, expect, it, vi } from 'vitest';
import { run as register, type RegisterOptions } from '../../../src/commands/account/register.js';
import { run as login, type LoginOptions } from '../../../src/commands/account/login.js';
import type { Config } from '../../../src/config.js';
import { register as registerAccount, show } from '../../../src/domain/accounts.js';
import type { Services } from '../../../src/domain/services.js';
import { inputSteps, passwordSteps, scriptedPrompter } from '../scripted-prompter.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';
import { ENGINES, failure, useFixture } from '../../helpers/services.js';

/** Reaching the store is the signal in the tests that must stop before it. */
const REACHED = new Error('reached the store');
const unreachable = async (): Promise<Services> => {
  throw REACHED;
};

function registerOptions(o: {
  tty: boolean;
  stdin?: string;
  prompter: Prompter;
  passwordStdin?: boolean;
  /** The store run() may open; left out, reaching it fails the test. */
  store?: Services;
  json?: boolean;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  phone?: string | undefined;
}) {
  const b = bufferIO({ tty: o.tty, ...(o.stdin === undefined ? {} : { stdin: o.stdin }) });
  const saveSession = vi.fn(async (_key: string, _session: { token: string; email: string }) => {});
  const store = o.store;
  const options: RegisterOptions = {
    io: b.io,
    prompter: o.prompter,
    services: store ? async () => store : unreachable,
    config: () => ({ saveSession }) as unknown as Config,
    storeKey: () => 'k',
    source: () => 'unit-test-device-0001',
    json: o.json ?? false,
    email: 'email' in o ? o.email : 'ann@example.com',
    firstName: 'firstName' in o ? o.firstName : 'Ann',
    lastName: 'lastName' in o ? o.lastName : 'Smith',
    phone: o.phone,
    passwordStdin: o.passwordStdin ?? false,
  };
  return { options, b, saveSession };
}

describe('account register run(): before the store', () => {
  it('without a terminal, every missing required option is named at once (and --password-stdin when needed)', async () => {
    const p = scriptedPrompter([]);
    const none = { email: undefined, firstName: undefined, lastName: undefined };
    await expect(
      register(registerOptions({ tty: false, prompter: p.prompter, ...none }).options),
    ).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message:
        'Missing required options --email <email>, --first-name <name>, --last-name <name>; standard input is not a terminal, so they cannot be asked. Pass the password with --password-stdin.',
    });
    await expect(
      register(registerOptions({ tty: false, prompter: p.prompter, email: undefined, lastName: undefined }).options),
    ).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message:
        'Missing required options --email <email>, --last-name <name>; standard input is not a terminal, so they cannot be asked. Pass the password with --password-stdin.',
    });
    await expect(
      register(
        registerOptions({ tty: false, prompter: p.prompter, passwordStdin: true, stdin: 'long enough\n', ...none })
          .options,
      ),
    ).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message:
        'Missing required options --email <email>, --first-name <name>, --last-name <name>; standard input is not a terminal, so they cannot be asked.',
    });
    await expect(
      register(
        registerOptions({
          tty: false,
          prompter: p.prompter,
          passwordStdin: true,
          stdin: 'long enough\n',
          lastName: undefined,
        }).options,
      ),
    ).rejects.toMatchObject({
      code: 'USAGE',
      message: 'Missing required option --last-name <name>; standard input is not a terminal, so it cannot be asked.',
    });
    expect(p.asked).toEqual([]);
  });

  it('checks the fields given as flags before anything else (exit 2), on a terminal too', async () => {
    const bad = [
      { email: 'nope' },
      { email: 'not-an-email' },
      { firstName: 'A\u001b[2J' },
      { firstName: 'A\u0085' },
      { lastName: 'B\u2066' },
      { phone: 'x' },
    ];
    for (const tty of [true, false])
      for (const o of bad) {
        const p = scriptedPrompter([]);
        const { options } = registerOptions({
          tty,
          prompter: p.prompter,
          passwordStdin: !tty,
          stdin: 'long enough\n',
          ...o,
        });
        const e = await failure(register(options));
        expect(e, `${JSON.stringify(o)} tty=${tty}`).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
        expect(p.asked).toEqual([]);
      }
  });

  it('--password-stdin with a terminal on stdin is refused at once', async () => {
    const p = scriptedPrompter([]);
    const tty = registerOptions({
      tty: true,
      stdin: 'long enough secret\n',
      passwordStdin: true,
      prompter: p.prompter,
    });
    await expect(register(tty.options)).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/^--password-stdin reads the password from standard input, which is a terminal/),
    });
    expect(p.asked).toEqual([]);
  });
});

describe.each(ENGINES)('account register run() on %s', (engine) => {
  const fx = useFixture(engine);
  const store = () => fx().services;
  beforeAll(async () => {
    await fx().register('taken@example.com', 'T', 'Aken');
  });

  it('registers the user (e-mail trimmed, in lower case) and "<last name> Company" with them as OWNER on the FREE plan, and signs them in', async () => {
    const { options, saveSession, b } = registerOptions({
      tty: false,
      prompter: scriptedPrompter([]).prompter,
      store: store(),
      email: ' Ann@Example.com ',
      passwordStdin: true,
      stdin: 'long enough secret\n',
    });
    await register(options);
    expect(b.stdout()).toBe('');
    expect(b.stderr()).toBe(
      '✓ Registered ann@example.com; your company "Smith Company" was created and you are signed in.\n',
    );
    expect(saveSession).toHaveBeenCalledTimes(1);
    const [key, session] = saveSession.mock.calls[0]!;
    expect([key, session.email]).toEqual(['k', 'ann@example.com']);
    // The saved session is a valid sign-in to the new account.
    const me = await show(store(), { token: session.token });
    expect(me.user).toEqual({
      id: expect.any(Number),
      email: 'ann@example.com',
      firstName: 'Ann',
      lastName: 'Smith',
      phone: null,
      support: false,
    });
    expect(me.currentCompany).toEqual({
      id: expect.any(Number),
      name: 'Smith Company',
      role: 'OWNER',
      plan: { name: 'FREE', maxUsers: 3, custom: false },
    });
    expect(me.companies).toEqual([
      { id: me.currentCompany!.id, name: 'Smith Company', role: 'OWNER', status: 'ACTIVE', current: true, main: true },
    ]);
  });

  it('--json: the user, the company and signedIn; a password is counted in characters, not UTF-16 units', async () => {
    const reg = (password: string, email: string) =>
      registerOptions({
        tty: false,
        prompter: scriptedPrompter([]).prompter,
        store: store(),
        json: true,
        email,
        firstName: 'Ann',
        lastName: 'Bee',
        phone: '+44 20 7946 0958',
        passwordStdin: true,
        stdin: password + '\n',
      });
    // Seven emoji are fourteen UTF-16 units, but seven characters: too short.
    const short = reg('😀'.repeat(7), 'a@b.example');
    expect(await failure(register(short.options))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message: 'Password must be at least 8 characters long.',
    });
    expect(short.saveSession).not.toHaveBeenCalled();
    const ok = reg('😀'.repeat(8), ' A@B.Example ');
    await register(ok.options);
    const out = JSON.parse(ok.b.stdout());
    expect(out).toEqual({
      user: { id: expect.any(Number), email: 'a@b.example' },
      company: { id: expect.any(Number), name: 'Bee Company' },
      invitations: 0,
      signedIn: true,
      switchedFrom: null,
    });
    const session = ok.saveSession.mock.calls[0]![1];
    expect((await show(store(), { token: session.token })).user).toMatchObject({
      id: out.user.id,
      firstName: 'Ann',
      lastName: 'Bee',
      phone: '+44 20 7946 0958',
    });
    expect(ok.b.stderr()).toBe('');
  });

  it('without a terminal and without --password-stdin: USAGE naming --password-stdin (after the e-mail check), no prompt', async () => {
    const p = scriptedPrompter([]);
    await expect(
      register(registerOptions({ tty: false, prompter: p.prompter, store: store(), email: 'new@example.com' }).options),
    ).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message:
        'The password cannot be asked: standard input is not a terminal. Pass --password-stdin and write it to standard input.',
    });
    expect(p.asked).toEqual([]);
  });

  it('on a terminal asks PASSWORD then CONFIRM PASSWORD, then goes to the store', async () => {
    const p = scriptedPrompter(
      passwordSteps([
        ['PASSWORD', 'long enough secret'],
        ['CONFIRM PASSWORD', 'long enough secret'],
      ]),
    );
    const { options, saveSession, b } = registerOptions({
      tty: true,
      prompter: p.prompter,
      store: store(),
      email: 'term@example.com',
      lastName: 'Term',
    });
    await register(options);
    expect(p.left()).toBe(0);
    expect(saveSession).toHaveBeenCalledWith('k', expect.objectContaining({ email: 'term@example.com' }));
    expect(b.stderr()).toMatch(/^✓ Registered term@example.com; your company "Term Company" was created/);
  });

  it('on a terminal a short password is asked again, and a mismatched confirmation asks both again', async () => {
    const p = scriptedPrompter(
      passwordSteps([
        ['PASSWORD', '😀'.repeat(7)],
        ['PASSWORD', 'long enough secret'],
        ['CONFIRM PASSWORD', 'long enough secreT'],
        ['PASSWORD', 'long enough secret'],
        ['CONFIRM PASSWORD', 'long enough secret'],
      ]),
    );
    const { options, b } = registerOptions({
      tty: true,
      prompter: p.prompter,
      store: store(),
      email: 'retry@example.com',
    });
    await register(options);
    expect(p.left()).toBe(0);
    expect(b.stderr().split('\n').slice(0, 2)).toEqual([
      '! Password must be at least 8 characters long.',
      '! Password and confirmation do not match; type both again.',
    ]);
  });

  it('on a terminal asks for missing options, again until valid; a registered e-mail is refused at the prompt', async () => {
    const p = scriptedPrompter([
      ...inputSteps([
        ['EMAIL', 'nope'],
        ['EMAIL', 'Taken@Example.com'],
        ['EMAIL', ' Form@Example.com '],
        ['FIRST NAME', '   '],
        ['FIRST NAME', 'Fo\u001b[2Jrm'],
        ['FIRST NAME', 'Fay'],
        ['LAST NAME', 'Form'],
      ]),
      ...passwordSteps([
        ['PASSWORD', 'long enough secret'],
        ['CONFIRM PASSWORD', 'long enough secret'],
      ]),
    ]);
    const { options, b } = registerOptions({
      tty: true,
      prompter: p.prompter,
      store: store(),
      email: undefined,
      firstName: undefined,
      lastName: undefined,
    });
    await register(options);
    expect(p.left()).toBe(0);
    expect(b.stderr().split('\n')).toEqual([
      '! Invalid e-mail address "nope".',
      '! An account for taken@example.com already exists. Sign in with `platformctl account login`.',
      '! First name must not be empty.',
      '! First name must not contain control, invisible or unassigned characters (found U+001B): "Fo\\u{1b}[2Jrm".',
      '✓ Registered form@example.com; your company "Form Company" was created and you are signed in.',
      '',
    ]);
  });

  it('an e-mail already registered (the flag; compared trimmed and in any case) is refused before any password is read: ALREADY_EXISTS, exit 6', async () => {
    for (const [tty, email] of [
      [true, 'TAKEN@example.com'],
      [false, ' TAKEN@example.com '],
      [false, 'Taken@Example.com'],
    ] as const) {
      const p = scriptedPrompter([]);
      // No password on stdin at all: the e-mail is refused first.
      const { options, b, saveSession } = registerOptions({
        tty,
        prompter: p.prompter,
        store: store(),
        email,
        passwordStdin: !tty,
        stdin: '',
      });
      await expect(register(options)).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
        exitCode: 6,
        message: 'An account for taken@example.com already exists. Sign in with `platformctl account login`.',
      });
      expect(p.asked).toEqual([]);
      expect([b.stdout(), b.stderr()]).toEqual(['', '']);
      expect(saveSession).not.toHaveBeenCalled();
    }
  });

  it('the write checks again (an account made between the read and the write): ALREADY_EXISTS', async () => {
    await expect(
      registerAccount(
        store(),
        { email: 'Taken@example.com', firstName: 'T', lastName: 'Wice', password: 'long enough' },
        'unit-test-register-01',
      ),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS', exitCode: 6 });
  });

  it('with --password-stdin reads the first line and never prompts; short or no password is refused', async () => {
    const p = scriptedPrompter([]);
    const { options } = registerOptions({
      tty: false,
      stdin: 'long enough secret\n',
      passwordStdin: true,
      prompter: p.prompter,
      store: store(),
      email: 'stdin@example.com',
    });
    await register(options);
    const short = registerOptions({
      tty: false,
      stdin: '1234567\n',
      passwordStdin: true,
      prompter: p.prompter,
      store: store(),
      email: 'short@example.com',
    });
    await expect(register(short.options)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Password must be at least 8 characters long.',
    });
    const empty = registerOptions({
      tty: false,
      stdin: '',
      passwordStdin: true,
      prompter: p.prompter,
      store: store(),
      email: 'empty@example.com',
    });
    await expect(register(empty.options)).rejects.toMatchObject({ code: 'USAGE' });
    expect(p.asked).toEqual([]);
    // Only the first registered.
    for (const [email, exists] of [
      ['stdin@example.com', true],
      ['short@example.com', false],
      ['empty@example.com', false],
    ] as const)
      expect(Boolean(await fx().read((r) => r.userByEmail(email))), email).toBe(exists);
  });
});

describe('account login run()', () => {
  const opts = (
    tty: boolean,
    prompter: Prompter,
    o: { passwordStdin?: boolean; stdin?: string; email?: string | undefined } = {},
  ): LoginOptions => {
    const b = bufferIO({ tty, ...(o.stdin === undefined ? {} : { stdin: o.stdin }) });
    return {
      io: b.io,
      prompter,
      services: unreachable,
      config: () => ({}) as Config,
      storeKey: () => 'k',
      source: () => 'unit-test-device-0001',
      json: false,
      email: 'email' in o ? o.email : 'ann@example.com',
      passwordStdin: o.passwordStdin ?? false,
    };
  };

  it('TTY off: USAGE naming --password-stdin; TTY on: asks PASSWORD once', async () => {
    const none = scriptedPrompter([]);
    await expect(login(opts(false, none.prompter))).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('--password-stdin'),
    });
    const one = scriptedPrompter(passwordSteps([['PASSWORD', 'whatever']]));
    await expect(login(opts(true, one.prompter))).rejects.toBe(REACHED);
    expect(one.left()).toBe(0);
    const stdin = scriptedPrompter([]);
    await expect(login(opts(false, stdin.prompter, { passwordStdin: true, stdin: 'whatever\n' }))).rejects.toBe(
      REACHED,
    );
  });

  it('without --email: asked on a terminal (again until it is an e-mail); without one, USAGE naming it', async () => {
    const p = scriptedPrompter([
      ...inputSteps([
        ['EMAIL', 'ann'],
        ['EMAIL', 'ann@example.com'],
      ]),
      ...passwordSteps([['PASSWORD', 'whatever']]),
    ]);
    await expect(login(opts(true, p.prompter, { email: undefined }))).rejects.toBe(REACHED);
    expect(p.left()).toBe(0);
    const none = scriptedPrompter([]);
    await expect(
      login(opts(false, none.prompter, { email: undefined, passwordStdin: true, stdin: 'whatever\n' })),
    ).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: 'Missing required option --email <email>; standard input is not a terminal, so it cannot be asked.',
    });
    await expect(login(opts(false, none.prompter, { email: undefined }))).rejects.toMatchObject({
      code: 'USAGE',
      message:
        'Missing required option --email <email>; standard input is not a terminal, so it cannot be asked. Pass the password with --password-stdin.',
    });
    expect(none.asked).toEqual([]);
  });
});
