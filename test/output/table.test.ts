import { describe, expect, it } from 'vitest';
import { bufferIO } from '../helpers/io.js';
import {
  displayWidth,
  layout,
  localTime,
  printTable,
  TableWriter,
  wrapText,
  type Column,
} from '../../src/output/table.js';
import { loadColor } from '../../src/output/color.js';
import { printCompanyTable } from '../../src/commands/shared/company-table.js';

const rows = [
  {
    id: 1,
    name: 'A company with a very long name that cannot fit in a narrow terminal',
    role: 'ADMINISTRATOR',
    note: 'x'.repeat(60),
  },
  { id: 22, name: 'Short', role: 'OWNER', note: 'tab\there' },
];
type Row = (typeof rows)[number];
const columns: Column<Row>[] = [
  { header: 'ID', value: (r) => r.id, fit: 'keep' },
  { header: 'NAME', value: (r) => r.name },
  { header: 'ROLE', value: (r) => r.role, fit: 'keep' },
  { header: 'NOTE', value: (r) => r.note },
];
const width = (line: string) => displayWidth(line);

function tty(cols: number) {
  const b = bufferIO({ tty: true });
  b.io.columns = cols;
  return b;
}

/** The text of a column as the table shows it, lines of each row joined (by the header's start). */
function columnText(out: string, header: string, next: string | undefined): string[] {
  const lines = out.trimEnd().split('\n');
  const start = lines[0]!.indexOf(header);
  const end = next === undefined ? undefined : lines[0]!.indexOf(next);
  return lines.slice(1).map((l) => l.slice(start, end).trim());
}

