import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as register, type RegisterOptions } from '../../../src/commands/account/register.js';
import { run as login, type LoginOptions } from '../../../src/commands/account/login.js';
import type { Config } from '../../../src/config.js';
import { register as registerAccount } from '../../../src/domain/accounts.js';
import type { Services } from '../../../src/domain/services.js';
import { openStore } from '../../../src/store/open.js';
import { inputSteps, passwordSteps, scriptedPrompter } from '../scripted-prompter.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';
import { FAST_KDF } from '../../helpers/kdf.js';

/** Reaching the store is the signal in the tests that must stop before it. */
const REACHED = new Error('reached the store');
const unreachable = async (): Promise<Services> => {
  throw REACHED;
};

let dir: string;
let svc: Services;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
  svc = {
    store: await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' }),
    now: () => new Date(),
    kdf: FAST_KDF,
  };
  await registerAccount(
    svc,
    { email: 'taken@example.com', firstName: 'T', lastName: 'Aken', password: 'long enough' },
    'unit-test-register-01',
  );
});
afterAll(async () => {
  await svc.store.close();
  rmSync(dir, { recursive: true, force: true });
});

function registerOptions(o: {
  tty: boolean;
  stdin?: string;
  prompter: Prompter;
  passwordStdin?: boolean;
  store?: boolean;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}) {
  const b = bufferIO({ tty: o.tty, ...(o.stdin === undefined ? {} : { stdin: o.stdin }) });
  const saveSession = vi.fn(async () => {});
  const options: RegisterOptions = {
    io: b.io,
    prompter: o.prompter,
    services: o.store ? async () => svc : unreachable,
    config: () => ({ saveSession }) as unknown as Config,
    storeKey: () => 'k',
    source: () => 'unit-test-device-0001',
    json: false,
    email: 'email' in o ? o.email : 'ann@example.com',
    firstName: 'firstName' in o ? o.firstName : 'Ann',
    lastName: 'lastName' in o ? o.lastName : 'Smith',
    passwordStdin: o.passwordStdin ?? false,
  };
  return { options, b, saveSession };
}

describe('account register run()', () => {
  it('without a terminal and without --password-stdin: USAGE naming --password-stdin (after the e-mail check), no prompt', async () => {
    const p = scriptedPrompter([]);
    await expect(
      register(registerOptions({ tty: false, prompter: p.prompter, store: true }).options),
    ).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message:
        'The password cannot be asked: standard input is not a terminal. Pass --password-stdin and write it to standard input.',
    });
    expect(p.asked).toEqual([]);
  });

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

  it('on a terminal asks PASSWORD then CONFIRM PASSWORD, then goes to the store', async () => {
    const p = scriptedPrompter(
      passwordSteps([
        ['PASSWORD', 'long enough secret'],
        ['CONFIRM PASSWORD', 'long enough secret'],
      ]),
    );
    const { options, saveSession, b } = registerOptions({ tty: true, prompter: p.prompter, store: true });
    await register(options);
    expect(p.left()).toBe(0);
    expect(saveSession).toHaveBeenCalledWith('k', expect.objectContaining({ email: 'ann@example.com' }));
    expect(b.stderr()).toMatch(/^✓ Registered ann@example.com; your company "Smith Company" was created/);
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
      store: true,
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
      store: true,
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

  it('an e-mail already registered (the flag) is refused before any password is asked: ALREADY_EXISTS, exit 6', async () => {
    for (const tty of [true, false]) {
      const p = scriptedPrompter([]);
      const { options } = registerOptions({
        tty,
        prompter: p.prompter,
        store: true,
        email: 'TAKEN@example.com',
        passwordStdin: !tty,
        stdin: 'long enough\n',
      });
      await expect(register(options)).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
        exitCode: 6,
        message: 'An account for taken@example.com already exists. Sign in with `platformctl account login`.',
      });
      expect(p.asked).toEqual([]);
    }
  });

  it('the write checks again (an account made between the read and the write): ALREADY_EXISTS', async () => {
    await expect(
      registerAccount(
        svc,
        { email: 'Taken@example.com', firstName: 'T', lastName: 'Wice', password: 'long enough' },
        'unit-test-register-01',
      ),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS', exitCode: 6 });
  });

  it('checks the fields given as flags before anything else, on a terminal too', async () => {
    for (const o of [{ email: 'nope' }, { firstName: 'A\u001b[2J' }]) {
      const p = scriptedPrompter([]);
      await expect(register(registerOptions({ tty: true, prompter: p.prompter, ...o }).options)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      expect(p.asked).toEqual([]);
    }
  });

  it('with --password-stdin reads the first line and never prompts; a terminal on stdin is refused at once', async () => {
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
    const { options } = registerOptions({
      tty: false,
      stdin: 'long enough secret\n',
      passwordStdin: true,
      prompter: p.prompter,
      store: true,
      email: 'stdin@example.com',
    });
    await register(options);
    const short = registerOptions({
      tty: false,
      stdin: '1234567\n',
      passwordStdin: true,
      prompter: p.prompter,
      store: true,
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
      store: true,
      email: 'empty@example.com',
    });
    await expect(register(empty.options)).rejects.toMatchObject({ code: 'USAGE' });
    expect(p.asked).toEqual([]);
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
