import type { CompanyListItem } from '../../domain/companies.js';
import type { IOStreams } from '../../io/streams.js';
import { printTable } from '../../output/table.js';
import { palette } from '../../output/color.js';

/** Companies as a table; INVITED ones (not yet switched to) are grey on a terminal. */
export async function printCompanyTable(io: IOStreams, companies: CompanyListItem[]): Promise<void> {
  const c = palette(io.colorOut);
  const grey = (t: string, r: CompanyListItem) => (r.status === 'INVITED' ? c.gray(t) : t);
  await printTable(io, companies, [
    { header: '', value: (r) => (r.current ? '*' : ''), style: (t) => c.green(t) },
    { header: 'ID', value: (r) => r.id, style: grey, fit: 'keep' },
    {
      header: 'NAME',
      value: (r) => r.name,
      style: (t, r) => (r.status === 'INVITED' ? c.gray(t) : r.current ? c.bold(t) : t),
    },
    { header: 'ROLE', value: (r) => r.role, style: grey, fit: 'keep' },
    { header: 'STATUS', value: (r) => r.status, style: grey, fit: 'keep', drop: 2 },
    { header: 'MAIN', value: (r) => (r.main ? 'main' : ''), style: grey, fit: 'keep', drop: 1 },
  ]);
}
