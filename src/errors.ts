/** Error codes, each mapped to its exit code in one place; the README lists them. */
export const EXIT_CODES = {
  INTERNAL: 1,
  USAGE: 2,
  INVALID_INPUT: 2,
  CONFIRMATION_REQUIRED: 2,
  AMBIGUOUS: 2,
  AUTH_REQUIRED: 3,
  BAD_CREDENTIALS: 3,
  THROTTLED: 3,
  PERMISSION_DENIED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  SEAT_LIMIT: 6,
  OWNER_CANNOT_LEAVE: 6,
  CONFLICT: 6,
  STORE_UNAVAILABLE: 7,
  STORE_BUSY: 7,
  STORE_CORRUPT: 7,
  SCHEMA_TOO_NEW: 7,
  CANCELLED: 8,
  DRIFT: 9,
} as const;

export type ErrorCode = keyof typeof EXIT_CODES;

/** A failure the user can act on: it carries a documented error code (README: exit codes) and a one-line message. */
export class PlatformError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'PlatformError';
    this.code = code;
    this.details = details;
  }
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

export const invalid = (m: string, d?: Record<string, unknown>) => new PlatformError('INVALID_INPUT', m, d);
export const notFound = (m: string) => new PlatformError('NOT_FOUND', m);
export const denied = (m: string) => new PlatformError('PERMISSION_DENIED', m);
export const conflict = (m: string) => new PlatformError('CONFLICT', m);
export const authRequired = (m = 'You are not signed in. Run `platformctl account login` or set PLATFORMCTL_TOKEN.') =>
  new PlatformError('AUTH_REQUIRED', m);
/**
 * The user's own answer (no, Ctrl-C): nothing was changed. Exit 8 like any CANCELLED;
 * src/main.ts says it calmly, without the "error:" of a failure.
 */
export const cancelled = (m = 'Cancelled; nothing was changed.') => new PlatformError('CANCELLED', m);
