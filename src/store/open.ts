import { resolve } from 'node:path';
import { PlatformError } from '../errors.js';
import type { Store } from './types.js';
import { checkVersion, migrate, readVersion } from './migrate.js';
import { notInitialised } from './errors.js';
import { DEFAULT_TIMEOUTS, type StoreTimeouts } from './timeouts.js';
import type { RemoteOptions } from './remote.js';

/** Where a location came from: --store, PLATFORMCTL_STORE, the config key `store`, or the embedded default. */
export type LocationOrigin = 'flag' | 'env' | 'config' | 'default';

export type StoreLocation = (
  { engine: 'local'; path: string; key: string } | { engine: 'libsql'; url: string; key: string; display: string }
) & { origin?: LocationOrigin };

const REMOTE = /^(libsql|https?|wss?):\/\//i;
/**
 * A URL of a scheme platformctl does not speak (`ftp://x`), refused rather than taken as
 * a local path "ftp:/x". Two letters at least: `C://x` is a Windows drive, still a path.
 */
const OTHER_URL = /^([a-z][a-z0-9+.-]+):\/\//i;

/** Parses a --store value: a path, file:<path>, or a libSQL server URL. */
export function parseLocation(raw: string, origin?: LocationOrigin): StoreLocation {
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
    return { engine: 'libsql', url: value, key: display, display, origin };
  }
  const other = OTHER_URL.exec(value);
  if (other && other[1]!.toLowerCase() !== 'file')
    throw new PlatformError(
      'USAGE',
      `The store location has an unknown URL scheme "${other[1]}:". A store is a path, file:<path>, or a URL with libsql:, http:, https:, ws: or wss:.`,
    );
  const path = resolve(value.replace(/^file:(\/\/)?/i, ''));
  return { engine: 'local', path, key: path, origin };
}

const ORIGIN: Record<LocationOrigin, string> = {
  flag: '--store',
  env: 'PLATFORMCTL_STORE',
  config: 'the config key `store`',
  default: 'the default location',
};

/** What to tell someone whose store location has nothing there. */
function missingHint(loc: StoreLocation): string {
  const from = loc.origin && loc.origin !== 'default' ? ` (the location comes from ${ORIGIN[loc.origin]})` : '';
  return `Create it with \`platformctl store init\` or \`platformctl account register\`, or check the location for a typo${from}.`;
}

export interface OpenOptions {
  authToken?: string | undefined;
  /**
   * May this open create the store: a missing local file (mode 0600) and the schema of
   * an empty store, local or remote. Default true for callers such as tests and tools;
   * the Context always decides (account register, store init, the embedded default).
   */
  create?: boolean;
  /** Bring the schema up to date (default true); off for a look at the store as it is. */
  migrate?: boolean;
  timeouts?: StoreTimeouts;
  /**
   * Remote only: the identity the caller expects and what it is told once the store's
   * own is read, the caller's last replication index, and how long a read waits for a
   * replica to catch up with it (src/store/remote.ts).
   */
  remote?: Omit<RemoteOptions, 'gate'>;
}

/**
 * Opens the store at a location. A missing or empty store is refused (exit 7) unless
 * `create`; one that is not a platformctl store or is newer than this build is refused
 * untouched; an older one is migrated when `migrate`. A local store is checked here; a
 * remote one by the first request the command makes (it travels with the command's own
 * statements: no round trip of its own).
 */
export async function openStore(loc: StoreLocation, opts: OpenOptions = {}): Promise<Store> {
  const create = opts.create ?? true;
  const timeouts = opts.timeouts ?? DEFAULT_TIMEOUTS;
  if (loc.engine === 'libsql') {
    const { RemoteStore } = await import('./remote.js');
    return RemoteStore.open(loc.url, loc.display, opts.authToken, timeouts, {
      ...opts.remote,
      gate: { create, migrate: opts.migrate !== false },
    });
  }
  const { LocalStore } = await import('./local.js');
  const store: Store = await LocalStore.open(loc.path, timeouts, {
    create,
    stamp: opts.migrate !== false,
    missingHint: missingHint(loc),
  });
  try {
    if (opts.migrate !== false) {
      await migrate(store, { create });
    } else {
      const version = checkVersion(await store.read(readVersion), store.displayLocation);
      if (version === 0 && !create) throw notInitialised(store.displayLocation);
    }
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
