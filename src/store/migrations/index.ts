import m001 from './001-initial.sql?raw';
import m002 from './002-ids-identity-paging.sql?raw';
import m003 from './003-bulk-run-input.sql?raw';

/** Every migration's SQL in order: the one at index i produces schema version i + 1. */
export const MIGRATIONS: readonly string[] = [m001, m002, m003];

export const LATEST_VERSION = MIGRATIONS.length;
