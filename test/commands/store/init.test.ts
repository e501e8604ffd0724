import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/store/init.js';
import { readVersion, schemaScript } from '../../../src/store/migrate.js';
import { LATEST_VERSION } from '../../../src/store/migrations/index.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/types.js';
import { bufferIO } from '../../helpers/io.js';
import { failure } from '../../helpers/services.js';

describe('store init run()', () => {
  let dir: string;
  const open: Store[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The store as the context hands it to init: opened (created if missing) but not migrated. */
  const unmigrated = async (name: string) => {
    const path = join(dir, name);
    const store = await openStore({ engine: 'local', path, key: path }, { create: true, migrate: false });
    open.push(store);
    return { path, store };
  };
  const init = async (store: Store, json = false) => {
    const b = bufferIO();
    await run({ io: b.io, json, store: () => Promise.resolve(store) });
    return { out: b.stdout(), err: b.stderr() };
  };
  const version = (store: Store) => store.read(readVersion);

  it('creates the schema of an empty store and says from which version (--json)', async () => {
    const { path, store } = await unmigrated('new.db');
    expect(await version(store)).toBe(0);
    const r = await init(store, true);
    expect(JSON.parse(r.out)).toEqual({ engine: 'local', store: path, schemaVersion: LATEST_VERSION, migratedFrom: 0 });
    expect(r.err).toBe('');
    expect(await version(store)).toBe(LATEST_VERSION);
  });

  it('is idempotent: on a current store it changes nothing and says it is ready', async () => {
    const { path, store } = await unmigrated('again.db');
    await init(store);
    const r = await init(store);
    expect(r.out).toBe('');
    expect(r.err).toBe(`✓ Store ${path} is ready (schema version ${LATEST_VERSION}).\n`);
    expect(JSON.parse((await init(store, true)).out).migratedFrom).toBeNull();
  });

  it('migrates an older store, naming the version it came from', async () => {
    const { path, store } = await unmigrated('old.db');
    await store.write(async (tx) => {
      for (const sql of schemaScript(1)) await tx.exec(sql);
      await tx.run(`INSERT INTO platformctl_meta (key, value) VALUES ('schema_version', '1')`);
    });
    const r = await init(store);
    expect(r.err).toBe(`✓ Store ${path} is ready (schema version ${LATEST_VERSION}, migrated from 1).\n`);
    expect(await version(store)).toBe(LATEST_VERSION);
  });

  it('refuses a store newer than this build: SCHEMA_TOO_NEW (exit 7), left as it was', async () => {
    const { store } = await unmigrated('future.db');
    await init(store);
    await store.write((tx) => tx.run(`UPDATE platformctl_meta SET value = '999' WHERE key = 'schema_version'`));
    const e = await failure(init(store));
    expect(e).toMatchObject({ code: 'SCHEMA_TOO_NEW', exitCode: 7 });
    expect(e.message).toContain(`has schema version 999, newer than this platformctl knows (${LATEST_VERSION})`);
    expect(await version(store)).toBe(999);
  });
});
