import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { PlatformError } from '../../src/errors.js';
import { openStore, parseLocation } from '../../src/store/open.js';
import { APPLICATION_ID } from '../../src/store/local-path.js';
import { bufferIO } from '../helpers/io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'platformctl-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The error an open fails with (and that it fails). */
async function refusal(p: Promise<unknown>): Promise<PlatformError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

describe('openStore on local paths', () => {
  it('refuses a missing file unless it may create it, and creates nothing', async () => {
    const where = join(dir, 'sub', 'x.db');
    const e = await refusal(openStore(parseLocation(where, 'flag'), { create: false }));
    expect([e.code, e.message]).toEqual([
      'STORE_UNAVAILABLE',
      `There is no store at ${where}. Create it with \`platformctl store init\` or \`platformctl account register\`, or check the location for a typo (the location comes from --store).`,
    ]);
    expect(existsSync(join(dir, 'sub'))).toBe(false);
    const store = await openStore(parseLocation(where), { create: true });
    await store.close();
    expect(readFileSync(where).readUInt32BE(68), 'stamped with the application id').toBe(APPLICATION_ID);
  });

  it('refuses an empty file or one with no tables unless it may create, leaving it as it is', async () => {
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    expect((await refusal(openStore(parseLocation(empty), { create: false }))).message).toMatch(
      /is empty: it has not been initialised/,
    );
    expect(readFileSync(empty).length).toBe(0);
    const bare = join(dir, 'bare.db');
    new Database(bare).exec('VACUUM');
    const before = readFileSync(bare);
    expect((await refusal(openStore(parseLocation(bare), { create: false }))).code).toBe('STORE_UNAVAILABLE');
    expect(readFileSync(bare).equals(before)).toBe(true);
  });

  it.each([
    [
      'a dangling symlink',
      (p: string) => symlinkSync(join(dir, 'nowhere'), p),
      /is a symbolic link to .*nowhere, which does not exist/,
    ],
    ['a symlink loop', (p: string) => symlinkSync(p, p), /cannot be followed: too many levels of symbolic links/],
    ['a directory', (p: string) => mkdirSync(p), /is a directory, not a store file/],
    ['a FIFO', (p: string) => void execFileSync('mkfifo', [p]), /is a FIFO \(named pipe\), not a store file/],
  ])('refuses %s even when it may create, touching nothing', async (_what, make, message) => {
    const p = join(dir, 'x.db');
    make(p);
    const before = readdirSync(dir);
    for (const create of [false, true]) {
      const e = await refusal(openStore(parseLocation(p), { create }));
      expect(e.code).toBe('STORE_UNAVAILABLE');
      expect(e.message).toMatch(message);
    }
    expect(readdirSync(dir)).toEqual(before);
  });

  it('refuses a foreign WAL-mode database without creating -wal or -shm beside it', async () => {
    const p = join(dir, 'other.db');
    const db = new Database(p);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE notes (x)');
    db.close();
    const before = readFileSync(p);
    const e = await refusal(openStore(parseLocation(p), { create: true }));
    expect([e.code, e.message]).toEqual([
      'STORE_CORRUPT',
      `The store ${p} is a SQLite database of another program, not a platformctl store; it was left untouched.`,
    ]);
    expect(readdirSync(dir)).toEqual(['other.db']);
    expect(readFileSync(p).equals(before)).toBe(true);
  });
});

describe('stores made before the application id', () => {
  it.each([
    ['WAL', 'WAL'],
    ['rollback-journal', 'DELETE'],
  ])('a %s store without it is verified read-only, opened, and stamped', async (_mode, journal) => {
    const p = join(dir, 'old.db');
    const made = await openStore(parseLocation(p), { create: true });
    await made.close();
    const raw = new Database(p);
    raw.pragma('application_id = 0');
    raw.pragma(`journal_mode = ${journal}`);
    raw.close();
    expect(readFileSync(p).readUInt32BE(68)).toBe(0);
    expect(readdirSync(dir)).toEqual(['old.db']);
    const store = await openStore(parseLocation(p), { create: false });
    await store.close();
    expect(readFileSync(p).readUInt32BE(68)).toBe(APPLICATION_ID);
  });

  it('a look that must not write (inspect) leaves it unstamped', async () => {
    const p = join(dir, 'old.db');
    await (await openStore(parseLocation(p), { create: true })).close();
    const raw = new Database(p);
    raw.pragma('application_id = 0');
    raw.close();
    await (await openStore(parseLocation(p), { create: false, migrate: false })).close();
    expect(readFileSync(p).readUInt32BE(68)).toBe(0);
  });
});

describe('the Context decides which commands create a store', () => {
  const ctx = (store: string | undefined, env: NodeJS.ProcessEnv = {}) =>
    createContext({
      io: bufferIO().io,
      prompter: {} as never,
      env: { XDG_DATA_HOME: join(dir, 'xdg'), XDG_CONFIG_HOME: join(dir, 'cfg'), ...env },
      globals: { store },
    });

  it("'use' at a --store, PLATFORMCTL_STORE or config location refuses a missing store", async () => {
    const missing = join(dir, 'missing.db');
    expect((await refusal(ctx(missing).store())).message).toContain('(the location comes from --store)');
    expect((await refusal(ctx(undefined, { PLATFORMCTL_STORE: missing }).store('use'))).message).toContain(
      '(the location comes from PLATFORMCTL_STORE)',
    );
    expect((await refusal(ctx(missing).store('inspect'))).code).toBe('STORE_UNAVAILABLE');
    expect(existsSync(missing)).toBe(false);
  });

  it("'create' and 'init' create it; 'use' creates only the embedded default", async () => {
    for (const use of ['create', 'init'] as const) {
      const c = ctx(join(dir, `${use}.db`));
      await c.store(use);
      await c.close();
      expect(existsSync(join(dir, `${use}.db`)), use).toBe(true);
    }
    const c = ctx(undefined);
    await c.store();
    await c.close();
    expect(existsSync(join(dir, 'xdg', 'platformctl', 'platform.db'))).toBe(true);
    const inspect = ctx(undefined, { XDG_DATA_HOME: join(dir, 'xdg2') });
    expect((await refusal(inspect.store('inspect'))).code).toBe('STORE_UNAVAILABLE');
    expect(existsSync(join(dir, 'xdg2'))).toBe(false);
  });
});
