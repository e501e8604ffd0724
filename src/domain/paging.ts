import { invalid } from '../errors.js';

// Lists are read in keyset pages: each page is one query (one request on sqld) that
// starts where the last one ended, so a list of any length costs constant memory and
// no response grows with the company. Each page is also its own read transaction, on
// both engines: see docs/output.md ("Paging and consistency") for what that guarantees.

/**
 * Members per page. A member row is at most ~2 KB (an e-mail of at most 254 characters,
 * names of at most 100): a page stays far below sqld's 10 MB response limit.
 */
export const MEMBER_PAGE = 1000;
/** Audit entries per page (an entry is at most a few KB: names, e-mails, a small details object). */
export const AUDIT_PAGE = 500;

/** Validates a --limit: a whole number of at least 1, or undefined for everything. */
export function parseLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 1) throw invalid('--limit must be a whole number of at least 1.');
  return limit;
}

/** What a paged listing printed, and what it left for a next run. */
export interface Listing {
  /** Rows written. */
  shown: number;
  /** Rows matching that a limit left out (counted only when asked for); 0 when none. */
  more: number;
  /** The key of the last row written, to continue after it (--after / --before). */
  last: string | undefined;
}
