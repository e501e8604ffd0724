import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inquirerPrompter } from '../../src/io/prompter.js';
import { bufferIO } from '../helpers/io.js';

const ENTER = '\r';
const UP = '\u001b[A';
const DOWN = '\u001b[B';

/**
 * The confirmation list driven key by key through readline, as a terminal would feed it
 * (the pseudo-terminal tests in test/e2e/confirm-pty.test.ts do the same end to end).
 */
async function answer(keys: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  const { io } = bufferIO({ tty: true });
  const prompter = inquirerPrompter({ ...io, stdin: input, errStream: output });
  const answered = prompter.choose('Delete it?', 'YES, DELETE IT', "NO, IT'S MISTAKE");
  // Each key after the prompt has drawn itself, as a person would type.
  for (const k of keys) {
    await new Promise((r) => setTimeout(r, 5));
    input.write(k);
  }
  const result = await answered;
  return { result, shown: shown.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') };
}

describe('the confirmation list', () => {
  it('starts on the safe answer: Enter alone answers no', async () => {
    const r = await answer([ENTER]);
    expect(r.result).toBe(false);
    expect(r.shown).toMatch(/❯ NO, IT'S MISTAKE\n {2}YES, DELETE IT/);
    expect(r.shown).toMatch(/✓ Delete it\? NO, IT'S MISTAKE/);
  });

  it.each([['y'], ['Y'], ['yes'], ['YES, DELETE IT'], ['1'], ['2'], ['j'], ['\t'], [' ']])(
    'typing %j then Enter never answers yes',
    async (typed) => {
      const r = await answer([...typed, ENTER]);
      expect(r.result).toBe(false);
    },
  );

  it('↓ moves to yes and Enter answers it; ↑ moves back to no', async () => {
    expect((await answer([DOWN, ENTER])).result).toBe(true);
    expect((await answer([DOWN, UP, ENTER])).result).toBe(false);
    // Letters typed after the arrow do not move it back or anywhere else.
    expect((await answer([DOWN, 'n', 'o', ENTER])).result).toBe(true);
  });

  it.each([
    ['Ctrl-C', '\u0003'],
    ['Ctrl-D', '\u0004'],
  ])('%s cancels: CANCELLED, exit 8', async (_name, key) => {
    await expect(answer([key])).rejects.toMatchObject({ code: 'CANCELLED', exitCode: 8 });
  });
});
