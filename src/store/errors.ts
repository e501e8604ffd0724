import { PlatformError } from '../errors.js';

const CORRUPT = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);
const BUSY = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_BUSY_TIMEOUT',
]);

/** Turns an engine failure into a PlatformError with a store code (exit 7); other errors pass through. */
export function storeError(e: unknown, where: string): unknown {
  if (e instanceof PlatformError) return e;
  const err = e as { code?: string; message?: string };
  const code = String(err?.code ?? '');
  const msg = String(err?.message ?? e);
  if (BUSY.has(code) || code.startsWith('SQLITE_BUSY') || /database is locked/i.test(msg)) {
    return new PlatformError(
      'STORE_BUSY',
      `The store ${where} is busy: another process held it longer than the busy timeout. Try again.`,
    );
  }
  if (CORRUPT.has(code) || code.startsWith('SQLITE_CORRUPT') || /file is not a database/i.test(msg)) {
    return new PlatformError('STORE_CORRUPT', `The store ${where} is not a readable SQLite database (${msg}).`);
  }
  if (code === 'SQLITE_FULL' || /disk is full|database or disk is full/i.test(msg)) {
    return new PlatformError(
      'STORE_UNAVAILABLE',
      `The store ${where} cannot be written: the disk is full. Nothing was changed.`,
    );
  }
  if (code.startsWith('SQLITE_READONLY') || /readonly database|read-only/i.test(msg)) {
    return new PlatformError(
      'STORE_UNAVAILABLE',
      `The store ${where} is read-only for this user. Nothing was changed.`,
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_IOERR') ||
    code === 'SQLITE_PERM' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'ENOSPC' ||
    code === 'EROFS'
  ) {
    return new PlatformError('STORE_UNAVAILABLE', `The store ${where} cannot be opened or written (${code}: ${msg}).`);
  }
  // A rule of the schema (a constraint or one of its guard triggers) refused a change the
  // checks before it let through: the same answer as on sqld, never an internal error.
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new PlatformError(
      'CONFLICT',
      `The store ${where} refused the change: ${msg.split('\n')[0]!.replace(/\.$/, '')}. Nothing was changed; try again.`,
    );
  }
  return e;
}

/** A store location where nothing exists, on a command that does not create stores (exit 7). */
export function noStore(path: string, hint?: string): PlatformError {
  const advice =
    hint ??
    'Create one with `platformctl store init` (or `platformctl account register`), or check the location for a typo.';
  return new PlatformError('STORE_UNAVAILABLE', `There is no store at ${path}. ${advice}`);
}

/** A store that exists but holds no platformctl schema yet (an empty file or database). */
export function notInitialised(where: string): PlatformError {
  return new PlatformError(
    'STORE_UNAVAILABLE',
    `The store ${where} is empty: it has not been initialised. Run \`platformctl store init\` (or \`platformctl account register\`) to set it up.`,
  );
}
