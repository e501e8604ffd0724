import type { Store } from '../store/types.js';
import { Repo } from '../store/repo.js';
import { schemaVersion } from '../store/migrate.js';
import { LATEST_VERSION } from '../store/migrations/index.js';
import { identityWarnings, type CheckWarning } from './lookalikes.js';

export interface CheckReport {
  ok: boolean;
  engine: string;
  store: string;
  schemaVersion: number;
  problems: string[];
  /**
   * Not broken rules (they leave `ok` alone and the exit code 0): look-alike e-mails and
   * identity text that input would now refuse or store differently (docs/identity.md).
   * Look-alike groups first; at most MAX_WARNINGS of them and as many others are listed;
   * `warningCount` is how many there are.
   */
  warnings: CheckWarning[];
  warningCount: number;
}

/**
 * SQLite's integrity and foreign-key checks plus every store rule (docs/guarantees.md); on a
 * store that passes the engine's checks, also the identity-text warnings.
 */
export async function checkStore(store: Store): Promise<CheckReport> {
  const version = await schemaVersion(store);
  const problems = await store.integrityCheck();
  const engineOk = problems.length === 0;
  if (version < LATEST_VERSION) {
    problems.push(
      `schema version ${version} is older than ${LATEST_VERSION}; run \`platformctl store init\` to migrate it`,
    );
  } else if (problems.length === 0) {
    problems.push(...(await store.read((tx) => new Repo(tx).invariantViolations())));
  }
  const identity = engineOk && version >= LATEST_VERSION ? await identityWarnings(store) : { warnings: [], total: 0 };
  return {
    ok: problems.length === 0,
    engine: store.engine,
    store: store.displayLocation,
    schemaVersion: version,
    problems,
    warnings: identity.warnings,
    warningCount: identity.total,
  };
}
