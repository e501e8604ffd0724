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

/** Timeouts from PLATFORMCTL_BUSY_TIMEOUT_MS and PLATFORMCTL_STORE_TIMEOUT_MS, else the defaults. */
export function timeoutsFrom(env: NodeJS.ProcessEnv): StoreTimeouts {
  const busy = Number(env.PLATFORMCTL_BUSY_TIMEOUT_MS);
  const request = Number(env.PLATFORMCTL_STORE_TIMEOUT_MS);
  return {
    busyMs:
      env.PLATFORMCTL_BUSY_TIMEOUT_MS !== undefined && Number.isFinite(busy) && busy >= 0
        ? busy
        : DEFAULT_TIMEOUTS.busyMs,
    requestMs: Number.isFinite(request) && request > 0 ? request : DEFAULT_TIMEOUTS.requestMs,
  };
}
