import { PlatformError, invalid } from '../errors.js';

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

/**
 * Checks that a page starts past the previous one and is in order (keys strictly rising,
 * or falling with `descending`). A store, or a server answering for it, that sends the
 * same page again (a proxy replaying sqld's answers, say) would otherwise keep a `--all`
 * list or an export writing forever.
 */
export function checkPageMovesOn<K extends string | number>(
  keys: readonly K[],
  after: K | undefined,
  o: { descending?: boolean } = {},
): void {
  const cmp = (a: K, b: K) => (typeof a === 'string' ? compareStored(a, String(b)) : Number(a) - Number(b));
  const before = (a: K, b: K) => (o.descending ? cmp(a, b) > 0 : cmp(a, b) < 0);
  let prev = after;
  for (const k of keys) {
    if (prev !== undefined && !before(prev, k))
      throw new PlatformError(
        'STORE_UNAVAILABLE',
        'The store answered a page of a list out of order (rows already listed came again); stopped. Nothing was changed.',
      );
    prev = k;
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Compares two strings in the store's order (SQLite's BINARY: UTF-8 bytes). That is
 * JavaScript's own order (UTF-16 code units) unless a string holds a character beyond the
 * Basic Multilingual Plane (a surrogate pair, or a lone surrogate that UTF-8 writes as
 * U+FFFD): only then are the strings encoded, which cost ~0.4 s of CPU per 1,000,000 keys.
 */
export function compareStored(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}
