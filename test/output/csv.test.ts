import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, restoreCell } from '../../src/csv-cells.js';
import { csvRecord, CsvWriter } from '../../src/output/csv.js';
import { bufferIO } from '../helpers/io.js';

const FORMULA = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/u;

describe('CSV cells', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\t=x', "'\t=x"],
    ['\r=x', "'\r=x"],
    ['\n=x', "'\n=x"],
    ['\uff1dHYPERLINK()', "'\uff1dHYPERLINK()"],
    ["'=1+1", "''=1+1"],
    ["''", "'''"],
    ["'abc", "'abc"],
    ["'", "'"],
    ['abc=1', 'abc=1'],
    ['', ''],
  ])('%j is written %j and read back', (value, cell) => {
    expect(neutraliseCell(value)).toBe(cell);
    expect(restoreCell(cell)).toBe(value);
  });

  it('restoreCell(neutraliseCell(s)) === s for every string, and no written cell starts a formula', () => {
    const texts = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', '\n', '"', ',', 'a', '\uff1d') }),
    );
    fc.assert(
      fc.property(texts, (s) => {
        const cell = neutraliseCell(s);
        expect(restoreCell(cell)).toBe(s);
        expect(cell).not.toMatch(FORMULA);
      }),
      { numRuns: 2000 },
    );
  });

  it('a record parses back (csv-parse, as member import reads it) to the exact values', () => {
    const values = fc.array(fc.string({ unit: fc.constantFrom("'", '=', '-', '"', ',', '\r', '\n', 'x', 'é', ' ') }), {
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(values, (vs) => {
        const [row] = parse(csvRecord(vs), { relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] });
        expect(row!.map(restoreCell)).toEqual(vs);
      }),
      { numRuns: 1000 },
    );
  });

  it('on a terminal, control and direction characters are escaped; into a pipe they stay exact', async () => {
    const hostile = { name: 'x\x1b]0;t\x07\u202e' };
    const tty = bufferIO({ tty: true });
    const w = new CsvWriter(tty.io, ['name'], (r: typeof hostile) => [r.name]);
    await w.write([hostile]);
    await w.end();
    expect(tty.stdout()).toBe('name\nx\\u{1b}]0;t\\u{7}\\u{202e}\n');
    const piped = bufferIO();
    const p = new CsvWriter(piped.io, ['name'], (r: typeof hostile) => [r.name]);
    await p.write([hostile]);
    expect(piped.stdout()).toBe('name\nx\x1b]0;t\x07\u202e\n');
  });

  it('an empty list is just the header', async () => {
    const b = bufferIO();
    const w = new CsvWriter(b.io, ['a', 'b'], () => []);
    await w.end();
    expect(b.stdout()).toBe('a,b\n');
  });
});