describe('printTable on a terminal', () => {
  it.each([40, 60, 80])('at %i columns every line fits and nothing is cut: long cells wrap', async (cols) => {
    const b = tty(cols);
    await printTable(b.io, rows, columns);
    const out = b.stdout();
    const lines = out.trimEnd().split('\n');
    for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(cols);
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ROLE\s+NOTE$/);
    expect(out).not.toContain('…');
    // Every word of the long name is there, in order, on the lines of its row.
    const name = columnText(out, 'NAME', 'ROLE').filter(Boolean).join(' ');
    expect(name).toContain(rows[0]!.name);
    // The 'keep' columns are whole on one line.
    expect(out).toContain('ADMINISTRATOR');
    expect(out).toMatch(/^22 /m);
    expect(out).not.toContain('\x1b');
  });

  it('on a wide terminal each row is one line at natural widths', async () => {
    const b = tty(300);
    await printTable(b.io, rows, columns);
    const lines = b.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`1   ${rows[0]!.name}  ADMINISTRATOR  ${'x'.repeat(60)}`);
    expect(lines[2]).toBe(`22  Short${' '.repeat(rows[0]!.name.length - 5)}  OWNER          tab\\u{9}here`);
  });

  it('drops the droppable columns, lowest rank first, before squeezing the others below their minimum', async () => {
    const cols: Column<Row>[] = [
      { header: 'ID', value: (r) => r.id, fit: 'keep' },
      { header: 'NAME', value: (r) => r.name, drop: 2 },
      { header: 'ROLE', value: (r) => r.role, fit: 'keep' },
      { header: 'NOTE', value: (r) => r.note, drop: 1 },
    ];
    const b = tty(40);
    await printTable(b.io, rows, cols);
    const header = b.stdout().split('\n')[0]!;
    expect(header).toMatch(/^ID\s+NAME\s+ROLE$/);
    const narrower = tty(20);
    await printTable(narrower.io, rows, cols);
    expect(narrower.stdout().split('\n')[0]).toMatch(/^ID\s+ROLE$/);
    expect(narrower.stdout()).toContain('ADMINISTRATOR');
  });

  it("'truncate' columns are the only ones cut, with an ellipsis", async () => {
    const cols: Column<Row>[] = [
      { header: 'ID', value: (r) => r.id, fit: 'keep' },
      { header: 'NOTE', value: (r) => r.note, fit: 'truncate' },
    ];
    const b = tty(30);
    await printTable(b.io, rows, cols);
    const lines = b.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1\s+x+…$/);
    expect(width(lines[1]!)).toBeLessThanOrEqual(30);
  });

  it('a time column shows local time, short, while piped output keeps the ISO text', async () => {
    const entries = [{ at: '2026-12-01T13:21:05.123Z', what: 'member.invite' }];
    const cols: Column<(typeof entries)[number]>[] = [
      { header: 'TIME', value: (e) => e.at, human: (e) => localTime(e.at), fit: 'keep' },
      { header: 'ACTION', value: (e) => e.what },
    ];
    const b = tty(120);
    await printTable(b.io, entries, cols);
    const d = new Date(entries[0]!.at);
    const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    expect(b.stdout().split('\n')[1]).toBe(`${local}  member.invite`);
    const piped = bufferIO({ tty: false });
    await printTable(piped.io, entries, cols);
    expect(piped.stdout()).toBe('2026-12-01T13:21:05.123Z\tmember.invite\n');
  });

  it('wide characters and emoji are measured by their width on screen', async () => {
    const people = [
      { email: 'kenji@example.com', name: '山田太郎' },
      { email: 'zoe@example.com', name: 'Zoë 🎉' },
    ];
    const b = tty(80);
    await printTable(b.io, people, [
      { header: 'EMAIL', value: (p) => p.email, fit: 'keep' },
      { header: 'NAME', value: (p) => p.name },
      { header: 'X', value: () => 'x' },
    ]);
    const lines = b.stdout().trimEnd().split('\n');
    // The last column starts at the same screen column on every line.
    const xAt = (l: string) => displayWidth(l.slice(0, l.lastIndexOf(' ') + 1));
    expect(lines.map(xAt)).toEqual([xAt(lines[0]!), xAt(lines[0]!), xAt(lines[0]!)]);
    expect(lines[2]).toBe(`zoe@example.com    Zoë 🎉    x`);
  });

  it('a streamed table keeps the first page layout; later long cells wrap instead of breaking the width', async () => {
    const b = tty(40);
    const t = new TableWriter(b.io, columns);
    await t.write([rows[1]!]);
    await t.write([rows[0]!]);
    await t.end();
    const lines = b.stdout().trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('ID'))).toHaveLength(1);
    for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(40);
    expect(b.stdout()).not.toContain('…');
  });

  it("a streamed table: a later 'keep' cell longer than its column stays whole on its line (docs/output.md)", async () => {
    const b = tty(60);
    const t = new TableWriter<{ e: string; r: string; n: string }>(b.io, [
      { header: 'EMAIL', value: (x) => x.e, fit: 'keep' },
      { header: 'ROLE', value: (x) => x.r, fit: 'keep', width: 13 },
      { header: 'NAME', value: (x) => x.n },
    ]);
    await t.write([{ e: 'a@example.com', r: 'OWNER', n: 'Ann' }]);
    await t.write([{ e: 'a.much.longer.address@example.com', r: 'ADMINISTRATOR', n: 'Bob' }]);
    const lines = b.stdout().trimEnd().split('\n');
    expect(lines).toEqual([
      'EMAIL          ROLE           NAME',
      'a@example.com  OWNER          Ann',
      // ROLE reserved its known width; the e-mail pushes the rest of its own line only.
      'a.much.longer.address@example.com  ADMINISTRATOR  Bob',
    ]);
  });

  it('control and direction characters are escaped, never sent raw', async () => {
    const b = tty(100);
    await printTable(b.io, [{ n: 'evil\x1b]0;pwned\x07 \u202egnp.exe' }], [{ header: 'N', value: (r) => r.n }]);
    expect(b.stdout()).not.toMatch(/[\x1b\x07\u202e]/);
    expect(b.stdout()).toContain('\\u{1b}]0;pwned\\u{7}');
    expect(b.stdout()).toContain('\\u{202e}');
  });
});

