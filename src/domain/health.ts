import type { Store } from '../store/types.js';
import { Repo } from '../store/repo.js';
import { schemaVersion } from '../store/migrate.js';
import { LATEST_VERSION } from '../store/migrations/index.js';

export interface CheckReport {
  ok: boolean;
  engine: string;
  store: string;
  schemaVersion: number;
  problems: string[];
}

/** SQLite's integrity and foreign-key checks plus every store rule of the contract. */
export async function checkStore(store: Store): Promise<CheckReport> {
  const version = await schemaVersion(store);
  const problems = await store.integrityCheck();
  if (version < LATEST_VERSION) {
    problems.push(
      `schema version ${version} is older than ${LATEST_VERSION}; run \`platformctl store init\` to migrate it`,
    );
  } else if (problems.length === 0) {
    problems.push(...(await store.read((tx) => new Repo(tx).invariantViolations())));
  }
  return {
    ok: problems.length === 0,
    engine: store.engine,
    store: store.displayLocation,
    schemaVersion: version,
    problems,
  };
}
