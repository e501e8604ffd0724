import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PlatformError } from '../errors.js';
import type { Store } from './types.js';
import { migrate } from './migrate.js';
import { DEFAULT_TIMEOUTS, type StoreTimeouts } from './timeouts.js';

export type StoreLocation =
  { engine: 'local'; path: string; key: string } | { engine: 'libsql'; url: string; key: string; display: string };

const REMOTE = /^(libsql|https?|wss?):\/\//i;

/** Parses a --store value: a path, file:<path>, or a libSQL server URL. */
export function parseLocation(raw: string): StoreLocation {
  const value = raw.trim();
  if (value === '') throw new PlatformError('USAGE', 'The store location is empty.');
  if (REMOTE.test(value)) {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw new PlatformError('USAGE', `Invalid store URL.`);
    }
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) if (/token|auth|key|secret|password/i.test(k)) u.searchParams.delete(k);
    const display = u.toString();
    return { engine: 'libsql', url: value, key: display, display };
  }
  const path = resolve(value.replace(/^file:(\/\/)?/i, ''));
  return { engine: 'local', path, key: path };
}

/** Opens the store at a location and brings its schema up to date. */
export async function openStore(
  loc: StoreLocation,
  opts: { authToken?: string | undefined; migrate?: boolean; mustExist?: boolean; timeouts?: StoreTimeouts } = {},
): Promise<Store> {
  let store: Store;
  if (loc.engine === 'local') {
    const { LocalStore } = await import('./local.js');
    if (opts.mustExist && !existsSync(loc.path))
      throw new PlatformError('STORE_UNAVAILABLE', `There is no store at ${loc.path}.`);
    store = await LocalStore.open(loc.path, opts.timeouts ?? DEFAULT_TIMEOUTS);
  } else {
    const { RemoteStore } = await import('./remote.js');
    store = await RemoteStore.open(loc.url, loc.display, opts.authToken, opts.timeouts ?? DEFAULT_TIMEOUTS);
  }
  if (opts.migrate !== false) {
    try {
      await migrate(store);
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}
