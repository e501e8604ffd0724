import type { IOStreams } from '../../../io/streams.js';
import type { RowFailure } from '../../../domain/bulk/job.js';
import { safeJson } from '../../../output/json.js';
import { printTable, type Column } from '../../../output/table.js';
import { plural } from '../../../text.js';

const MARK = '"\\u0000STREAMED\\u0000"';

/**
 * Prints one JSON document whose `errors` (or other listed) members are streamed from
 * iterables, so a report of a million failed rows never sits in memory whole.
 */
export function printJsonStreamed(
  io: IOStreams,
  head: Record<string, unknown>,
  lists: Record<string, Iterable<unknown>>,
) {
  const marked: Record<string, unknown> = { ...head };
  for (const k of Object.keys(lists)) marked[k] = '\u0000STREAMED\u0000';
  const parts = safeJson(marked, 2).split(MARK);
  const keys = Object.keys(lists);
  io.out.write(parts[0]!);
  keys.forEach((k, i) => {
    let first = true;
    io.out.write('[');
    for (const item of lists[k]!) {
      io.out.write((first ? '\n    ' : ',\n    ') + safeJson(item));
      first = false;
    }
    io.out.write(first ? ']' : '\n  ]');
    io.out.write(parts[i + 1]!);
  });
  io.out.write('\n');
}

/**
 * On a terminal, errors shown in the table; more are counted (all of them are in --json,
 * and piped output lists them all). A seat limit hit by 299 rows of a 300-row file was
 * 4,000 lines of the same message on a 100-column terminal.
 */
const TTY_ERRORS = 20;

/** The failed rows: a table on a terminal, every row tab-separated when piped. */
export async function printErrors(io: IOStreams, errors: Iterable<RowFailure>): Promise<void> {
  const columns: Column<RowFailure>[] = [
    { header: 'LINE', value: (e) => e.line, fit: 'keep' },
    { header: 'EMAIL', value: (e) => e.email ?? '', fit: 'keep' },
    { header: 'CODE', value: (e) => e.code, fit: 'keep' },
    { header: 'MESSAGE', value: (e) => e.message },
  ];
  let page: RowFailure[] = [];
  let more = 0;
  for (const e of errors) {
    if (io.isStdoutTTY && page.length >= TTY_ERRORS) {
      more++;
      continue;
    }
    page.push(e);
    if (!io.isStdoutTTY && page.length >= 1000) {
      await printTable(io, page, columns);
      page = [];
    }
  }
  if (page.length) await printTable(io, page, columns);
  if (more) io.out.write(`… and ${plural(more, 'more bad line')} (--json lists them all).\n`);
}
