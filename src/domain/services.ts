import type { Store } from '../store/types.js';
import { Repo } from '../store/repo.js';

/** What every domain operation needs from outside: the store and the clock. */
export interface Services {
  store: Store;
  now(): Date;
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
