import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run as accountStatus } from '../../../src/commands/account/status.js';
import { depsOf } from '../../../src/commands/command.js';
import { run as storeCheck } from '../../../src/commands/store/check.js';
import { run as storeInit } from '../../../src/commands/store/init.js';
import { createContext, type Context } from '../../../src/context.js';
import { LATEST_VERSION } from '../../../src/store/migrations/index.js';
import { parseLocation } from '../../../src/store/open.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';
import { ENGINES, failure, useFixture, type Fixture } from '../../helpers/services.js';

/**
 * Which stores a command refuses before it does anything, as the CLI opens them: through
 * the Context, for the use each command asks for (account show: 'use', migrated; store
 * check: 'inspect', as it is; store init: 'init', created if missing, not migrated). The
 * exit status a shell sees for one of them: test/e2e/store.test.ts.
 */

const noPrompts = {} as Prompter;

/** A Context as src/main.ts builds it, at `store`, with its own config and data directories under `dir`. */
function context(dir: string, store: string, o: { token?: string; json?: boolean } = {}): Context {
  return createContext({
    io: bufferIO().io,
    prompter: noPrompts,
    env: {
      XDG_DATA_HOME: join(dir, 'xdg-data'),
      XDG_CONFIG_HOME: join(dir, 'xdg-config'),
      ...(o.token ? { PLATFORMCTL_TOKEN: o.token } : {}),
    },
    globals: { store, configDir: join(dir, 'config'), json: o.json },
  });
}

/** The three commands, each run through its own Context as the CLI runs it; what each failed with. */
async function everyUse(dir: string, store: string, token?: string) {
  const out: Record<string, Error & { code?: string; exitCode?: number }> = {};
  const runs: [string, (ctx: Context) => Promise<void>][] = [
    ['account show', (ctx) => accountShow(depsOf(ctx))],
    ['store check', (ctx) => storeCheck({ io: ctx.io, json: ctx.json, store: () => ctx.store('inspect') })],
    ['store init', (ctx) => storeInit({ io: ctx.io, json: ctx.json, store: () => ctx.store('init') })],
  ];
  for (const [name, runIt] of runs) {
    const ctx = context(dir, store, { token });
    try {
      out[name] = await failure(runIt(ctx));
    } finally {
      await ctx.close();
    }
  }
  return out;
}

/** Everything in the store, read through the fixture's own connection (both engines). */
async function dump(fx: Fixture): Promise<string> {
  const tables = await fx.read((r) =>
    r.tx.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`),
  );
  let s = JSON.stringify(await fx.read((r) => r.tx.all(`SELECT type, name, sql FROM sqlite_master ORDER BY name`)));
  for (const { name } of tables) s += JSON.stringify(await fx.read((r) => r.tx.all(`SELECT * FROM "${name}"`)));
  return s;
}

describe.each(ENGINES)('a store newer than this build, opened by a command, on %s', (engine) => {
  const fx = useFixture(engine);

  it('account show, store check and store init refuse it: SCHEMA_TOO_NEW (exit 7), the store left as it was', async () => {
    const ann = await fx().register('ann@example.com', 'Ann', 'Smith');
    await fx().sql(`UPDATE platformctl_meta SET value = '999' WHERE key = 'schema_version'`);
    const files = engine === 'local' ? [fx().path, `${fx().path}-wal`].filter((f) => existsSync(f)) : [];
    const bytes = () => files.map((f) => readFileSync(f).toString('base64'));
    const before = { dump: await dump(fx()), bytes: bytes() };
    const where = parseLocation(fx().location);
    const display = where.engine === 'local' ? where.path : where.display;

    const refused = await everyUse(fx().dir, fx().location, ann.token);
    for (const [name, e] of Object.entries(refused))
      expect(e, name).toMatchObject({
        code: 'SCHEMA_TOO_NEW',
        exitCode: 7,
        message: `The store ${display} has schema version 999, newer than this platformctl knows (${LATEST_VERSION}). Upgrade platformctl; the store was left untouched.`,
      });
    expect(Object.keys(refused)).toHaveLength(3);
    expect(await dump(fx())).toBe(before.dump);
    expect(bytes()).toEqual(before.bytes);
    await fx().sql(`UPDATE platformctl_meta SET value = :v WHERE key = 'schema_version'`, {
      v: String(LATEST_VERSION),
    });
  });
});

// What a location names is decided before any engine is reached; a file that is not a
// database is a local-file matter: neither depends on the engine.
describe('store locations that are not a store', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a file that is not SQLite: STORE_CORRUPT (exit 7) with a clear message for every use, the file unchanged, nothing beside it', async () => {
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'these are my notes, not a database\n'.repeat(200));
    const before = readFileSync(bad);
    const refused = await everyUse(dir, bad);
    for (const [name, e] of Object.entries(refused))
      expect(e, name).toMatchObject({
        code: 'STORE_CORRUPT',
        exitCode: 7,
        message: `The store ${bad} is not a readable SQLite database (file is not a database).`,
      });
    expect(Object.keys(refused)).toHaveLength(3);
    expect(readFileSync(bad).equals(before)).toBe(true);
    for (const side of ['-wal', '-shm', '-journal']) expect(existsSync(bad + side), side).toBe(false);
  });

  it('a URL scheme platformctl does not speak is USAGE (exit 2), whatever its case; a path with a colon is a path', async () => {
    const status = context(dir, 'ftp://x');
    const e = await failure(
      accountStatus({
        ...depsOf(status),
        config: status.config,
        storeKey: () => status.location().key,
        fromEnv: false,
      }),
    );
    expect(e).toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message:
        'The store location has an unknown URL scheme "ftp:". A store is a path, file:<path>, or a URL with libsql:, http:, https:, ws: or wss:.',
    });
    await status.close();
    const sftp = context(dir, 'SFTP://host/x.db');
    expect(await failure(storeInit({ io: sftp.io, json: false, store: () => sftp.store('init') }))).toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: expect.stringContaining('unknown URL scheme "SFTP:"'),
    });
    await sftp.close();

    const colon = join(dir, 'a:b.db');
    const b = bufferIO();
    const ctx = context(dir, colon, { json: true });
    try {
      await storeInit({ io: b.io, json: true, store: () => ctx.store('init') });
    } finally {
      await ctx.close();
    }
    expect(JSON.parse(b.stdout())).toEqual({
      engine: 'local',
      store: colon,
      schemaVersion: LATEST_VERSION,
      migratedFrom: 0,
    });
    expect(existsSync(colon)).toBe(true);
  });
});
