import type { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runComplete } from '../../../src/commands/completion/complete-runner.js';
import { update } from '../../../src/domain/accounts.js';
import { buildProgram } from '../../../src/main.js';
import { contextFactory } from '../../helpers/contexts.js';
import { bufferIO } from '../../helpers/io.js';
import { ENGINES, useFixture, type TestUser } from '../../helpers/services.js';

const program = buildProgram(() => {
  throw new Error('completion must not build a context');
});

describe.each(ENGINES)('__complete (runComplete) on %s', (engine) => {
  const fx = useFixture(engine);
  let bob: TestUser;
  let contexts: ReturnType<typeof contextFactory>;

  // Bob's main company is "100% Jones" ("%" is written %25 on the protocol's lines); he is
  // also an ACTIVE member of Ann's "Smith Company" (current).
  beforeAll(async () => {
    const [ann] = await fx().registerAll([['ann@example.com', 'Ann', 'Smith']]);
    bob = await fx().register('bob@example.com', 'Bob', 'Jones');
    await update(fx().services, bob.cred, { companyName: '100% Jones' });
    await fx().join(bob, ann, 'manager');
  });
  afterEach(async () => {
    await contexts?.close();
  });

  /** `platformctl __complete WORDS…` as Bob: exit status, stdout, stderr. */
  const tab = async (words: string[], p: Command = program) => {
    contexts = contextFactory(fx().dir, bob.token);
    const b = bufferIO();
    const status = await runComplete(p, words, b.io, contexts.factory);
    return { status, out: b.stdout(), err: b.stderr() };
  };

  it('writes the candidates from the store, encoded, one a line, then the directive', async () => {
    expect(await tab(['--store', fx().location, 'company', 'switch', ''])).toEqual({
      status: 0,
      out: '100%25 Jones\nSmith Company\n:none\n',
      err: '',
    });
    expect(await tab(['--store', fx().location, 'company', 'switch', '1'])).toEqual({
      status: 0,
      out: '100%25 Jones\n:none\n',
      err: '',
    });
  });

  it('looks the values up in the store and config directory named on the line', async () => {
    await tab(['--config-dir', '/nowhere/cfg', '--store', fx().location, 'company', 'switch', '']);
    expect(contexts.seen).toEqual([[fx().location, '/nowhere/cfg']]);
  });

  it('needs no store for what the command tree knows', async () => {
    expect(await tab(['member', 'set-role', 'x@example.com', '--role', 'DES'])).toEqual({
      status: 0,
      out: 'DESIGNER\n:none\n',
      err: '',
    });
    expect(contexts.seen).toEqual([]);
  });

  it('a store it cannot open: no candidates, exit 0, nothing on stderr', async () => {
    expect(await tab(['--store', `${fx().dir}/missing.db`, 'company', 'switch', ''])).toEqual({
      status: 0,
      out: ':none\n',
      err: '',
    });
  });

  it('a failure of completion itself: ":none", exit 0, nothing on stderr', async () => {
    const broken = new Proxy(program, {
      get() {
        throw new Error('the command tree cannot be walked');
      },
    });
    expect(await tab(['company', 'switch', ''], broken)).toEqual({ status: 0, out: ':none\n', err: '' });
  });
});
