import { execa } from 'execa';
import { PassThrough } from 'node:stream';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, engines, useStore, type Engine, type TestStore } from './harness.js';
import { KillProxy } from './kill-proxy.js';
import { label, runAndKill, type KillPoint } from './kill.js';
import { dumpStore, rowsOf, withoutTimes, type Dump } from './store-dump.js';
import { writeUntilRead } from './input-read.js';

/**
 * Faults during `member import`.
 * - One transaction (docs/bulk.md: imports up to the engine's one-transaction size; here
 *   forced for 50,000 rows locally, 5,000 on sqld where rows travel in batches of 1000):
 *   the CLI SIGKILLed mid-way, and sqld SIGKILLed at exact requests. Afterwards `store
 *   check` is clean and the data is exactly the state before the import or after it.
 * - Chunked (larger imports): the CLI SIGKILLed mid-way leaves exactly a prefix of the
 *   file applied, the one its `bulk_runs` record says, with an audit entry per change;
 *   running the same import again finishes it and the store is then the state after.
 */

/** Everything in one transaction, whatever the engine's size limit (the mode these tests prove). */
const ONE_TX = { PLATFORMCTL_BULK_TX_CHANGES: '1000000' };

/** Rows per import file, and how many of them update invitations seeded beforehand. */
const SIZES: Record<Engine, { rows: number; seeded: number }> = {
  local: { rows: 50_000, seeded: 2_000 },
  libsql: { rows: 5_000, seeded: 500 },
};

let filesDir: string;
const files: Record<Engine, { seed: string; big: string }> = {} as never;

/**
 * The import: `seeded` rows re-role invitations that exist (MANAGER → DESIGNER), one row
 * invites a registered user (an INVITED membership), one row is the OWNER's own (unchanged),
 * and the rest are new e-mails, a tenth of them for a second company named in the row.
 */
function writeFiles(engine: Engine): { seed: string; big: string } {
  const { rows, seeded } = SIZES[engine];
  const seed = ['email,role'];
  for (let i = 0; i < seeded; i++) seed.push(`old${i}@example.org,MANAGER`);
  const big = ['email,role,company'];
  for (let i = 0; i < seeded; i++) big.push(`old${i}@example.org,designer,`);
  big.push('bob@example.com,MANAGER,', 'ann@example.com,OWNER,');
  for (let i = 0; big.length <= rows; i++)
    big.push(i % 10 === 0 ? `new${i}@example.org,MANAGER,Jones Company` : `new${i}@example.org,DESIGNER,`);
  const paths = { seed: join(filesDir, `${engine}-seed.csv`), big: join(filesDir, `${engine}-big.csv`) };
  writeFileSync(paths.seed, seed.join('\n') + '\n');
  writeFileSync(paths.big, big.join('\r\n') + '\r\n');
  return paths;
}

beforeAll(() => {
  filesDir = mkdtempSync(join(tmpdir(), 'platformctl-import-files-'));
  for (const e of ['local', 'libsql'] as const) files[e] = writeFiles(e);
});
afterAll(() => rmSync(filesDir, { recursive: true, force: true }));

/** What the full import must report, from the file's make-up. */
function expectedReport(engine: Engine) {
  const { rows, seeded } = SIZES[engine];
  return { invited: rows - seeded - 1, updated: seeded, unchanged: 1, failed: 0, errors: [] };
}

/**
 * Ann (staff, both companies on ENTERPRISE) and Bob, whose company Ann administers;
 * `seeded` pending invitations in Ann's company. Returns an API token of Ann's.
 */
