import { describe, expect, it, vi } from 'vitest';
import { run as register, type RegisterOptions } from '../../../src/commands/account/register.js';
import { run as login, type LoginOptions } from '../../../src/commands/account/login.js';
import type { Config } from '../../../src/config.js';
import { passwordSteps, scriptedPrompter } from '../scripted-prompter.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';

/** The store is never reached in these tests: reaching it is the signal. */
const REACHED = new Error('reached the store');
const unreachable = async () => {
  throw REACHED;
};

function registerOptions(o: {
  tty: boolean;
  stdin?: string;
  prompter: Prompter;
  passwordStdin?: boolean;
  email?: string;
  firstName?: string;
}): RegisterOptions {
  const b = bufferIO({ tty: o.tty, ...(o.stdin === undefined ? {} : { stdin: o.stdin }) });
  return {
    io: b.io,
    prompter: o.prompter,
    services: unreachable,
    config: () => ({ saveSession: vi.fn() }) as unknown as Config,
    storeKey: () => 'k',
    json: false,
    email: o.email ?? 'ann@example.com',
    firstName: o.firstName ?? 'Ann',
    lastName: 'Smith',
    passwordStdin: o.passwordStdin ?? false,
  };
}

describe('account register run()', () => {
  it('without a terminal and without --password-stdin: USAGE naming --password-stdin, no prompt', async () => {
    const p = scriptedPrompter([]);
    await expect(register(registerOptions({ tty: false, prompter: p.prompter }))).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: expect.stringContaining('--password-stdin'),
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
    await expect(register(registerOptions({ tty: true, prompter: p.prompter }))).rejects.toBe(REACHED);
    expect(p.left()).toBe(0);
  });

  it('on a terminal refuses a mismatched confirmation or a short password before the store', async () => {
    const mismatch = scriptedPrompter(
      passwordSteps([
        ['PASSWORD', 'long enough secret'],
        ['CONFIRM PASSWORD', 'long enough secreT'],
      ]),
    );
    await expect(register(registerOptions({ tty: true, prompter: mismatch.prompter }))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Password and confirmation do not match.',
    });
    const short = scriptedPrompter(
      passwordSteps([
        ['PASSWORD', '😀'.repeat(7)],
        ['CONFIRM PASSWORD', '😀'.repeat(7)],
      ]),
    );
    await expect(register(registerOptions({ tty: true, prompter: short.prompter }))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'New password must be at least 8 characters long.',
    });
  });

  it('checks the fields before asking for a password', async () => {
    for (const o of [{ email: 'nope' }, { firstName: 'A\u001b[2J' }]) {
      const p = scriptedPrompter([]);
      await expect(register(registerOptions({ tty: true, prompter: p.prompter, ...o }))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      expect(p.asked).toEqual([]);
    }
  });

  it('with --password-stdin reads the first line and never prompts, even on a terminal', async () => {
    const p = scriptedPrompter([]);
    await expect(
      register(
        registerOptions({ tty: true, stdin: 'long enough secret\n', passwordStdin: true, prompter: p.prompter }),
      ),
    ).rejects.toBe(REACHED);
    const empty = scriptedPrompter([]);
    await expect(
      register(registerOptions({ tty: false, stdin: '', passwordStdin: true, prompter: empty.prompter })),
    ).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('account login run()', () => {
  const opts = (tty: boolean, prompter: Prompter, passwordStdin = false, stdin?: string): LoginOptions => {
    const b = bufferIO({ tty, ...(stdin === undefined ? {} : { stdin }) });
    return {
      io: b.io,
      prompter,
      services: unreachable,
      config: () => ({}) as Config,
      storeKey: () => 'k',
      json: false,
      email: 'ann@example.com',
      passwordStdin,
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
    await expect(login(opts(false, stdin.prompter, true, 'whatever\n'))).rejects.toBe(REACHED);
  });
});
