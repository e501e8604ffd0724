/**
 * One CSV record may hold at most MAX_ROW_BYTES, separators included (docs/bulk.md). Found
 * from outside: a line made only of commas passed the parser's own limit, which counts
 * field text only, and `member import` of 100 MB of commas grew to 4.7 GB before it
 * answered; a 20 MB header of commas was accepted.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../../src/errors.js';
import { MAX_ROW_BYTES, readRows, rowSizeGuard } from '../../../src/domain/bulk/rows.js';

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

/** The guard's rule one byte at a time (how it was first written): the reference. */
function byteAtATime(chunks: Buffer[], max: number): { passed: number; line?: number } {
  let quoted = false;
  let size = 0;
  let line = 1;
  let rowLine = 1;
  let afterCr = false;
  let passed = 0;
  for (const chunk of chunks) {
    for (const b of chunk) {
      size++;
      if (b === 0x22) quoted = !quoted;
      else if (b === 0x0a || b === 0x0d) {
        if (b === 0x0d || !afterCr) line++;
        if (!quoted) {
          size = 0;
          rowLine = line;
        }
      }
      afterCr = b === 0x0d;
      if (size > max) return { passed, line: rowLine };
    }
    passed += chunk.length;
  }
  return { passed };
}

describe('the row guard skips to quotes and line breaks', () => {
  it('passes and refuses exactly what the byte-at-a-time rule does, cut anywhere', async () => {
    const bytes = fc
      .array(fc.constantFrom('a', 'bcd', ',', '"', '\r', '\n', '\r\n', 'é'), { maxLength: 60 })
      .map((t) => Buffer.from(t.join(''), 'utf8'));
    const cuts = fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(bytes, cuts, fc.integer({ min: 1, max: 12 }), async (input, cut, max) => {
        const chunks: Buffer[] = [];
        let at = 0;
        for (const c of [...cut, input.length]) {
          if (at >= input.length) break;
          chunks.push(input.subarray(at, at + c));
          at += c;
        }
        const guard = rowSizeGuard(max);
        let passed = 0;
        let line: number | undefined;
        guard.on('data', (c: Buffer) => (passed += c.length));
        try {
          await pipeline(Readable.from(chunks), guard);
        } catch (e) {
          line = Number(/^Line (\d+):/.exec((e as Error).message)?.[1]);
        }
        expect({ passed, ...(line === undefined ? {} : { line }) }).toEqual(byteAtATime(chunks, max));
      }),
      { numRuns: 1000 },
    );
  });
});
