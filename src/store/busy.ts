/** How long a command waits for other writers before giving up with STORE_BUSY (both engines). */
export function busyTimeoutMs(): number {
  const v = Number(process.env.PLATFORMCTL_BUSY_TIMEOUT_MS);
  return Number.isFinite(v) && v >= 0 ? v : 10_000;
}