async function seed(t: TestStore, engine: Engine): Promise<string> {
  // Seeded, not registered (registration is not this file's subject): one transaction, which
  // also creates the store, and no production scrypt per user.
  const [ann, bob] = await t.seedMany([
    { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
    { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
  ]);
  await ann.grantStaff('ann@example.com');
  for (const c of ['Smith Company', 'Jones Company']) await ann.setPlan(c, 'ENTERPRISE');
  expect((await bob.run(['member', 'invite', 'ann@example.com', '--role', 'ADMINISTRATOR'])).exitCode).toBe(0);
  const s = await ann.json(['member', 'import', files[engine].seed]);
  expect(s).toMatchObject({ invited: SIZES[engine].seeded, failed: 0 });
  return (await ann.json(['account', 'token', 'create', '--name', 'import-kill'])).token as string;
}

/**
 * The after state, checked from the before state and the file rather than trusted:
 * `seeded` invitations re-roled, every new e-mail pending in its company, Bob INVITED,
 * one audit entry per change and one member.import summary per company, all carrying
 * the run's id, nothing else touched.
 */
function expectAfterShape(before: Dump, after: Dump, engine: Engine): void {
  const { rows, seeded } = SIZES[engine];
  const fresh = rows - seeded - 2;
  const inv = rowsOf(after, 'invitations');
  expect(inv).toHaveLength(rowsOf(before, 'invitations').length + fresh);
  expect(inv.filter((i) => String(i.email).startsWith('old') && i.role === 'DESIGNER')).toHaveLength(seeded);
  expect(rowsOf(after, 'memberships')).toHaveLength(rowsOf(before, 'memberships').length + 1);
  expect(rowsOf(after, 'memberships').filter((m) => m.status === 'INVITED' && m.role === 'MANAGER')).toHaveLength(1);
  const audit = (after.audit_log ?? [])
    .filter((a) => !(before.audit_log ?? []).includes(a))
    .map((a) => JSON.parse(a) as Record<string, unknown>);
  const count = (action: string) => audit.filter((a) => a.action === action).length;
  expect([count('member.invite'), count('member.set_role'), count('member.import')]).toEqual([fresh + 1, seeded, 2]);
  expect(audit).toHaveLength(fresh + 1 + seeded + 2);
  expect(new Set(audit.map((a) => a.run_id)).size).toBe(1);
  expect(audit[0]!.run_id).toEqual(expect.any(Number));
  for (const table of ['users', 'companies', 'plans', 'tokens', 'platformctl_meta'])
    expect(after[table], table).toEqual(before[table]);
}

/** 'before' or 'after' when the data is exactly one of them; fails the test otherwise. */
function classify(now: Dump, before: Dump, after: Dump, what: string): 'before' | 'after' {
  if (JSON.stringify(now) === JSON.stringify(before)) return 'before';
  const n = withoutTimes(now);
  for (const table of Object.keys(after)) {
    // Compare sizes first: a partial import shows as a count, not as a 50,000-line diff.
    expect(n[table]?.length, `${what}: ${table} is neither the state before the import nor the state after it`).toBe(
      after[table]!.length,
    );
    expect(n[table], `${what}: ${table} is neither before nor after`).toEqual(after[table]);
  }
  return 'after';
}

/** Runs `member import` and SIGKILLs the CLI at the kill point (see runAndKill). */
async function importAndKill(
  t: TestStore,
  file: string,
  token: string,
  point: KillPoint,
): Promise<'killed' | 'finished'> {
  const { outcome, result: r } = await runAndKill(
    t,
    ['--json', 'member', 'import', file],
    { PLATFORMCTL_TOKEN: token, ...ONE_TX },
    point,
    { minWalBytes: 32 },
  );
  if (outcome === 'finished') {
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ...expectedReport(t.engine), applied: true });
  }
  return outcome;
}

/** Saves the store (its file, or sqld's data directory) and returns a function that puts it back. */
async function snapshot(t: TestStore): Promise<() => Promise<void>> {
  const saved = join(t.dir, 'pristine');
  if (t.engine === 'local') {
    const r = await t.run(['store', 'backup', saved]);
    expect(r.exitCode, r.stderr).toBe(0);
    return async () => {
      for (const s of ['', '-wal', '-shm']) rmSync(t.store + s, { force: true });
      cpSync(saved, t.store);
    };
  }
  await t.sqld!.stop();
  cpSync(t.sqld!.dataDir, saved, { recursive: true });
  await t.sqld!.start();
  return async () => {
    await t.sqld!.stop('SIGKILL');
    rmSync(t.sqld!.dataDir, { recursive: true, force: true });
    cpSync(saved, t.sqld!.dataDir, { recursive: true });
    await t.sqld!.start();
  };
}

