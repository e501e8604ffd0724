import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRows, type RawRow } from '../../../src/domain/bulk/rows.js';
import { PlatformError } from '../../../src/errors.js';

/** CSV files as spreadsheets save them: errors in our words, at the right line. */
async function read(text: string): Promise<{ rows: RawRow[]; error?: PlatformError }> {
  const rows: RawRow[] = [];
  try {
    for await (const batch of readRows(Readable.from([Buffer.from(text)]), 'csv')) rows.push(...batch);
    return { rows };
  } catch (e) {
    if (!(e instanceof PlatformError)) throw e;
    return { rows, error: e };
  }
}

const SEMICOLONS =
  'Line 1: the file separates its fields with ";", not commas (Excel saves "CSV" that way in languages where the comma is the decimal separator). Save it as "CSV UTF-8 (comma delimited)", or replace the separators with commas; the header must be email,role[,company]. Nothing was imported.';

describe('CSV from spreadsheets', () => {
  it('a quoted semicolon-separated header is explained, not the parser internals', async () => {
    const r = await read('"Email";"Role"\n"a@example.com";"MANAGER"\n');
    expect(r.error?.message).toBe(SEMICOLONS);
    expect(r.error?.exitCode).toBe(2);
  });

  it('an unquoted one too, and a tab-separated one', async () => {
    expect((await read('email;role\na@example.com;MANAGER\n')).error?.message).toBe(SEMICOLONS);
    expect((await read('\ufeffEmail;Role;Company\n')).error?.message).toBe(SEMICOLONS);
    expect((await read('email\trole\na@example.com\tMANAGER\n')).error?.message).toContain(
      'separates its fields with tabs, not commas',
    );
  });

  it("Excel's sep= line: sep=, is skipped (lines keep their numbers), another separator is explained", async () => {
    const r = await read('sep=,\nemail,role\na@example.com,MANAGER\n');
    expect(r.error).toBeUndefined();
    expect(r.rows).toEqual([{ line: 3, email: 'a@example.com', role: 'MANAGER', company: undefined }]);
    expect((await read('sep=;\nemail;role\n')).error?.message).toContain(
      'Line 1: the file separates its fields with ";"',
    );
  });

  it('a parser error is ours, at the line where the bad record starts', async () => {
    // An unclosed quote on line 2 of a 3-row file: the parser itself would say line 5.
    const r = await read('email,role\n"a@example.com,MANAGER\nb@example.com,MANAGER\nc@example.com,MANAGER\n');
    expect(r.error?.message).toBe(
      'Line 2: a field opens a quote (") that is never closed: the rest of the file would be one field. Nothing was imported. (JSON Lines need --format jsonl or a .jsonl file.)',
    );
    const closing = await read('email,role\nb@example.com,MANAGER\n"a@example.com"x,MANAGER\n');
    expect(closing.error?.message).toMatch(/^Line 3: a quoted field goes on after its closing quote/);
    expect(closing.error?.message).not.toMatch(/Invalid|delimiter|trimable/);
  });

  it('"Email Address" as the header gets a hint naming the expected header', async () => {
    const r = await read('Email Address,Role\na@example.com,MANAGER\n');
    expect(r.error?.message).toBe(
      'Line 1: the CSV header must name the columns email and role (and optionally company), as in "email,role,company"; found "Email Address,Role". Rename "email address" to email.',
    );
  });
});
