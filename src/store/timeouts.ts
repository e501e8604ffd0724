import { wholeNumberEnv } from '../env-number.js';

/** How long a command waits on the store: for other writers, and (remote) for one request. */
export interface StoreTimeouts {
  /** Waiting for other writers before giving up with STORE_BUSY (both engines). */
  busyMs: number;
  /** One request to a remote server before giving up with STORE_UNAVAILABLE. */
  requestMs: number;
}

/**
 * sqld makes a writer wait for the lock for up to ~5 s (then it takes it from the
 * holder), so the request timeout leaves room for that.
 */
export const DEFAULT_TIMEOUTS: StoreTimeouts = { busyMs: 10_000, requestMs: 20_000 };

/**
 * Timeouts from PLATFORMCTL_BUSY_TIMEOUT_MS (0 or more) and PLATFORMCTL_STORE_TIMEOUT_MS
 * (1 or more), else the defaults; any other value is a usage error (exit 2).
 */
export function timeoutsFrom(env: NodeJS.ProcessEnv): StoreTimeouts {
  return {
    busyMs: wholeNumberEnv(env, 'PLATFORMCTL_BUSY_TIMEOUT_MS', 0) ?? DEFAULT_TIMEOUTS.busyMs,
    requestMs: wholeNumberEnv(env, 'PLATFORMCTL_STORE_TIMEOUT_MS', 1) ?? DEFAULT_TIMEOUTS.requestMs,
  };
}
