import type { Store } from '../store/types.js';
import { Repo } from '../store/repo.js';

/** scrypt cost parameters (scrypt-kdf's names): N = 2^logN, block size r, parallelism p. */
export interface KdfParams {
  logN: number;
  r: number;
  p: number;
}

/**
 * What every domain operation needs from outside: the store, the clock and the cost of
 * password hashing. `kdf` defaults to production's (SCRYPT_PARAMS, N=2^17, r=8, p=1);
 * unit tests pass tiny parameters so a hash costs microseconds instead of half a second.
 */
export interface Services {
  store: Store;
  now(): Date;
  kdf?: KdfParams | undefined;
}

export const iso = (d: Date) => d.toISOString();

/** Runs fn in a write transaction with the data-access layer. */
export function write<T>(services: Services, fn: (r: Repo) => Promise<T>): Promise<T> {
  return services.store.write((tx) => fn(new Repo(tx)));
}

/** Runs fn in a read transaction (a consistent snapshot). */
export function read<T>(services: Services, fn: (r: Repo) => Promise<T>): Promise<T> {
  return services.store.read((tx) => fn(new Repo(tx)));
}

/** A read as streaming functions issue them, page after page. */
export type PageReader = <T>(fn: (r: Repo) => Promise<T>) => Promise<T>;

/**
 * Runs fn, whose reads (a page each) see one moment where the engine allows it: on a
 * local file they all run inside ONE read transaction (in WAL mode a reader blocks no
 * writer; the write-ahead log only cannot be checkpointed past it until it ends), so an
 * export taken while an import writes is one snapshot. On a remote store each page stays
 * its own request: a transaction spanning requests would have to run on the primary (a
 * replica cannot serve it) and hold server state for the whole stream, so there pages
 * may see different moments (docs/output.md says what that means for an export).
 */
export function readPages<T>(svc: Services, fn: (read: PageReader) => Promise<T>): Promise<T> {
  if (svc.store.engine !== 'local') return fn((g) => read(svc, g));
  return read(svc, (r) => fn((g) => g(r)));
}
