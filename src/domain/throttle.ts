import type { ThrottleRow } from '../store/repo.js';
import { PlatformError, invalid } from '../errors.js';
import { iso } from './services.js';

/**
 * The sign-in throttle (docs/security.md). Every wrong password — at sign-in, or as the
 * current password of `password change` — is one failure of an e-mail address from a
 * source (the random id of the config directory it came from, src/device-id.ts):
 *
 * - per source: SOURCE_LIMIT consecutive failures of one e-mail from one source lock that
 *   source out of that e-mail for LOCK_MINUTES; after the lock, each further failure
 *   locks it again, until a success;
 * - per account, for unknown sources: a source that never signed in to the e-mail is
 *   "unknown". Failures from unknown sources also count on the e-mail's '*' counter;
 *   ACCOUNT_LIMIT of them lock every unknown source out for LOCK_MINUTES (then again
 *   after each further failure). Sources that once signed in successfully ("known") are
 *   never held back by it: a stranger cannot lock the owner out of their own devices;
 * - a counter is forgotten FORGET_HOURS after its last failure when it is not locked;
 *   a success resets its own source's counter and nothing else, so no stranger can tell
 *   from the '*' counter whether anyone signed in;
 * - e-mails without an account are counted exactly alike, so answers and throttling
 *   never tell who has an account.
 *
 * Password change is never blocked by the '*' counter (a signed-in session's own change
 * is not held back by strangers), only by its own source's lock; and each session or
 * token that gives TOKEN_CHECK_LIMIT wrong current passwords is revoked.
 */
export const SOURCE_LIMIT = 5;
export const ACCOUNT_LIMIT = 20;
export const LOCK_MINUTES = 15;
export const FORGET_HOURS = 24;
export const TOKEN_CHECK_LIMIT = 5;

/** The counter of every source that never signed in to the e-mail. */
const UNKNOWN_SOURCES = '*';

const MINUTE = 60_000;

/** A source id as device-id.ts makes them; '*' and anything else are refused. */
export function checkSource(source: string): string {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(source)) throw invalid('Invalid sign-in source id.');
  return source;
}

/** The two counters that decide an attempt: this source's and the unknown sources'. */
export interface Counters {
  source: ThrottleRow | undefined;
  account: ThrottleRow | undefined;
}

export function countersOf(rows: ThrottleRow[], source: string): Counters {
  return {
    source: rows.find((r) => r.source === source),
    account: rows.find((r) => r.source === UNKNOWN_SOURCES),
  };
}

/** A source is known to an e-mail once it signed in to it successfully. */
export const isKnown = (c: Counters) => Boolean(c.source?.last_success_at);

const lockActive = (row: ThrottleRow | undefined, now: Date) =>
  row?.locked_until && row.locked_until > iso(now) ? row.locked_until : null;

/** Failures still remembered at `now`: none once the counter has been quiet FORGET_HOURS, unless locked. */
function remembered(row: ThrottleRow | undefined, now: Date): number {
  if (!row) return 0;
  if (lockActive(row, now)) return row.failures;
  return now.getTime() - Date.parse(row.updated_at) >= FORGET_HOURS * 60 * MINUTE ? 0 : row.failures;
}

const later = (a: string | null, b: string | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * Until when this attempt is refused, or null. A sign-in from an unknown source also
 * waits for the account's lock; a password change (`forChange`) never does.
 */
export function lockedUntil(c: Counters, now: Date, forChange = false): string | null {
  const own = lockActive(c.source, now);
  if (forChange || isKnown(c)) return own;
  return later(own, lockActive(c.account, now));
}

/** The counters to write after one more failure, and the lock it starts (null if none). */
export function afterFailure(
  c: Counters,
  email: string,
  source: string,
  now: Date,
): { rows: Omit<ThrottleRow, 'updated_at'>[]; lockedUntil: string | null } {
  const lock = iso(new Date(now.getTime() + LOCK_MINUTES * MINUTE));
  const sourceFailures = remembered(c.source, now) + 1;
  const rows: Omit<ThrottleRow, 'updated_at'>[] = [
    {
      email,
      source,
      failures: sourceFailures,
      locked_until: sourceFailures >= SOURCE_LIMIT ? lock : (c.source?.locked_until ?? null),
      last_success_at: c.source?.last_success_at ?? null,
    },
  ];
  let locked = sourceFailures >= SOURCE_LIMIT ? lock : null;
  if (!isKnown(c)) {
    const accountFailures = remembered(c.account, now) + 1;
    rows.push({
      email,
      source: UNKNOWN_SOURCES,
      failures: accountFailures,
      locked_until: accountFailures >= ACCOUNT_LIMIT ? lock : (c.account?.locked_until ?? null),
      last_success_at: null,
    });
    if (accountFailures >= ACCOUNT_LIMIT) locked = lock;
  }
  return { rows, lockedUntil: locked };
}

/** This source's counter after a success: reset, and the source known from now on. */
export function afterSuccess(email: string, source: string, now: Date): Omit<ThrottleRow, 'updated_at'> {
  return { email, source, failures: 0, locked_until: null, last_success_at: iso(now) };
}

/** When counters of sources that never signed in may be dropped (see FORGET_HOURS). */
export const forgetBefore = (now: Date) => iso(new Date(now.getTime() - FORGET_HOURS * 60 * MINUTE));

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-12-01 14:35", in the local time of whoever reads it (as tables show times). */
function localMinute(isoTime: string): string {
  const d = new Date(isoTime);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "try again after 2026-12-01 14:35 local time (in 15 minutes)". */
export function tryAgain(until: string, now: Date): string {
  const minutes = Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / MINUTE));
  return `try again after ${localMinute(until)} local time (in ${minutes} minute${minutes === 1 ? '' : 's'})`;
}

/**
 * A refused sign-in: the same words whether or not the e-mail has an account. Support
 * can lift it (`staff unlock`); devices that signed in before are not affected by other
 * devices' failures.
 */
export function throttled(until: string, now: Date): PlatformError {
  return new PlatformError(
    'THROTTLED',
    `Too many failed sign-ins for this e-mail; ${tryAgain(until, now)}, or ask support to unlock it.`,
    { retryAfter: until },
  );
}

/** A refused password change: this device's own failures locked it. */
export function changeThrottled(until: string, now: Date): PlatformError {
  return new PlatformError(
    'THROTTLED',
    `Too many wrong passwords from this device; ${tryAgain(until, now)}, or ask support to unlock it.`,
    { retryAfter: until },
  );
}