describe('printTable piped', () => {
  it('tab-separated rows, no header, whole values (nothing cut, however long)', async () => {
    const b = bufferIO({ tty: false });
    const long = [{ ...rows[0]!, note: 'y'.repeat(5000) }, rows[1]!];
    await printTable(b.io, long, columns);
    const lines = b.stdout().split('\n');
    expect(lines[0]).toBe(`1\t${rows[0]!.name}\tADMINISTRATOR\t${'y'.repeat(5000)}`);
    // A tab inside a cell never splits it into two fields.
    expect(lines[1]!.split('\t')).toHaveLength(4);
    expect(lines[1]).toBe('22\tShort\tOWNER\ttab\\u{9}here');
    expect(lines[2]).toBe('');
  });
});

describe('layout', () => {
  it('keeps natural widths when they fit, gives the rest to wrapping columns by water level', () => {
    expect(layout(['keep', 'wrap'], [undefined, undefined], [10, 20], 40)).toEqual({ shown: [0, 1], widths: [10, 20] });
    expect(layout(['keep', 'wrap', 'wrap'], [undefined, undefined, undefined], [10, 100, 18], 60)).toEqual({
      shown: [0, 1, 2],
      widths: [10, 28, 18],
    });
  });

  it("wraps 'keep' columns only when nothing else can give way", () => {
    // 30 + 30 + 16 does not fit in 40: the wrapping column goes down first, then the 'keep' ones.
    const l = layout(['keep', 'keep', 'wrap'], [undefined, undefined, undefined], [30, 30, 40], 40);
    expect(l.widths).toEqual([15, 15, 6]);
    // With room for the wrapping column's minimum, 'keep' columns stay whole.
    expect(layout(['keep', 'keep', 'wrap'], [undefined, undefined, undefined], [30, 30, 40], 80).widths).toEqual([
      30, 30, 16,
    ]);
  });
});

describe('layout: what gives way first', () => {
  it('leaves a droppable column out before a wrapping column breaks inside a word', () => {
    // TIME, COMPANY (droppable), DETAILS whose widest word is 16 columns.
    const l = layout(['keep', 'wrap', 'wrap'], [undefined, 1, undefined], [16, 13, 16], 40, [16, 7, 16]);
    expect(l).toEqual({ shown: [0, 2], widths: [16, 16] });
    // With nothing left to drop, words break (down to the minimum) before 'keep' text wraps.
    expect(layout(['keep', 'wrap'], [undefined, undefined], [16, 30], 30, [16, 30]).widths).toEqual([16, 12]);
  });
});

describe('wrapText', () => {
  it('breaks at spaces that fit, and inside words longer than the line', () => {
    expect(wrapText('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapText('abcdefghijklmnop', 5)).toEqual(['abcde', 'fghij', 'klmno', 'p']);
    expect(wrapText('short', 10)).toEqual(['short']);
    // A line that ends where a word ends breaks there, not at an earlier '-'.
    expect(wrapText('ann@my-company.com and more', 18)).toEqual(['ann@my-company.com', 'and more']);
  });
});

describe('company table', () => {
  it('INVITED companies are grey on a colour terminal, and only there', async () => {
    await loadColor();
    const companies = [
      { id: 1, name: 'Mine', role: 'OWNER', status: 'ACTIVE', current: true, main: true },
      { id: 2, name: 'Theirs', role: 'DESIGNER', status: 'INVITED', current: false, main: false },
    ];
    const colour = bufferIO({ tty: true });
    colour.io.colorOut = true;
    await printCompanyTable(colour.io, companies);
    const invited = colour
      .stdout()
      .split('\n')
      .find((l) => l.includes('Theirs'))!;
    expect(invited).toContain('\x1b[90mTheirs');
    const active = colour
      .stdout()
      .split('\n')
      .find((l) => l.includes('Mine'))!;
    expect(active).not.toMatch(/\x1b\[90m(Mine|OWNER|ACTIVE)/);
    expect(active).toContain('\x1b[1mMine');
    const plain = bufferIO({ tty: true });
    await printCompanyTable(plain.io, companies);
    expect(plain.stdout()).not.toContain('\x1b');
  });
});
