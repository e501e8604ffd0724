import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type ChangeOptions } from '../../../src/commands/password/change.js';
import { login, register } from '../../../src/domain/accounts.js';
import type { Services } from '../../../src/domain/services.js';
import { passwordSteps, scriptedPrompter } from '../scripted-prompter.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';
import { FAST_KDF } from '../../helpers/kdf.js';
import { openStore } from '../../../src/store/open.js';

const PROMPTS = ['CURRENT PASSWORD', 'NEW PASSWORD', 'CONFIRM NEW PASSWORD'];

describe('password change run()', () => {
  let dir: string;
  let env: Services;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
    env = {
      store: await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' }),
      now: () => new Date(),
      kdf: FAST_KDF,
    };
    token = (
      await register(env, {
        email: 'ann@example.com',
        firstName: 'Ann',
        lastName: 'Smith',
        password: 'correct horse battery',
      })
    ).token;
  });
  afterAll(async () => {
    await env.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const opts = (
    tty: boolean,
    prompter: Prompter,
    o: { passwordStdin?: boolean; stdin?: string; json?: boolean } = {},
  ) => {
    const b = bufferIO({ tty, ...(o.stdin === undefined ? {} : { stdin: o.stdin }) });
    const options: ChangeOptions = {
      io: b.io,
      services: async () => env,
      credential: () => ({ token }),
      json: o.json ?? false,
      prompter,
      passwordStdin: o.passwordStdin ?? false,
      source: () => 'unit-test-device-0001',
    };
    return { b, options };
  };

  it('without a terminal and without --password-stdin: USAGE naming --password-stdin, no prompt', async () => {
    const p = scriptedPrompter([]);
    await expect(run(opts(false, p.prompter).options)).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: expect.stringContaining('--password-stdin'),
    });
    expect(p.asked).toEqual([]);
  });

  it('on a terminal asks the three prompts in order; the length rule comes before the current password', async () => {
    const p = scriptedPrompter(
      passwordSteps([
        ['CURRENT PASSWORD', 'wrong'],
        ['NEW PASSWORD', 'short'],
        ['CONFIRM NEW PASSWORD', 'other'],
      ]),
    );
    await expect(run(opts(true, p.prompter).options)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'New password must be at least 8 characters long.',
    });
    expect(p.asked).toEqual(PROMPTS);
  });

  it('a wrong current password is BAD_CREDENTIALS (exit 3) with the contract message', async () => {
    const p = scriptedPrompter(
      passwordSteps([
        ['CURRENT PASSWORD', 'not my password'],
        ['NEW PASSWORD', 'a new password'],
        ['CONFIRM NEW PASSWORD', 'a new password'],
      ]),
    );
    await expect(run(opts(true, p.prompter).options)).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
      exitCode: 3,
      message: 'Current password is incorrect.',
    });
  });

  it('with --password-stdin reads three lines, never prompts, and changes the password', async () => {
    const p = scriptedPrompter([]);
    const { b, options } = opts(true, p.prompter, {
      passwordStdin: true,
      stdin: 'correct horse battery\r\na new password\r\na new password\r\n',
      json: true,
    });
    await run(options);
    expect(p.asked).toEqual([]);
    expect(JSON.parse(b.stdout())).toMatchObject({ changed: true, revokedSessions: 0 });
    expect((await login(env, 'ann@example.com', 'a new password', 'unit-test-device-0001')).user.email).toBe(
      'ann@example.com',
    );
  });
});
