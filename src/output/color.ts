import { Chalk, type ChalkInstance } from 'chalk';

/** A chalk whose level follows the stream's colour decision (made once in IOStreams). */
export function palette(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}
