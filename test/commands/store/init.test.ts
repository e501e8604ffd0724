import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/store/init.js';
import { readVersion, schemaScript } from '../../../src/store/migrate.js';
import { LATEST_VERSION } from '../../../src/store/migrations/index.js';
import { openStore, parseLocation } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/types.js';
import { Sqld } from '../../e2e/sqld.js';
import { bufferIO } from '../../helpers/io.js';
import { ENGINES, failure } from '../../helpers/services.js';

describe.each(ENGINES)('store init run() on %s', (engine) => {
  let dir: string;
  const open: Store[] = [];
  const servers: Sqld[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  afterAll(async () => {
    for (const s of servers.splice(0)) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The store as the context hands it to init ('init': created if missing, not migrated):
   * a new local file, or an empty sqld server of its own. `where` is what init reports.
   */
  const unmigrated = async (name: string) => {
    let location = join(dir, name);
    if (engine === 'libsql') {
      const sqld = await new Sqld({ dataDir: join(dir, `sqld-${name}`) }).start();
      servers.push(sqld);
      location = sqld.url;
    }
    const loc = parseLocation(location);
    const store = await openStore(loc, { create: true, migrate: false });
    open.push(store);
    return { where: loc.engine === 'local' ? loc.path : loc.display, store };
  };
  const init = async (store: Store, json = false) => {
    const b = bufferIO();
    await run({ io: b.io, json, store: () => Promise.resolve(store) });
    return { out: b.stdout(), err: b.stderr() };
  };
  const version = (store: Store) => store.read(readVersion);

  it('creates the schema of an empty store and says from which version (--json); again, it changes nothing and says it is ready', async () => {
    const { where, store } = await unmigrated('new.db');
    expect(await version(store)).toBe(0);
    const r = await init(store, true);
    expect(JSON.parse(r.out)).toEqual({ engine, store: where, schemaVersion: LATEST_VERSION, migratedFrom: 0 });
    expect(r.err).toBe('');
    expect(await version(store)).toBe(LATEST_VERSION);

    const again = await init(store);
    expect(again.out).toBe('');
    expect(again.err).toBe(`✓ Store ${where} is ready (schema version ${LATEST_VERSION}).\n`);
    expect(JSON.parse((await init(store, true)).out)).toEqual({
      engine,
      store: where,
      schemaVersion: LATEST_VERSION,
      migratedFrom: null,
    });
  });

  it('migrates an older store, naming the version it came from', async () => {
    const { where, store } = await unmigrated('old.db');
    await store.write(async (tx) => {
      for (const sql of schemaScript(1)) await tx.exec(sql);
      await tx.run(`INSERT INTO platformctl_meta (key, value) VALUES ('schema_version', '1')`);
    });
    const r = await init(store);
    expect(r.err).toBe(`✓ Store ${where} is ready (schema version ${LATEST_VERSION}, migrated from 1).\n`);
    expect(await version(store)).toBe(LATEST_VERSION);
  });

  it('refuses a store newer than this build: SCHEMA_TOO_NEW (exit 7), left as it was', async () => {
    const { where, store } = await unmigrated('future.db');
    await init(store);
    await store.write((tx) => tx.run(`UPDATE platformctl_meta SET value = '999' WHERE key = 'schema_version'`));
    const e = await failure(init(store));
    expect(e).toMatchObject({
      code: 'SCHEMA_TOO_NEW',
      exitCode: 7,
      message: `The store ${where} has schema version 999, newer than this platformctl knows (${LATEST_VERSION}). Upgrade platformctl; the store was left untouched.`,
    });
    expect(await version(store)).toBe(999);
  });
});
