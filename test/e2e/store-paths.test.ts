import Database from 'better-sqlite3';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, engines, PASSWORD, useStore, type RunResult, type TestStore } from './harness.js';
import { cannotRun } from '../helpers/cannot-run.js';
import { dumpStore } from './store-dump.js';
import { HostileProxy } from './hostile-proxy.js';

/** Generous: a refused path answers in well under a second; only a hang reaches this. */
const HANG = 15_000;
const isRoot = process.getuid?.() === 0;
/** Device nodes need root with CAP_MKNOD (CI runs as root; some containers drop the capability). */
const canMknod = (() => {
  if (!isRoot) return false;
  const probe = join(mkdtempSync(join(tmpdir(), 'platformctl-mknod-')), 'null');
  try {
    execFileSync('mknod', [probe, 'c', '1', '3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dirname(probe), { recursive: true, force: true });
  }
})();
const SIDES = ['-journal', '-wal', '-shm'];

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Everything about a path a command must leave as it was (devices: their identity only). */
function fingerprint(path: string): string {
  let s;
  try {
    s = lstatSync(path);
  } catch {
    return 'missing';
  }
  if (s.isCharacterDevice() || s.isBlockDevice()) return JSON.stringify({ dev: s.rdev, ino: s.ino, mode: s.mode });
  return JSON.stringify({
    mode: s.mode,
    uid: s.uid,
    size: s.size,
    mtime: s.mtimeMs,
    ctime: s.ctimeMs,
    ino: s.ino,
    link: s.isSymbolicLink() ? readlinkSync(path) : undefined,
    hash: s.isFile() ? sha(path) : undefined,
  });
}

const listing = (dir: string) => readdirSync(dir).sort();

/** `platformctl __complete` as the shell scripts call it on TAB. */
function complete(store: string, configDir: string) {
  return execa('node', [BIN, '__complete', '--store', store, '--config-dir', configDir, 'company', 'switch', ''], {
    reject: false,
    timeout: HANG,
  });
}

const REGISTER = [
  'account',
  'register',
  '--email',
  'new@example.com',
  '--first-name',
  'New',
  '--last-name',
  'User',
  '--password-stdin',
];

/** Every kind of command against one location: reads, writes, both creating ones, check, backup. */
async function everyCommand(t: TestStore, store: string): Promise<{ args: string[]; r: RunResult }[]> {
  const backup = join(t.dir, 'never-written-backup.db');
  const lines: { args: string[]; input?: string }[] = [
    { args: ['account', 'show'] },
    { args: ['member', 'list'] },
    { args: ['store', 'check'] },
    { args: ['store', 'init'] },
    { args: ['store', 'backup', backup] },
    { args: REGISTER, input: `${PASSWORD}\n` },
  ];
  const out = [];
  // Two at a time: the machine is shared.
  for (let i = 0; i < lines.length; i += 2) {
    out.push(
      ...(await Promise.all(
        lines.slice(i, i + 2).map(async ({ args, input }) => ({
          args,
          r: await t.run(['--store', store, ...args], { input, timeout: HANG }),
        })),
      )),
    );
  }
  expect(existsSync(backup), 'no backup was written').toBe(false);
  return out;
}

function expectRefused(results: { args: string[]; r: RunResult }[], message: RegExp, code = 7) {
  for (const { args, r } of results) {
    const what = args.slice(0, 2).join(' ');
    expect(r.timedOut, `${what} hung`).toBe(false);
    expect(r.exitCode, `${what}: ${r.stderr}`).toBe(code);
    expect(r.stdout, what).toBe('');
    expect(r.stderr, what).toMatch(message);
    expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
  }
}

// Paths, symlinks, FIFOs and devices are local-file concepts: the remote engine has none.
describe('odd local store paths are refused at once and left as they were', () => {
  const fresh = useStore('local');

  /** Makes `odd/<name>` with `make`, runs every command (and a TAB) on it, checks nothing changed. */
  async function refusedUntouched(make: (path: string, odd: string) => void | (() => void), message: RegExp) {
    const t = await fresh();
    await t.run(['store', 'init']); // the harness checks t.store afterwards
    const odd = join(t.dir, 'odd');
    mkdirSync(odd);
    const path = join(odd, 'store.db');
    const cleanup = make(path, odd);
    try {
      const before = { listing: listing(odd), print: fingerprint(path) };
      expectRefused(await everyCommand(t, path), message);
      const tab = await complete(path, join(t.dir, 'config-tab'));
      expect(tab.timedOut).toBe(false);
      expect(tab.exitCode).toBe(0);
      expect(tab.stdout).toBe(':none');
      expect(listing(odd), 'no file appears beside it').toEqual(before.listing);
      expect(fingerprint(path)).toBe(before.print);
    } finally {
      if (typeof cleanup === 'function') cleanup();
    }
  }

  it('a dangling symlink (also through a missing directory)', async () => {
    await refusedUntouched(
      (p) => symlinkSync('nowhere/platform.db', p),
      /^error: The store .*store\.db is a symbolic link to nowhere\/platform\.db, which does not exist\./,
    );
  });

  it('a symlink loop', async () => {
    await refusedUntouched((p, odd) => {
      symlinkSync(join(odd, 'other'), p);
      symlinkSync(p, join(odd, 'other'));
    }, /^error: The store .*store\.db is a symbolic link to .* that cannot be followed: too many levels of symbolic links/);
  });

  it('a FIFO (and a symlink to one)', async () => {
    await refusedUntouched((p) => {
      execFileSync('mkfifo', [p]);
    }, /^error: The store .*store\.db is a FIFO \(named pipe\), not a store file\.$/m);
    await refusedUntouched((p, odd) => {
      execFileSync('mkfifo', [join(odd, 'fifo')]);
      symlinkSync(join(odd, 'fifo'), p);
    }, /is a symbolic link to a FIFO \(named pipe\), not a store file\./);
  });

  it('a directory', async () => {
    await refusedUntouched((p) => mkdirSync(p), /^error: The store .*store\.db is a directory, not a store file\.$/m);
  });

  it('a socket', async () => {
    let server: Server | undefined;
    await refusedUntouched((p) => {
      server = createServer().listen(p);
      execFileSync('sh', ['-c', `for i in $(seq 50); do [ -S '${p}' ] && exit 0; sleep 0.05; done; exit 1`]);
      return () => server?.close();
    }, /^error: The store .*store\.db is a socket, not a store file\.$/m);
  });

  it('a character device made with mknod (needs root with CAP_MKNOD)', async (ctx) => {
    if (!canMknod) cannotRun(ctx, 'making a device node needs root with CAP_MKNOD', 'privilege');
    await refusedUntouched((p) => {
      execFileSync('mknod', [p, 'c', '1', '3']);
    }, /^error: The store .*store\.db is a character device, not a store file\.$/m);
  });

  it('/dev/null itself: no -journal, -wal or -shm beside it', async () => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const before = SIDES.map((s) => existsSync('/dev/null' + s));
    const print = fingerprint('/dev/null');
    expectRefused(await everyCommand(t, '/dev/null'), /^error: The store \/dev\/null is a character device/);
    expect((await complete('/dev/null', join(t.dir, 'c'))).stdout).toBe(':none');
    expect(SIDES.map((s) => existsSync('/dev/null' + s))).toEqual(before);
    expect(fingerprint('/dev/null')).toBe(print);
  });

  /** Runs `account show` on the store as the unprivileged user nobody (root ignores permissions). */
  function asNobody(t: TestStore, store: string) {
    const cfg = join(t.dir, 'config-nobody');
    mkdirSync(cfg, { recursive: true, mode: 0o700 });
    chownSync(cfg, 65534, 65534);
    return execa(
      'setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        'node',
        BIN,
        '--store',
        store,
        '--config-dir',
        cfg,
        'account',
        'show',
      ],
      { reject: false, timeout: HANG, env: { PLATFORMCTL_TOKEN: 'pct_whatever' } },
    );
  }

  // Root reads any file: the refusal is seen as nobody, which needs root to switch to.
  it('a store file this user may not read, and one in a directory it may not enter (as nobody)', async (ctx) => {
    if (!isRoot) cannotRun(ctx, 'running a command as nobody needs root', 'privilege');
    const t = await fresh();
    await t.seed('ann@example.com');
    chmodSync(t.dir, 0o755);
    const unreadable = join(t.dir, 'unreadable.db');
    execFileSync('cp', [t.store, unreadable]);
    chmodSync(unreadable, 0o000);
    const closed = join(t.dir, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    const inside = join(closed, 'platform.db');
    execFileSync('cp', [t.store, inside]);
    const before = [fingerprint(unreadable), fingerprint(inside)];
    const [a, b] = await Promise.all([asNobody(t, unreadable), asNobody(t, inside)]);
    expect(a.timedOut).toBe(false);
    expect(a.exitCode, a.stderr).toBe(7);
    expect(a.stderr).toBe(`error: The store ${unreadable} cannot be read by this user: permission denied.`);
    expect(b.exitCode, b.stderr).toBe(7);
    expect(b.stderr).toBe(`error: The store ${inside} cannot be reached: permission denied.`);
    expect([fingerprint(unreadable), fingerprint(inside)]).toEqual(before);
    expect(listing(t.dir).filter((n) => /unreadable\.db-/.test(n))).toEqual([]);
    expect(listing(closed)).toEqual(['platform.db']);
  });

  async function foreignUntouched(wal: boolean) {
    const t = await fresh();
    await t.run(['store', 'init']);
    const odd = join(t.dir, 'odd');
    mkdirSync(odd);
    const path = join(odd, 'notes.db');
    const db = new Database(path);
    if (wal) db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine')`);
    db.close();
    expect(listing(odd), 'the test starts with the file alone').toEqual(['notes.db']);
    const before = fingerprint(path);
    expect(readFileSync(path)[18], 'header journal mode').toBe(wal ? 2 : 1);
    expectRefused(
      await everyCommand(t, path),
      /^error: The store .*notes\.db is a SQLite database of another program, not a platformctl store; it was left untouched\.$/m,
    );
    expect((await complete(path, join(t.dir, 'c'))).stdout).toBe(':none');
    expect(listing(odd), 'no -journal, -wal or -shm appears').toEqual(['notes.db']);
    expect(fingerprint(path), 'byte for byte, header included').toBe(before);
  }

  it('a SQLite database of another program (rollback journal) stays byte for byte, for every command and a TAB', async () => {
    await foreignUntouched(false);
  });

  it('a SQLite database of another program in WAL mode stays byte for byte, with no -wal/-shm created', async () => {
    await foreignUntouched(true);
  });
});

describe('which commands create a local store', () => {
  const fresh = useStore('local');

  it('a typo in --store creates nothing: exit 7 "There is no store at PATH" for reading and writing commands', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const typo = t.store.replace(/\.db$/, '.bd');
    const nested = join(t.dir, 'nodir', 'platform.db');
    for (const [where, args] of [
      [typo, ['account', 'show']],
      [typo, ['member', 'invite', 'x@example.com', '--role', 'DESIGNER']],
      [nested, ['store', 'check']],
      [nested, ['company', 'list']],
    ] as const) {
      const r = await ann.run(['--store', where, ...args], { timeout: HANG });
      expect(r.exitCode, r.stderr).toBe(7);
      expect(r.stderr).toBe(
        `error: There is no store at ${where}. Create it with \`platformctl store init\` or \`platformctl account register\`, or check the location for a typo (the location comes from --store).`,
      );
    }
    const login = await t.run(['--store', typo, 'account', 'login', '--email', 'ann@example.com', '--password-stdin'], {
      input: `${PASSWORD}\n`,
    });
    expect(login.exitCode, login.stderr).toBe(7);
    const j = await t.run(['--store', typo, '--json', 'company', 'list']);
    expect(JSON.parse(j.stderr).error.code).toBe('STORE_UNAVAILABLE');
    expect(existsSync(typo)).toBe(false);
    expect(existsSync(join(t.dir, 'nodir'))).toBe(false);
  });

  it('the message names where a missing location came from: PLATFORMCTL_STORE or the config key', async () => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const missing = join(t.dir, 'missing.db');
    const env = { PLATFORMCTL_STORE: undefined, XDG_DATA_HOME: join(t.dir, 'xdg') };
    const fromEnv = await execa('node', [BIN, '--config-dir', join(t.dir, 'c1'), 'account', 'show'], {
      reject: false,
      env: { ...env, PLATFORMCTL_STORE: missing },
    });
    expect(fromEnv.exitCode).toBe(7);
    expect(fromEnv.stderr).toContain('(the location comes from PLATFORMCTL_STORE)');
    mkdirSync(join(t.dir, 'c2'));
    writeFileSync(join(t.dir, 'c2', 'config.json'), JSON.stringify({ store: missing }));
    const fromConfig = await execa('node', [BIN, '--config-dir', join(t.dir, 'c2'), 'account', 'show'], {
      reject: false,
      env,
    });
    expect(fromConfig.exitCode).toBe(7);
    expect(fromConfig.stderr).toContain('(the location comes from the config key `store`)');
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(t.dir, 'xdg'))).toBe(false);
  });

  it('account register creates a missing store (0600) and its directory (0700)', async () => {
    const t = await fresh();
    const where = join(t.dir, 'new', 'dir', 'platform.db');
    const r = await t.run(['--store', where, ...REGISTER], { input: `${PASSWORD}\n` });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statSync(where).mode & 0o777).toBe(0o600);
    expect(statSync(join(t.dir, 'new')).mode & 0o777).toBe(0o700);
    await t.run(['store', 'init']);
  });

  it('the embedded default store is still created on first use, by any command', async () => {
    const t = await fresh();
    const xdg = join(t.dir, 'xdg');
    const r = await execa('node', [BIN, '--config-dir', join(t.dir, 'c'), 'account', 'show'], {
      reject: false,
      env: { PLATFORMCTL_STORE: undefined, PLATFORMCTL_TOKEN: undefined, XDG_DATA_HOME: xdg },
    });
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/not signed in/);
    const created = join(xdg, 'platformctl', 'platform.db');
    expect(statSync(created).mode & 0o777).toBe(0o600);
    const check = await t.run(['--store', created, 'store', 'check']);
    expect(check.exitCode, check.stderr).toBe(0);
    await t.run(['store', 'init']);
  });

  it('an empty file is "not initialised" (exit 7, still empty) until store init sets it up', async () => {
    const t = await fresh();
    const empty = join(t.dir, 'empty.db');
    writeFileSync(empty, '', { mode: 0o600 });
    for (const args of [
      ['account', 'show'],
      ['store', 'check'],
      ['store', 'backup', join(t.dir, 'b.db')],
    ]) {
      const r = await t.run(['--store', empty, ...args]);
      expect(r.exitCode, args.join(' ')).toBe(7);
      expect(r.stderr).toBe(
        `error: The store ${empty} is empty: it has not been initialised. Run \`platformctl store init\` (or \`platformctl account register\`) to set it up.`,
      );
    }
    expect(statSync(empty).size).toBe(0);
    expect(listing(t.dir).filter((n) => n.startsWith('empty.db'))).toEqual(['empty.db']);
    const init = await t.run(['--store', empty, 'store', 'init']);
    expect(init.exitCode, init.stderr).toBe(0);
    await t.run(['store', 'init']);
  });

  it('a symlink to a store is followed: the link stays a link and SQLite files go beside the real file', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const token = (await ann.json(['account', 'token', 'create', '--name', 'link'])).token as string;
    mkdirSync(join(t.dir, 'links'));
    const link = join(t.dir, 'links', 'store.db');
    symlinkSync(t.store, link);
    const show = await ann.run(['--store', link, '--json', 'account', 'show'], { token });
    expect(show.exitCode, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).currentCompany.name).toBe('Smith Company');
    const invite = await ann.run(['--store', link, 'member', 'invite', 'bob@example.com', '--role', 'DESIGNER'], {
      token,
    });
    expect(invite.exitCode, invite.stderr).toBe(0);
    expect(readlinkSync(link)).toBe(t.store);
    expect(listing(join(t.dir, 'links'))).toEqual(['store.db']);
  });
});

