import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../../src/errors.js';
import { fingerprinted, readRows, type BulkFormat } from '../../../src/domain/bulk/rows.js';

/**
 * An input that fails while being read (found from outside: `member import /proc/self/mem`
 * crashed with an unhandled 'error' event, exit 1) is refused in our words, exit 2.
 */
const eio = () => Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', errno: -5, syscall: 'read' });

/** A stream that gives `head`, then fails (at once when `head` is empty). */
function failing(head: string): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent && head) {
        sent = true;
        this.push(head);
      } else this.destroy(eio());
    },
  });
}

async function refusal(input: Readable, format: BulkFormat, delayMs = 0): Promise<PlatformError> {
  const { stream } = fingerprinted(input, format);
  if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  try {
    for await (const batch of readRows(stream, format)) void batch;
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    return e as PlatformError;
  }
  throw new Error('the input was accepted');
}

describe('an input that cannot be read', () => {
  it.each<BulkFormat>(['csv', 'jsonl'])('%s: failing mid-way is INVALID_INPUT naming the error', async (format) => {
    const head =
      format === 'csv' ? 'email,role\na@example.com,DESIGNER\n' : '{"email":"a@example.com","role":"DESIGNER"}\n';
    const e = await refusal(failing(head), format);
    expect(e).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'The input cannot be read (EIO); nothing was imported.',
    });
  });

  it.each<BulkFormat>(['csv', 'jsonl'])('%s: failing before the reader starts, the same', async (format) => {
    const input = failing('');
    input.resume();
    const e = await refusal(input, format, 20);
    expect(e).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'The input cannot be read (EIO); nothing was imported.',
    });
  });
});
