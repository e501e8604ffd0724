/**
 * What every streamed output offers a list command (JsonArrayWriter, JsonLinesWriter,
 * CsvWriter, TableWriter): rows are written a page at a time as they are read, and each
 * write waits until the reader has taken the page.
 */
export interface RowWriter<T> {
  write(rows: readonly T[]): Promise<void>;
  /** Finishes the document (the closing bracket of a JSON array, the header of an empty CSV). */
  end(): Promise<void>;
}