function objects(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare(`SELECT type, name FROM sqlite_master ORDER BY type, name`).all() as { type: string; name: string }[]
    ).map((o) => `${o.type} ${o.name}`);
  } finally {
    db.close();
  }
}

describe.each(engines())('store backup destinations on %s', (engine) => {
  const fresh = useStore(engine);

  it('never writes through a symlink (dangling or not) nor over a leftover -wal: exit 6, nothing changed', async () => {
    const t = await fresh();
    await t.seed('ann@example.com');
    const dangling = join(t.dir, 'dangling.db');
    symlinkSync(join(t.dir, 'target.db'), dangling);
    const r = await t.run(['--json', 'store', 'backup', dangling], { timeout: HANG });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(6);
    expect(JSON.parse(r.stderr).error).toEqual({
      code: 'ALREADY_EXISTS',
      message: `${dangling} already exists as a symbolic link (to ${join(t.dir, 'target.db')}); a backup never writes through a link. Choose a new file for the backup.`,
    });
    expect(existsSync(join(t.dir, 'target.db'))).toBe(false);
    expect(readlinkSync(dangling)).toBe(join(t.dir, 'target.db'));

    const victim = join(t.dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(t.dir, 'to-victim.db'));
    const onLink = await t.run(['store', 'backup', join(t.dir, 'to-victim.db')]);
    expect(onLink.exitCode).toBe(6);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');

    writeFileSync(join(t.dir, 'stale.db-wal'), 'a stale write-ahead log');
    const stale = await t.run(['store', 'backup', join(t.dir, 'stale.db')]);
    expect(stale.exitCode).toBe(6);
    expect(stale.stderr).toContain('stale.db-wal already exists');
    expect(existsSync(join(t.dir, 'stale.db'))).toBe(false);

    writeFileSync(join(t.dir, 'file'), '');
    const notDir = await t.run(['store', 'backup', join(t.dir, 'file', 'b.db')]);
    expect(notDir.exitCode).toBe(2);
    expect(notDir.stderr).toMatch(
      /^error: The backup file .* cannot be created: a part of the path exists but is not a directory\.$/m,
    );
  });

  it('copies every table exactly (ids, high-water marks, identity, triggers) into a store that works', async () => {
    const t = await fresh();
    const [ann] = await t.seedMany([{ email: 'ann@example.com' }, { email: 'bob@example.com' }] as const);
    expect(
      (await ann.run(['member', 'invite', 'bob@example.com', 'carol@example.com', '--role', 'DESIGNER'])).exitCode,
    ).toBe(0);
    const path = join(t.dir, 'copy.db');
    const r = await t.run(['store', 'backup', path]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await dumpStore('local', path)).toEqual(await dumpStore(engine, t.store));
    // The same schema objects (triggers included) as a store this build initialises.
    const ref = join(t.dir, 'ref.db');
    expect((await t.run(['--store', ref, 'store', 'init'])).exitCode).toBe(0);
    expect(objects(path)).toEqual(objects(ref));
    expect(objects(path).filter((o) => o.startsWith('trigger')).length).toBeGreaterThan(0);
    const check = await t.run(['--store', path, 'store', 'check']);
    expect(check.exitCode, check.stderr).toBe(0);
  });
});

