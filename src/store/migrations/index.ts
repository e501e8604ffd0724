import m001 from './001-initial.sql?raw';

/** Every migration in order; the index + 1 is the schema version it produces. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: '001-initial', sql: m001 },
];

export const LATEST_VERSION = MIGRATIONS.length;
