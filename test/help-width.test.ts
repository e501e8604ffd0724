import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { bufferIO } from './helpers/io.js';

/**
 * The widest line of `member invite --help` before its examples (commander wraps the
 * option descriptions; examples are printed as written), on a stdout of `columns`
 * columns as the injected IO reports it (undefined: no terminal).
 */
async function helpWidth(columns: number | undefined): Promise<number> {
  const b = bufferIO({ tty: columns !== undefined });
  b.io.columns = columns;
  expect(await main(['member', 'invite', '--help'], { io: () => b.io, env: {} })).toBe(0);
  const help = b.stdout();
  expect(help).toContain('Examples:');
  const lines = help.slice(0, help.indexOf('Examples:')).split('\n');
  return Math.max(...lines.map((l) => l.length));
}

describe('help width', () => {
  it("follows the injected IO's columns, not the process's stdout", async () => {
    expect(await helpWidth(64)).toBeLessThanOrEqual(64);
    const wide = await helpWidth(100);
    expect(wide).toBeGreaterThan(80);
    expect(wide).toBeLessThanOrEqual(100);
  });

  it('is 80 columns when stdout is no terminal, and never wider than 100', async () => {
    expect(await helpWidth(undefined)).toBeLessThanOrEqual(80);
    expect(await helpWidth(200)).toBeLessThanOrEqual(100);
  });
});

describe('help on a narrow terminal', () => {
  /** `member import --help` on a terminal of `columns` columns. */
  async function help(columns: number): Promise<string> {
    const b = bufferIO({ tty: true });
    b.io.columns = columns;
    expect(await main(['member', 'import', '--help'], { io: () => b.io, env: {} })).toBe(0);
    return b.stdout();
  }

  it.each([50, 40, 30])(
    'at %i columns every option and its description fit (descriptions under their terms when the column is too narrow)',
    async (columns) => {
      const text = await help(columns);
      const options = text.slice(text.indexOf('Options:'), text.indexOf('Examples:')).split('\n');
      expect(options.filter((l) => l.length > columns)).toEqual([]);
      // Nothing is lost: every word of a description is there.
      expect(text.replace(/\s+/g, ' ')).toContain(
        'apply the good rows and report the bad ones (exit 0 when the run completes)',
      );
    },
  );

  it.each([50, 80])(
    'at %i columns examples fit, long ones continued with a backslash between words, as a shell reads them',
    async (columns) => {
      const text = await help(columns);
      const examples = text.slice(text.indexOf('Examples:'));
      expect(examples.split('\n').filter((l) => l.length > columns)).toEqual([]);
      expect(examples.replace(/ \\\n {6}/g, ' ')).toContain(
        '  $ cat people.jsonl | platformctl member import - --format jsonl --continue-on-error\n',
      );
      // Never inside a flag and its value.
      expect(examples).not.toMatch(/--company \\\n/);
    },
  );

  it('the usage line is broken between words to the width, continued under itself', async () => {
    const text = await help(30);
    expect(text.slice(0, text.indexOf('\n\n'))).toBe('Usage: platformctl member\n       import [options] <file>');
  });

  it("an example's comment is a line of its own above it: the command line is only the command", async () => {
    const text = await help(100);
    expect(text).toContain(
      '  # copy members: --company rebinds the file\n  $ platformctl member export --company 12 | platformctl member import - --company 34\n',
    );
  });
});
