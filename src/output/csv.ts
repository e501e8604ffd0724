/** Formats rows as RFC 4180 CSV with csv-stringify (quotes commas, quotes, newlines). */
export async function toCsv(header: string[], rows: unknown[][]): Promise<string> {
  const { stringify } = await import('csv-stringify/sync');
  return stringify([header, ...rows], { eof: true, record_delimiter: 'unix' });
}