describe.each(engines())('member import killed mid-way on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it(
    `SIGKILL of the CLI during a ${SIZES[engine].rows.toLocaleString('en')}-row import leaves exactly the before or the after state`,
    { timeout: 180_000 },
    async () => {
      const t = await fresh();
      const token = await seed(t, engine);
      const restore = await snapshot(t);
      const before = await dumpStore(engine, t.store);

      // The after state, from an uninterrupted run; then back to the start.
      expect(await importAndKill(t, files[engine].big, token, { kind: 'none' })).toBe('finished');
      const afterRaw = await dumpStore(engine, t.store);
      expectAfterShape(before, afterRaw, engine);
      const after = withoutTimes(afterRaw);
      await restore();
      expect(await dumpStore(engine, t.store)).toEqual(before);

      // Kills while the file is read and checked, then (locally) as the commit is written
      // to the log. Every round starts from the before state.
      const points: KillPoint[] =
        engine === 'local'
          ? [
              ...[250, 650, 1100].map((ms): KillPoint => ({ kind: 'delay', ms })),
              ...[0, 10, 40].map((spinMs): KillPoint => ({ kind: 'wal', spinMs })),
            ]
          : [200, 700].map((ms): KillPoint => ({ kind: 'delay', ms }));
      const outcomes: string[] = [];
      for (const point of points) {
        const how = await importAndKill(t, files[engine].big, token, point);
        // The next process recovers the log; the rules hold whatever the kill point was.
        await t.expectClean();
        const state = classify(await dumpStore(engine, t.store), before, after, label(point));
        outcomes.push(`${label(point)}=${how}/${state}`);
        if (state === 'after') await restore();
      }
      if (process.env.FAULTS_VERBOSE) console.log(engine, outcomes.join(' '));
      // At least one kill really interrupted the import (and so changed nothing).
      expect(
        outcomes.some((o) => o.endsWith('=killed/before')),
        outcomes.join(' '),
      ).toBe(true);
      // Locally, at least one kill landed while the commit was being written to the log.
      if (engine === 'local')
        expect(
          outcomes.some((o) => /^wal\+\d+ms=killed/.test(o)),
          outcomes.join(' '),
        ).toBe(true);
    },
  );
});

describe('member import when sqld dies mid-way', () => {
  const fresh = useStore('libsql');

  it(
    'sqld SIGKILLed at requests of a 5,000-row import (batches of 1000 in one transaction): after a restart nothing partial is there',
    { timeout: 180_000 },
    async () => {
      const t = await fresh();
      const token = await seed(t, 'libsql');
      const proxy = await new KillProxy(t.sqld!).start();
      try {
        const restore = await snapshot(t);
        const before = await dumpStore('libsql', t.store);
        const run = () =>
          t.run(['--store', proxy.url, '--json', 'member', 'import', files.libsql.big], { token, env: ONE_TX });

        // A clean run first: the requests the import makes, and the state after it.
        proxy.arm(Infinity);
        const ok = await run();
        expect(ok.exitCode, ok.stderr).toBe(0);
        expect(JSON.parse(ok.stdout)).toMatchObject({ ...expectedReport('libsql'), applied: true });
        // Up to the request that commits (a last one closes the stream).
        const requests = proxy.commitRequest();
        const bodies = proxy.bodies.slice();
        const afterRaw = await dumpStore('libsql', t.store);
        expectAfterShape(before, afterRaw, 'libsql');
        const after = withoutTimes(afterRaw);
        await restore();

        const begin = bodies.findIndex((b) => b.includes('BEGIN IMMEDIATE')) + 1;
        // Requests naming a statement: the SQL travels once, later batches refer to it by id.
        const using = (sql: string) => {
          const id = bodies.map((b) => new RegExp(`"sql_id":(\\d+),"sql":"${sql}`).exec(b)?.[1]).find(Boolean);
          // A batch's later steps carry a condition before their statement.
          return bodies.flatMap((b, i) => (id !== undefined && b.includes(`"stmt":{"sql_id":${id},`) ? [i + 1] : []));
        };
        const inserts = using('INSERT INTO invitations');
        const updates = using('UPDATE invitations');
        expect(begin).toBeGreaterThan(0);
        expect(requests).toBeGreaterThan(begin);
        // Five chunks of 1000 rows: several insert batches, and the re-roles batched too.
        expect(inserts.length).toBeGreaterThanOrEqual(5);
        expect(updates.length).toBeGreaterThanOrEqual(1);

        // Crash before the server sees the request (BEGIN, each batch, the audit, COMMIT), or
        // after it answered a batch but before the client heard: never a partial import.
        const points: { k: number; mode: 'before' | 'after' }[] = [
          { k: begin, mode: 'before' },
          ...updates.slice(0, 1).map((k) => ({ k, mode: 'after' as const })),
          ...[inserts[0]!, inserts.at(-1)!].map((k) => ({ k, mode: 'before' as const })),
          { k: inserts[1]!, mode: 'after' },
          // The last page's inserts travel with the COMMIT (deferred writes): after that
          // request the import is whole, tried below; the last insert request before it here.
          { k: inserts.filter((k) => k < requests).at(-1)!, mode: 'after' },
          { k: requests - 1, mode: 'after' },
          { k: requests, mode: 'before' },
        ];
        for (const { k, mode } of points) {
          proxy.arm(k, mode);
          const r = await run();
          expect(proxy.killed, `request ${k} (${mode}): ${r.exitCode} ${r.stderr}`).toBe(true);
          expect(r.exitCode, r.stderr).toBe(7);
          expect(JSON.parse(r.stderr).error.code).toBe('STORE_UNAVAILABLE');
          expect(r.stdout).toBe('');
          await t.sqld!.start();
          await t.expectClean();
          expect(
            classify(
              await dumpStore('libsql', t.store),
              before,
              after,
              `killed at request ${k} (${mode}) of ${requests}`,
            ),
            `request ${k} (${mode})`,
          ).toBe('before');
        }

        // Crash after the server committed but before the client heard: the CLI cannot know
        // and says so; the store holds the whole import.
        proxy.arm(requests, 'after');
        const lost = await run();
        expect(lost.exitCode).toBe(7);
        expect(JSON.parse(lost.stderr).error.message).toMatch(
          /while committing: the change may or may not have been applied/,
        );
        await t.sqld!.start();
        await t.expectClean();
        expect(classify(await dumpStore('libsql', t.store), before, after, 'killed after COMMIT')).toBe('after');
      } finally {
        await proxy.close();
      }
    },
  );
});