describe.runIf(engines().includes('libsql'))('remote stores are never created nor trusted by a read', () => {
  const fresh = useStore('libsql');

  async function remoteTables(t: TestStore): Promise<string[]> {
    const { createClient } = await import('@libsql/client');
    const c = createClient({ url: t.store });
    try {
      const rs = await c.execute(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'libsql%' AND name NOT LIKE 'sqlite%' ORDER BY name`,
      );
      return rs.rows.map((r) => String(r[0]));
    } finally {
      c.close();
    }
  }

  async function rawRemote(t: TestStore, sql: string): Promise<void> {
    const { createClient } = await import('@libsql/client');
    const c = createClient({ url: t.store });
    try {
      await c.execute(sql);
    } finally {
      c.close();
    }
  }

  it('a read on an empty database says it is not initialised (exit 7) and creates no table; register does', async () => {
    const t = await fresh();
    for (const args of [
      ['account', 'show'],
      ['store', 'check'],
      ['company', 'list'],
    ]) {
      const r = await t.run(args, { timeout: HANG });
      expect(r.exitCode, r.stderr).toBe(7);
      expect(r.stderr).toBe(
        `error: The store ${t.store}/ is empty: it has not been initialised. Run \`platformctl store init\` (or \`platformctl account register\`) to set it up.`,
      );
    }
    const login = await t.run(['account', 'login', '--email', 'a@example.com', '--password-stdin'], {
      input: `${PASSWORD}\n`,
    });
    expect(login.exitCode).toBe(7);
    expect((await complete(t.store, join(t.dir, 'c'))).stdout).toBe(':none');
    expect(await remoteTables(t)).toEqual([]);
    const reg = await t.run(REGISTER, { input: `${PASSWORD}\n` });
    expect(reg.exitCode, reg.stderr).toBe(0);
    expect(await remoteTables(t)).toContain('users');
  });

  it('backup refuses a server whose schema differs from what platformctl builds (exit 7), writing nothing', async () => {
    const t = await fresh();
    await t.seed('ann@example.com');
    const path = join(t.dir, 'copy.db');
    await rawRemote(t, 'CREATE TABLE evil (x)');
    const extra = await t.run(['--json', 'store', 'backup', path]);
    expect(extra.exitCode, extra.stderr).toBe(7);
    expect(JSON.parse(extra.stderr).error).toEqual({
      code: 'STORE_CORRUPT',
      message: expect.stringContaining('it has table evil on evil, which platformctl does not create'),
    });
    await rawRemote(t, 'DROP TABLE evil');
    await rawRemote(t, 'ALTER TABLE users ADD COLUMN note TEXT');
    const column = await t.run(['store', 'backup', path]);
    expect(column.exitCode, column.stderr).toBe(7);
    expect(column.stderr).toMatch(
      /the columns of table users differ\. Refusing to back it up; nothing was written\.$/m,
    );
    expect(listing(t.dir).filter((n) => n.startsWith('copy.db'))).toEqual([]);
    await rawRemote(t, 'ALTER TABLE users DROP COLUMN note');
  });

  it('a server that forges sqlite_master (SQL that would ATTACH a file) gets exit 7: nothing is executed or written', async () => {
    const t = await fresh();
    await t.seed('ann@example.com');
    const pwned = join(t.dir, 'pwned.db');
    const proxy = await new HostileProxy(t.sqld!.port, pwned).start();
    try {
      const path = join(t.dir, 'copy.db');
      const r = await t.run(['--store', proxy.url, 'store', 'backup', path], { timeout: HANG });
      expect(proxy.forged, 'the proxy forged an answer').toBeGreaterThan(0);
      expect(existsSync(pwned), 'the ATTACH never ran').toBe(false);
      expect(r.exitCode, r.stderr).toBe(7);
      expect(r.stderr).toMatch(/does not have the schema platformctl builds for version \d+: it has table pwn on pwn/);
      expect(listing(t.dir).filter((n) => n.startsWith('copy.db') || n.startsWith('pwned'))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

// The config file is read the same way whatever the engine: one engine is enough.
describe('a tampered config file', () => {
  const fresh = useStore('local');

  const cases: [string, (file: string) => void, RegExp][] = [
    [
      'a token that is a number',
      (f) => writeFileSync(f, JSON.stringify({ sessions: { x: { token: 987654321, email: 'a@example.com' } } })),
      /has sessions\["x"\]\.token that is not a string/,
    ],
    [
      'a token that is an object',
      (f) => writeFileSync(f, JSON.stringify({ sessions: { x: { token: { a: 1 }, email: 'a@example.com' } } })),
      /has sessions\["x"\]\.token that is not a string/,
    ],
    ['a file holding null', (f) => writeFileSync(f, 'null'), /must hold a JSON object, not null/],
    ['"store": 123', (f) => writeFileSync(f, '{"store": 123}'), /has a "store" that is not a string/],
    ['"storeToken": true', (f) => writeFileSync(f, '{"storeToken": true}'), /has a "storeToken" that is not a string/],
    ['broken JSON', (f) => writeFileSync(f, '{"sessions": {'), /is not valid JSON/],
    ['a FIFO', (f) => execFileSync('mkfifo', [f]), /is a FIFO \(named pipe\), not a regular file/],
    ['a directory', (f) => mkdirSync(f), /is a directory, not a regular file/],
  ];

  it.each(cases)('%s: exit 2 naming the file, at once, for reads and for writes', async (_name, make, message) => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const dir = join(t.dir, 'cfg');
    mkdirSync(dir);
    const file = join(dir, 'config.json');
    make(file);
    const before = fingerprint(file);
    const runs = await Promise.all([
      t.run(['account', 'show'], { configDir: dir, timeout: HANG }),
      t.run(['account', 'login', '--email', 'a@example.com', '--password-stdin'], {
        configDir: dir,
        input: `${PASSWORD}\n`,
        timeout: HANG,
      }),
    ]);
    for (const r of runs) {
      expect(r.timedOut).toBe(false);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: The config file ${file} `));
      expect(r.stderr).toMatch(message);
      expect(r.stderr, 'a value is never printed').not.toContain('987654321');
    }
    const j = await t.run(['--json', 'account', 'show'], { configDir: dir, timeout: HANG });
    expect(JSON.parse(j.stderr).error.code).toBe('USAGE');
    expect(fingerprint(file)).toBe(before);
  });

  it('an empty config file is an empty config', async () => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const dir = join(t.dir, 'cfg');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), '');
    const r = await t.run(['account', 'show'], { configDir: dir });
    expect(r.exitCode, r.stderr).toBe(3);
  });
});
