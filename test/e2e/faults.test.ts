import Database from 'better-sqlite3';
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, engines, useStore, type Engine, type TestStore, type User } from './harness.js';
import { dumpStore as dumpTables, type Dump } from './store-dump.js';
import { runAndKill, type KillPoint } from './kill.js';
import { LATEST_VERSION } from '../../src/store/migrations/index.js';
import { cannotRun } from '../helpers/cannot-run.js';

/** Every row of every table of the test's store. */
const dumpStore = (t: TestStore): Promise<Dump> => dumpTables(t.engine, t.store);

/**
 * Faults: a process killed mid-command, a store that cannot be written, a store held
 * by another process, a full disk, and a backup taken under writes. Each ends with
 * `store check` clean and the data exactly before or after the interrupted command.
 */

/** Drops every table of a remote store, leaving an empty database (schema 0). */
async function emptyRemote(url: string): Promise<void> {
  const { createClient } = await import('@libsql/client');
  const c = createClient({ url, intMode: 'number' });
  try {
    const rs = await c.execute(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'libsql_%'`,
    );
    // Children before parents, so no foreign key stands in the way.
    const order = ['memberships', 'invitations', 'tokens', 'audit_log', 'companies', 'users', 'plans'];
    const names = rs.rows
      .map((r) => String(r[0]))
      .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
    if (names.length)
      await c.batch(
        names.map((n) => `DROP TABLE "${n}"`),
        'write',
      );
  } finally {
    c.close();
  }
}

const rowsOf = (d: Dump, table: string) => (d[table] ?? []).map((s) => JSON.parse(s) as Record<string, unknown>);
const sortedJson = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

/**
 * What `account delete` of `userId` must leave: the user, their main company with every
 * membership and invitation in it, their other memberships and tokens gone; members whose
 * current company it was have none (null) until they switch; one new audit entry.
 */
function expectedAfterDelete(before: Dump, userId: number): Omit<Dump, 'audit_log'> {
  const company = rowsOf(before, 'companies').find((c) => c.owner_id === userId)!;
  const { audit_log: _audit, ...rest } = before;
  return {
    ...rest,
    users: sortedJson(
      rowsOf(before, 'users')
        .filter((u) => u.id !== userId)
        .map((u) => (u.current_company_id === company.id ? { ...u, current_company_id: null } : u)),
    ),
    companies: sortedJson(rowsOf(before, 'companies').filter((c) => c.id !== company.id)),
    memberships: sortedJson(
      rowsOf(before, 'memberships').filter((m) => m.company_id !== company.id && m.user_id !== userId),
    ),
    invitations: sortedJson(rowsOf(before, 'invitations').filter((i) => i.company_id !== company.id)),
    tokens: sortedJson(rowsOf(before, 'tokens').filter((k) => k.user_id !== userId)),
  };
}

/** 'before' or 'after' when the data is exactly one of them; throws otherwise. */
function classifyDelete(now: Dump, before: Dump, userId: number, email: string): 'before' | 'after' {
  if (JSON.stringify(now) === JSON.stringify(before)) return 'before';
  const { audit_log: _a, ...nowRest } = now;
  expect(nowRest, 'the store is neither the state before the delete nor the state after it').toEqual(
    expectedAfterDelete(before, userId),
  );
  const added = (now.audit_log ?? []).filter((a) => !(before.audit_log ?? []).includes(a)).map((s) => JSON.parse(s));
  expect(added).toHaveLength(1);
  expect(added[0]).toMatchObject({ action: 'account.delete', target: email });
  expect((before.audit_log ?? []).every((a) => now.audit_log!.includes(a))).toBe(true);
  return 'after';
}

/** The write-ahead log a commit writes into first: the local file's, or sqld's own. */
function walOf(t: TestStore): string {
  return t.engine === 'local' ? `${t.store}-wal` : join(t.sqld!.dataDir, 'dbs', 'default', 'data-wal');
}

/** Starts the CLI and SIGKILLs it at the kill point (see runAndKill); a finished run must succeed. */
async function killAt(
  t: TestStore,
  args: string[],
  env: Record<string, string>,
  point: KillPoint,
): Promise<'killed' | 'finished'> {
  const { outcome, result } = await runAndKill(t, args, env, point, { wal: walOf(t) });
  if (outcome === 'finished') expect(result.exitCode, result.stderr).toBe(0);
  return outcome;
}

/** Registers the owner plus two members, puts the owner's company on an unlimited plan and fills it. */
async function seedBigCompany(t: TestStore, pending: number) {
  const [ann, bob, cat] = await Promise.all([
    t.seed('ann@example.com', 'Ann', 'Owner'),
    t.seed('bob@example.com', 'Bob', 'Member'),
    t.seed('cat@example.com', 'Cat', 'Switcher'),
  ]);
  await ann.grantStaff('ann@example.com');
  // Ann deletes her account below: the last SUPPORT user may not, so she is not the last.
  await ann.grantStaff('bob@example.com');
  await ann.setPlan('Owner Company', 'ENTERPRISE');
  // One call invites many: all-or-nothing, so one transaction either way.
  const emails = Array.from({ length: pending }, (_, i) => `pending${i}@example.org`);
  for (let i = 0; i < emails.length; i += 5000) {
    const r = await ann.run(['member', 'invite', ...emails.slice(i, i + 5000), '--role', 'DESIGNER']);
    expect(r.exitCode, r.stderr).toBe(0);
  }
  expect(
    (await ann.run(['member', 'invite', 'bob@example.com', 'cat@example.com', '--role', 'MANAGER'])).exitCode,
  ).toBe(0);
  expect((await cat.run(['company', 'switch', 'Owner Company'])).exitCode).toBe(0);
  expect((await bob.run(['member', 'invite', 'ann@example.com', '--role', 'ADMINISTRATOR'])).exitCode).toBe(0);
  // Ann's session (a personal API token may not delete an account: docs/security.md).
  const token = ann.sessionToken!;
  const me = await ann.json(['account', 'show']);
  return { ann: ann, token, annId: me.user.id as number };
}

const engineList = engines();

describe.each(engineList)('faults on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('SIGKILL during `account delete` of a big company leaves exactly the before or the after state', async () => {
    const t = await fresh();
    // The remote engine pays a round trip per invited e-mail, so its company is smaller.
    const { token, annId } = await seedBigCompany(t, engine === 'local' ? 8_000 : 100);
    const env = { PLATFORMCTL_TOKEN: token };
    // Kill as the commit is being written to the log, then at growing delays, and
    // finally let it finish: the loop stops at the first run that completed the delete.
    // (sqld's log only grows once the server commits, so there only delays apply.)
    // A kill at 0 ms comes first: it always lands before the delete, so a commit that
    // outruns the WAL kills on a fast machine cannot leave the "before" side untested.
    const points: KillPoint[] = [
      { kind: 'delay', ms: 0 },
      ...(engine === 'local' ? [0, 0.5, 2].map((spinMs): KillPoint => ({ kind: 'wal', spinMs })) : []),
      ...(engine === 'local' ? [250, 350, 450, 600] : [300, 600, 900]).map((ms): KillPoint => ({ kind: 'delay', ms })),
      { kind: 'none' },
    ];
    const outcomes: string[] = [];
    const before = await dumpStore(t);
    for (const point of points) {
      const how = await killAt(t, ['--yes', 'account', 'delete'], env, point);
      // The next process recovers the log; the rules hold whatever the kill point was.
      await t.expectClean();
      const state = classifyDelete(await dumpStore(t), before, annId, 'ann@example.com');
      if (process.env.FAULTS_VERBOSE) console.log(new Date().toISOString(), point, how, state);
      outcomes.push(
        `${point.kind}:${'ms' in point ? point.ms : 'spinMs' in point ? point.spinMs : '-'}=${how}/${state}`,
      );
      if (state === 'after') break;
    }
    // Once the delete ran to the end the account is gone; a kill before that changed nothing.
    expect(outcomes.at(-1), outcomes.join(' ')).toMatch(/after$/);
    expect(
      outcomes.some((o) => /=killed\/before$/.test(o)),
      outcomes.join(' '),
    ).toBe(true);
    const r = await t.run(['account', 'show'], { token });
    expect(r.exitCode).toBe(3);
  });

  it('SIGKILL during `store init` of an empty store leaves schema 0 or the whole schema', async () => {
    const t = await fresh();
    const points: KillPoint[] = [
      ...(engine === 'local' ? [0, 0.2, 1].map((spinMs): KillPoint => ({ kind: 'wal', spinMs })) : []),
      ...(engine === 'local' ? [0, 200, 250, 300, 400] : [0, 250, 500]).map((ms): KillPoint => ({ kind: 'delay', ms })),
      { kind: 'none' },
    ];
    const seen: string[] = [];
    for (const point of points) {
      // Start every attempt from an empty store (schema 0).
      if (engine === 'local') {
        for (const s of ['', '-wal', '-shm']) rmSync(t.store + s, { force: true });
        writeFileSync(t.store, '', { mode: 0o600 });
      } else {
        await emptyRemote(t.store);
      }
      const how = await killAt(t, ['store', 'init'], {}, point);
      const d = await dumpStore(t);
      const tables = Object.keys(d).sort();
      if (tables.length === 0) {
        seen.push(`${how}/schema0`);
        // A store left at schema 0 is migrated by the next command.
        const r = await t.run(['store', 'init', '--json']);
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: LATEST_VERSION, migratedFrom: 0 });
      } else {
        seen.push(`${how}/schemaLatest`);
        expect(tables).toEqual([
          'audit_log',
          'bulk_runs',
          'companies',
          'id_high_water',
          'invitations',
          'login_throttle',
          'memberships',
          'plans',
          'platformctl_meta',
          'settings',
          'tokens',
          'users',
        ]);
        expect(rowsOf(d, 'platformctl_meta')).toContainEqual({ key: 'schema_version', value: String(LATEST_VERSION) });
        expect(d.plans).toHaveLength(4);
      }
      await t.expectClean();
    }
    expect(
      seen.some((s) => s === 'killed/schema0'),
      seen.join(' '),
    ).toBe(true);
    expect(
      seen.some((s) => s.endsWith('schemaLatest')),
      seen.join(' '),
    ).toBe(true);
  });

  it('`store backup` taken while another process writes is a consistent store', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Owner');
    await ann.grantStaff('ann@example.com');
    await ann.setPlan('Owner Company', 'ENTERPRISE');
    let stop = false;
    let writes = 0;
    const writer = (async () => {
      for (let i = 0; !stop && i < 40; i++) {
        const batch = Array.from({ length: engine === 'local' ? 400 : 20 }, (_, j) => `w${i}-${j}@example.org`);
        const r = await ann.run(['member', 'invite', ...batch, '--role', 'DESIGNER']);
        expect(r.exitCode, r.stderr).toBe(0);
        writes++;
      }
    })();
    const backups: string[] = [];
    for (let i = 0; i < (engine === 'local' ? 3 : 2); i++) {
      const path = join(t.dir, `backup-${i}.db`);
      const r = await t.run(['--json', 'store', 'backup', path]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ backup: path });
      backups.push(path);
    }
    stop = true;
    await writer;
    expect(writes).toBeGreaterThan(0);
    for (const path of backups) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const r = await execa('node', [BIN, '--store', path, '--json', 'store', 'check'], { reject: false });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, schemaVersion: LATEST_VERSION });
      // Restoring is opening the copy: it answers like the store it was taken from.
      const members = await execa(
        'node',
        [BIN, '--store', path, '--json', 'member', 'list', '--company', 'Owner Company'],
        { reject: false, env: { PLATFORMCTL_TOKEN: undefined } },
      );
      expect(members.exitCode).toBe(3); // sessions are in the copy, but not in this config dir
    }
    // A second backup to the same path is refused rather than overwriting it.
    const again = await t.run(['store', 'backup', backups[0]!]);
    expect(again.exitCode).toBe(6);
  });
});

/** The first line of what a failed command said, for a skip reason. */
const firstLine = (e: unknown) =>
  (String((e as { stderr?: Buffer }).stderr ?? '').trim() || (e as Error).message).split('\n')[0];

describe('faults of the local file', () => {
  const fresh = useStore('local');
  const mounts: string[] = [];
  afterEach(() => {
    for (const m of mounts.splice(0)) {
      try {
        execFileSync('umount', ['-l', m]);
      } catch {
        /* already gone */
      }
    }
  });

  async function seeded() {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Owner');
    return { t, ann };
  }

  /** Runs a writing command and checks it was refused with exit 7 and changed nothing. */
  async function expectRefused(t: TestStore, ann: User, message: RegExp, env: Record<string, string> = {}) {
    const r = await ann.run(['member', 'invite', 'x@example.org', 'y@example.org', '--role', 'DESIGNER'], { env });
    expect(r.exitCode, r.stderr).toBe(7);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }

  it('a read-only store file (read-only bind mount) refuses writes with exit 7 and changes nothing', async (ctx) => {
    const { t, ann } = await seeded();
    const before = await dumpStore(t);
    try {
      execFileSync('mount', ['--bind', t.dir, t.dir], { stdio: 'pipe' });
      mounts.push(t.dir);
      execFileSync('mount', ['-o', 'remount,bind,ro', t.dir], { stdio: 'pipe' });
    } catch (e) {
      cannotRun(ctx, `no read-only bind mount (needs root with CAP_SYS_ADMIN): ${firstLine(e)}`, 'privilege');
    }
    await expectRefused(t, ann, /^error: The store .* (is read-only|cannot be opened or written)/);
    execFileSync('umount', [t.dir]);
    mounts.pop();
    expect(await dumpStore(t)).toEqual(before);
  });

  it('a store directory without write permission refuses writes with exit 7 (run as nobody)', async (ctx) => {
    // Root can hand the store to nobody (chown) and run the command as nobody (setpriv).
    if (process.getuid?.() !== 0) cannotRun(ctx, 'not root: cannot chown the store nor run as nobody', 'privilege');
    const { t, ann } = await seeded();
    // Root ignores permissions, so the command runs as nobody: the file is theirs, the directory is not.
    const cfg = join(t.dir, 'config-nobody');
    mkdirSync(cfg, { mode: 0o700 });
    const token = (await ann.json(['account', 'token', 'create', '--name', 'nobody'])).token as string;
    execFileSync('chown', ['nobody', t.store, cfg]);
    chmodSync(t.dir, 0o755);
    const before = await dumpStore(t);
    const r = await execa(
      'setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        'node',
        BIN,
        '--store',
        t.store,
        '--config-dir',
        cfg,
        'member',
        'invite',
        'x@example.org',
        '--role',
        'DESIGNER',
      ],
      {
        reject: false,
        env: { PLATFORMCTL_TOKEN: token },
      },
    );
    expect(r.exitCode, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/^error: The store .* (is read-only|cannot be opened or written)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    execFileSync('chown', ['root', t.store]);
    expect(await dumpStore(t)).toEqual(before);
  });

  it('a store locked by another process longer than the busy timeout gives exit 7 STORE_BUSY', async () => {
    const { t, ann } = await seeded();
    const holder = new Database(t.store);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const before = JSON.stringify((holder.prepare('SELECT count(*) AS n FROM invitations').get() as { n: number }).n);
      const r = await ann.run(['--json', 'member', 'invite', 'x@example.org', '--role', 'DESIGNER'], {
        env: { PLATFORMCTL_BUSY_TIMEOUT_MS: '200' },
      });
      expect(r.exitCode, r.stderr).toBe(7);
      expect(JSON.parse(r.stderr)).toEqual({
        error: {
          code: 'STORE_BUSY',
          message: expect.stringMatching(/busy: another process held it longer than the busy timeout/),
        },
      });
      expect(r.stdout).toBe('');
      expect(JSON.stringify((holder.prepare('SELECT count(*) AS n FROM invitations').get() as { n: number }).n)).toBe(
        before,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    // Once the lock is released the same command goes through.
    expect((await ann.run(['member', 'invite', 'x@example.org', '--role', 'DESIGNER'])).exitCode).toBe(0);
  });

  it('a full disk (small tmpfs) refuses the write with exit 7 and leaves the store as it was', async (ctx) => {
    const { t, ann } = await seeded();
    const mnt = join(t.dir, 'small');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (e) {
      cannotRun(ctx, `no small tmpfs to fill (needs root with CAP_SYS_ADMIN): ${firstLine(e)}`, 'privilege');
    }
    mounts.push(mnt);
    // Copy the store onto the tiny file system and act through an API token.
    const token = (await ann.json(['account', 'token', 'create', '--name', 'disk'])).token as string;
    const store = join(mnt, 'platform.db');
    copyFileSync(t.store, store);
    const small = { ...t, store, engine: 'local' } as unknown as TestStore;
    const before = await dumpStore(small);
    // 1 MiB fills after a few thousand invitations written in one transaction.
    const emails = Array.from({ length: 6000 }, (_, i) => `full-${i}-${'x'.repeat(30)}@example.org`);
    const planSet = await execa('node', [BIN, '--store', store, 'staff', 'grant', 'ann@example.com'], {
      reject: false,
      env: { PLATFORMCTL_TOKEN: token },
    });
    expect(planSet.exitCode, planSet.stderr).toBe(0);
    expect(
      (
        await execa('node', [BIN, '--store', store, 'plan', 'set', 'Owner Company', 'ENTERPRISE'], {
          reject: false,
          env: { PLATFORMCTL_TOKEN: token },
        })
      ).exitCode,
    ).toBe(0);
    const mid = await dumpStore(small);
    const r = await execa('node', [BIN, '--store', store, 'member', 'invite', ...emails, '--role', 'DESIGNER'], {
      reject: false,
      env: { PLATFORMCTL_TOKEN: token },
    });
    expect(r.exitCode, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/^error: The store .* (disk is full|cannot be opened or written)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await dumpStore(small)).toEqual(mid);
    expect(before.invitations).toEqual(mid.invitations);
    const check = await execa('node', [BIN, '--store', store, 'store', 'check'], { reject: false });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
  });
});