describe.each(engines())('member import holds no lock while it reads, on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it(
    'while an import waits for the rest of its input others write at once; a user without rights is refused before the input ends',
    { timeout: 120_000 },
    async () => {
      const t = await fresh();
      const [ann, bob] = await Promise.all([
        t.seed('ann@example.com', 'Ann', 'Smith'),
        t.seed('bob@example.com', 'Bob', 'Jones'),
      ]);
      await ann.grantStaff('ann@example.com');
      await ann.setPlan('Smith Company', 'ENTERPRISE');
      const cli = (user: typeof ann, args: string[], input: PassThrough) =>
        execa('node', [BIN, '--store', t.store, '--config-dir', user.configDir, ...args], { reject: false, input });

      // Bob is not a member of Smith Company (to him it does not exist): refused at once,
      // although his input never ends.
      const open = new PassThrough();
      const denied = cli(bob, ['member', 'import', '-', '--company', 'Smith Company'], open);
      open.write('email,role\n');
      const d = await denied;
      open.destroy();
      expect(d.exitCode, d.stderr).toBe(5);
      expect(d.stderr).toMatch(/No company named "Smith Company" among yours/);

      // Ann's import has 5000 rows in and more to come: another writer is not kept waiting.
      const input = new PassThrough();
      let importDone = false;
      const importing = cli(ann, ['--json', 'member', 'import', '-'], input);
      void importing.finally(() => (importDone = true));
      // More than a pipe holds, to see the import reading it (its lines are taken as they come).
      const lines = Array.from({ length: 5000 }, (_, i) => `a${i}@example.org,DESIGNER\n`);
      await writeUntilRead(input, importing, 'email,role\n' + lines.join(''));
      const other = await ann.run(['member', 'invite', 'other@example.org', '--role', 'MANAGER'], {
        env: { PLATFORMCTL_BUSY_TIMEOUT_MS: '0' },
      });
      expect(other.exitCode, other.stderr).toBe(0);
      // It wrote while the import was still reading (its input is not closed yet).
      expect(importDone).toBe(false);
      input.end(Array.from({ length: 1500 }, (_, i) => `b${i}@example.org,DESIGNER\n`).join(''));
      const r = await importing;
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ invited: 6500, failed: 0, applied: true });
      const dump = await dumpStore(engine, t.store, ['invitations']);
      expect(rowsOf(dump, 'invitations')).toHaveLength(6501);
    },
  );
});

