import type { Command } from 'commander';
import type { IOStreams } from '../../io/streams.js';
import { complete, formatCompletion } from './shared/complete.js';
import { storeValues } from './shared/store-values.js';

/**
 * The hidden `platformctl __complete WORDS… CURRENT` the scripts call on every TAB.
 * Silent and exit 0 whatever happens: a TAB must never print errors into the prompt.
 */
export async function runComplete(
  program: Command,
  words: string[],
  io: IOStreams,
  ctx: Parameters<typeof storeValues>[0],
): Promise<number> {
  try {
    io.out.write(formatCompletion(await complete(program, words, storeValues(ctx))));
  } catch {
    io.out.write(':none\n');
  }
  return 0;
}
