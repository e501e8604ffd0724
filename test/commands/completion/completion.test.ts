import { describe, expect, it } from 'vitest';
import { newCmdCompletion, run, type Options } from '../../../src/commands/completion/completion.js';
import { completionScript, SHELLS } from '../../../src/commands/completion/shared/scripts.js';
import type { Context } from '../../../src/context.js';
import { bufferIO } from '../../helpers/io.js';

describe('completion run()', () => {
  it.each(SHELLS)('%s: prints that shell’s script on stdout, nothing on stderr', (shell) => {
    const b = bufferIO();
    run({ io: b.io, shell });
    expect(b.stdout()).toBe(completionScript(shell));
    expect(b.stderr()).toBe('');
  });

  it('the three scripts differ', () => {
    expect(new Set(SHELLS.map(completionScript)).size).toBe(3);
  });
});

describe('completion builder', () => {
  it('hands the shell argument and the context’s IO to run()', async () => {
    const b = bufferIO();
    const calls: Options[] = [];
    const ctx = { io: b.io } satisfies Partial<Context>;
    const cmd = newCmdCompletion(
      () => ctx as Context,
      (o) => void calls.push(o),
    );
    await cmd.parseAsync(['zsh'], { from: 'user' });
    expect(calls).toEqual([{ io: b.io, shell: 'zsh' }]);
  });

  it('refuses a shell it has no script for', async () => {
    const cmd = newCmdCompletion(
      () => {
        throw new Error('no context for a refused shell');
      },
      () => {
        throw new Error('run() for a refused shell');
      },
    );
    cmd.exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['powershell'], { from: 'user' })).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
  });
});
