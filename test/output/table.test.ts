import { describe, expect, it } from 'vitest';
import { bufferIO } from '../helpers/io.js';
import { printTable } from '../../src/output/table.js';
import { loadColor } from '../../src/output/color.js';
import { printCompanyTable } from '../../src/commands/company/shared/company-table.js';

const rows = [
  {
    id: 1,
    name: 'A company with a very long name that cannot fit in a narrow terminal',
    role: 'ADMINISTRATOR',
    note: 'x'.repeat(60),
  },
  { id: 22, name: 'Short', role: 'OWNER', note: 'tab\there' },
];
const columns = [
  { header: 'ID', value: (r: (typeof rows)[number]) => r.id },
  { header: 'NAME', value: (r: (typeof rows)[number]) => r.name },
  { header: 'ROLE', value: (r: (typeof rows)[number]) => r.role },
  { header: 'NOTE', value: (r: (typeof rows)[number]) => r.note },
];
const width = (line: string) => [...line].length;

describe('printTable', () => {
  it.each([40, 60, 80])('on a %i-column terminal every line fits, long cells end in an ellipsis', async (cols) => {
    const b = bufferIO({ tty: true });
    b.io.columns = cols;
    await printTable(b.io, rows, columns);
    const lines = b.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(cols);
    expect(lines[0]).toMatch(/^\s*ID\s+NAME\s+ROLE\s+NOTE/);
    expect(lines[1]).toContain('…');
    expect(lines[2]).toContain('22');
    expect(b.stdout()).not.toContain('\x1b');
  });

  it('on a wide terminal nothing is cut', async () => {
    const b = bufferIO({ tty: true });
    b.io.columns = 300;
    await printTable(b.io, rows, columns);
    expect(b.stdout()).toContain(rows[0]!.name);
    expect(b.stdout()).not.toContain('…');
  });

  it('piped: tab-separated rows, no header, no truncation', async () => {
    const b = bufferIO({ tty: false });
    await printTable(b.io, rows, columns);
    const lines = b.stdout().split('\n');
    expect(lines[0]).toBe(`1\t${rows[0]!.name}\tADMINISTRATOR\t${'x'.repeat(60)}`);
    // A tab inside a cell never splits it into two fields.
    expect(lines[1]!.split('\t')).toHaveLength(4);
    expect(lines[1]).toMatch(/^22\tShort\tOWNER\ttab.+here$/);
    expect(lines[2]).toBe('');
  });

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
