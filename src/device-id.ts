import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * The sign-in source of this config directory: a random secret kept in
 * `<configDir>/device-id` (mode 0600), created on first use, and known to the store only
 * as its SHA-256. Failed sign-ins are counted per e-mail and source, and a source that once
 * signed in to an account is never locked by other sources' failures (docs/security.md).
 * The store keeps the hash, never the secret: whoever reads the store (a backup is enough)
 * cannot copy a device's standing into a device-id file of their own and lock its owner
 * out, or pass as a known device.
 */
export const DEVICE_ID_FILE = 'device-id';
const FORMAT = /^[A-Za-z0-9_-]{22,64}$/;

const fresh = () => randomBytes(16).toString('base64url');

/** Reads an existing id file; undefined when there is none, null when it cannot be used. */
function readId(path: string): string | undefined | null {
  let fd: number;
  try {
    // Non-blocking, so a FIFO put there is refused instead of waited on.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile() || s.size > 256) return null;
    const buf = Buffer.alloc(s.size);
    const n = s.size === 0 ? 0 : readSync(fd, buf, 0, s.size, 0);
    const id = buf.subarray(0, n).toString('utf8').trim();
    return FORMAT.test(id) ? id : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * This config directory's source id. A directory that cannot hold one (read-only, or the
 * file is not ours to read) gets a new random id for this run only: its attempts then
 * count as an unknown source's, never as another device's.
 */
export function deviceId(configDir: string): string {
  return createHash('sha256').update(deviceSecret(configDir)).digest('base64url');
}

/** The random secret in this config directory's device-id file (created on first use). */
function deviceSecret(configDir: string): string {
  const path = join(configDir, DEVICE_ID_FILE);
  const existing = readId(path);
  if (existing) return existing;
  if (existing === null) return fresh();
  const id = fresh();
  try {
    // The directory also holds session tokens: private from the start, as config.ts makes it.
    mkdirSync(configDir, { recursive: true, mode: 0o700 });
    // O_EXCL: of two commands creating it at once, one writes and the other reads its id.
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, id + '\n');
    } finally {
      closeSync(fd);
    }
    return id;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readId(path) || fresh();
    return id;
  }
}
