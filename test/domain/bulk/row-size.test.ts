/**
 * One CSV record may hold at most MAX_ROW_BYTES, separators included (docs/bulk.md). Found
 * from outside: a line made only of commas passed the parser's own limit, which counts
 * field text only, and `member import` of 100 MB of commas grew to 4.7 GB before it
 * answered; a 20 MB header of commas was accepted.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../../src/errors.js';
import { MAX_ROW_BYTES, readRows } from '../../../src/domain/bulk/rows.js';

/** A stream of `head`, then `fill` repeated without end (or `times` times), counting what was read. */
function source(head: string, fill: string, times = Infinity) {
  const counter = { bytes: 0 };
  const piece = Buffer.from(fill.repeat(Math.ceil(65536 / fill.length)));
  let sent = 0;
  const stream = Readable.from(
    (function* () {
      counter.bytes += head.length;
      yield Buffer.from(head);
      while (sent++ < times) {
        counter.bytes += piece.length;
        yield piece;
      }
    })(),
  );
  return { stream, counter };
}

async function refusal(stream: Readable): Promise<PlatformError> {
  try {
    for await (const batch of readRows(stream, 'csv')) void batch;
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    return e as PlatformError;
  }
  throw new Error('the file was accepted');
}

describe('a CSV record over the row limit, counted with its separators', () => {
  it('a row of commas that never ends is refused after about 1 MiB, naming its line', async () => {
    const { stream, counter } = source('email,role\na@example.com,DESIGNER\n', ',');
    const e = await refusal(stream);
    expect(e.message).toMatch(/^Line 3: a row longer than 1 MiB/);
    expect(counter.bytes).toBeLessThan(8 * MAX_ROW_BYTES);
  });

  it('a header of 2 MiB of commas is refused as line 1', async () => {
    const { stream } = source('email,role', ',', (2 * MAX_ROW_BYTES) / 65536);
    expect((await refusal(stream)).message).toMatch(/^Line 1: a row longer than 1 MiB/);
  });

  it('a quoted record over several lines counts as one row, from the line it starts on', async () => {
    // Line 2 opens a quote holding line breaks and commas; the record never closes.
    const { stream } = source('email,role\n"a@example.com,\n', ',,,\n');
    expect((await refusal(stream)).message).toMatch(/^Line 2: a row longer than 1 MiB/);
  });

  it('rows just under the limit, with commas and doubled quotes, are read', async () => {
    const cell = 'x'.repeat(MAX_ROW_BYTES - 200);
    const text = `email,role\n"a@example.com","DESIGNER${cell}",,,,\n"b@""x"".com",MANAGER\n`;
    const rows = [];
    for await (const batch of readRows(Readable.from([Buffer.from(text)]), 'csv')) rows.push(...batch);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    expect(rows[1]!.email).toBe('b@"x".com');
  });
});