/** The file of the chunked test: new e-mails in order, so a prefix of it is easy to recognise. */
const CHUNKED = { rows: 6_000, chunk: 500 };

describe.each(engines())('a chunked member import killed mid-way on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it(
    'leaves exactly the prefix its run record reports, with an audit entry per change; running it again finishes it',
    { timeout: 180_000 },
    async () => {
      const t = await fresh();
      const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
      await ann.grantStaff('ann@example.com');
      await ann.setPlan('Smith Company', 'ENTERPRISE');
      const token = (await ann.json(['account', 'token', 'create', '--name', 'chunked'])).token as string;
      const file = join(t.dir, 'chunked.csv');
      writeFileSync(
        file,
        'email,role\n' +
          Array.from({ length: CHUNKED.rows }, (_, i) => `n${String(i).padStart(5, '0')}@example.org,DESIGNER\n`).join(
            '',
          ),
      );
      // Small chunks (the engine's sizes are for millions of rows): the run commits in 12 chunks.
      const env = {
        PLATFORMCTL_TOKEN: token,
        PLATFORMCTL_BULK_TX_CHANGES: '100',
        PLATFORMCTL_BULK_CHUNK_ROWS: String(CHUNKED.chunk),
        PLATFORMCTL_BULK_PAUSE_MS: '40',
      };
      const restore = await snapshot(t);
      const before = await dumpStore(engine, t.store);

      const outcomes: string[] = [];
      // Killed once the run record reports k rows applied: the next chunks are then on their
      // way, so the kill lands mid-run on a fast machine and a slow one alike.
      const applied = async () =>
        Number(rowsOf(await dumpStore(engine, t.store, ['bulk_runs']), 'bulk_runs')[0]?.rows ?? 0);
      const points: KillPoint[] = [
        ...[500, 2500, 4500].map((k): KillPoint => ({
          kind: 'when',
          name: `after ${k} rows`,
          check: async () => (await applied()) >= k,
        })),
        { kind: 'delay', ms: 0 },
      ];
      let partial = 0;
      for (const point of points) {
        const { outcome } = await runAndKill(t, ['--json', 'member', 'import', file], env, point);
        await t.expectClean();
        const d = await dumpStore(engine, t.store);
        const emails = rowsOf(d, 'invitations')
          .map((i) => String(i.email))
          .sort();
        const runs = rowsOf(d, 'bulk_runs');
        const audit = rowsOf(d, 'audit_log').filter((a) => a.action === 'member.invite');
        // Exactly the first k rows of the file, k a whole number of chunks.
        const k = emails.length;
        expect(emails, label(point)).toEqual(
          Array.from({ length: k }, (_, i) => `n${String(i).padStart(5, '0')}@example.org`),
        );
        expect(k % CHUNKED.chunk, `${label(point)}: ${k} rows is not a whole number of chunks`).toBe(0);
        // The run record says how far it got; every change has its audit entry with the run id.
        expect(audit.map((a) => String(a.target)).sort(), label(point)).toEqual(emails);
        if (k === 0)
          expect(
            runs.every((r) => r.rows === 0),
            label(point),
          ).toBe(true);
        else {
          expect(runs, label(point)).toHaveLength(1);
          expect(runs[0]).toMatchObject({ kind: 'import', rows: k, last_line: k + 1, planned: CHUNKED.rows });
          expect(runs[0]!.status, label(point)).toBe(k === CHUNKED.rows ? 'done' : 'running');
          expect(new Set(audit.map((a) => a.run_id))).toEqual(new Set([runs[0]!.id]));
        }
        outcomes.push(`${label(point)}=${outcome}/${k}`);
        if (outcome === 'killed' && k > 0 && k < CHUNKED.rows) {
          partial++;
          // Running the same import again finishes it: the applied rows are unchanged now.
          const again = await t.run(['--json', 'member', 'import', file], { env });
          expect(again.exitCode, again.stderr).toBe(0);
          const rep = JSON.parse(again.stdout);
          expect(rep).toMatchObject({ invited: CHUNKED.rows - k, unchanged: k, failed: 0 });
          expect(rep.run).toMatchObject({ mode: 'chunked', status: 'done', finished: [runs[0]!.id] });
          const done = await dumpStore(engine, t.store);
          expect(rowsOf(done, 'invitations')).toHaveLength(CHUNKED.rows);
          const invites = rowsOf(done, 'audit_log').filter((a) => a.action === 'member.invite');
          expect(new Set(invites.map((a) => a.target)).size).toBe(CHUNKED.rows);
          expect(invites).toHaveLength(CHUNKED.rows);
          expect(rowsOf(done, 'bulk_runs').map((r) => [r.status, r.error])).toEqual([
            ['failed', `interrupted; finished by run ${rep.run.id}`],
            ['done', null],
          ]);
          await t.expectClean();
        }
        await restore();
        expect(await dumpStore(engine, t.store)).toEqual(before);
      }
      if (process.env.FAULTS_VERBOSE) console.log(engine, outcomes.join(' '));
      expect(partial, `no kill landed mid-run: ${outcomes.join(' ')}`).toBeGreaterThan(0);
    },
  );
});

describe.each(engines())('member sync killed mid-way on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it(
    'SIGKILL of the CLI during a sync (invites, re-roles, --prune removals) leaves exactly the before or the after state',
    { timeout: 180_000 },
    async () => {
      const t = await fresh();
      const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
      await ann.grantStaff('ann@example.com');
      await ann.setPlan('Smith Company', 'ENTERPRISE');
      const token = (await ann.json(['account', 'token', 'create', '--name', 'sync-kill'])).token as string;
      const n = engine === 'local' ? 3000 : 1500;
      const seed = join(t.dir, 'seed.csv');
      writeFileSync(
        seed,
        'email,role\n' + Array.from({ length: 2 * n }, (_, i) => `m${i}@example.org,MANAGER\n`).join(''),
      );
      expect((await ann.json(['member', 'import', seed])).invited).toBe(2 * n);
      // Keep the first n (a third of them re-roled), drop the other n, add n new ones.
      const file = join(t.dir, 'sync.csv');
      writeFileSync(
        file,
        'email,role\nann@example.com,OWNER\n' +
          Array.from({ length: n }, (_, i) => `m${i}@example.org,${i % 3 === 0 ? 'DESIGNER' : 'MANAGER'}\n`).join('') +
          Array.from({ length: n }, (_, i) => `s${i}@example.org,DESIGNER\n`).join(''),
      );
      const restore = await snapshot(t);
      const before = await dumpStore(engine, t.store);
      const sync = (point: KillPoint) =>
        runAndKill(t, ['--yes', '--json', 'member', 'sync', file, '--prune'], { PLATFORMCTL_TOKEN: token }, point, {
          minWalBytes: 32,
        });
      const t0 = performance.now();
      const clean = await sync({ kind: 'none' });
      const took = performance.now() - t0;
      expect(clean.result.exitCode, clean.result.stderr).toBe(0);
      expect(JSON.parse(clean.result.stdout)).toMatchObject({ invited: n, updated: Math.ceil(n / 3), removed: n });
      const afterRaw = await dumpStore(engine, t.store);
      expect(rowsOf(afterRaw, 'invitations')).toHaveLength(2 * n);
      const after = withoutTimes(afterRaw);
      await restore();
      const points: KillPoint[] =
        engine === 'local'
          ? [
              ...[150, 300, 700].map((ms): KillPoint => ({ kind: 'delay', ms })),
              ...[0, 10, 40].map((spinMs): KillPoint => ({ kind: 'wal', spinMs })),
            ]
          : // On sqld, kills spread over the clean run's time, where its one write transaction is
            // (fixed delays landed after it once the transaction had fewer round trips; kills at
            // 55-85% landed after it once planning got faster, the clean run, the first, being
            // slower than the next ones). sqld's log grows only as the transaction commits, so
            // it gives no earlier point to wait for.
            [0.3, 0.45, 0.6, 0.75, 0.9].map((f): KillPoint => ({ kind: 'delay', ms: Math.round(took * f) }));
      const outcomes: string[] = [];
      for (const point of points) {
        const { outcome } = await sync(point);
        await t.expectClean();
        const state = classify(await dumpStore(engine, t.store), before, after, label(point));
        outcomes.push(`${label(point)}=${outcome}/${state}`);
        if (state === 'after') await restore();
      }
      if (process.env.FAULTS_VERBOSE) console.log(engine, 'sync', outcomes.join(' '));
      expect(
        outcomes.some((o) => o.endsWith('=killed/before')),
        outcomes.join(' '),
      ).toBe(true);
    },
  );
});
