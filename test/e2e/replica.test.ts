/**
 * A real topology: an sqld primary and a replica of it (test/e2e/sqld.ts). Commands
 * write through the replica (it forwards to the primary), read through it (it answers
 * them itself, also with the primary stopped), see their own writes at once, share
 * sessions with the primary's URL, keep the seat limit with writers on both, and leave
 * the store exactly before or after when the primary dies in the middle of an import.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RemoteStore } from '../../src/store/remote.js';
import { DEFAULT_TIMEOUTS } from '../../src/store/timeouts.js';
import { PASSWORD, useStore, type TestStore, type User } from './harness.js';
import { KillProxy } from './kill-proxy.js';
import { forwardsWrites } from './sqld.js';
import { dumpStore, withoutTimes, type Dump } from './store-dump.js';

/** Registers through the CLI, at the given URL, with the user's own config dir. */
async function registerAt(t: TestStore, url: string, email: string, last: string): Promise<User> {
  const configDir = join(t.dir, `config-${last}`);
  const r = await t.run(
    [
      '--store',
      url,
      'account',
      'register',
      '--email',
      email,
      '--first-name',
      'X',
      '--last-name',
      last,
      '--password-stdin',
    ],
    { input: PASSWORD + '\n', configDir },
  );
  expect(r.exitCode, r.stderr).toBe(0);
  const { User: U } = await import('./harness.js');
  return new U(t, email, configDir, PASSWORD);
}

/** An error as documented (README, exit codes): exit code, one line, no stack, nothing on stdout. */

describe('a primary and a replica (sqld)', () => {
  const fresh = useStore('libsql', { replica: true });

  it('writes go through the replica, reads through it see your own writes at once, sessions are shared with the primary URL', async () => {
    const t = await fresh();
    const R = t.replica!.url;
    const ann = await registerAt(t, R, 'ann@example.com', 'Smith');
    const viaR = (args: string[]) => ann.run(['--store', R, ...args]);
    // Each round: a write through the replica, then at once the next command reads through
    // it. Without read-your-writes some ~5-15% of such reads see the state before.
    for (let i = 0; i < 6; i++) {
      const w = await viaR(['account', 'update', '--first-name', `Ann${i}`]);
      expect(w.exitCode, w.stderr).toBe(0);
      const r = await viaR(['--json', 'account', 'show']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).user.firstName, `round ${i}`).toBe(`Ann${i}`);
    }
    // Signed in through the replica's URL, signed in on the primary's: one store, one identity.
    const p = await ann.run(['--json', 'company', 'list']);
    expect(p.exitCode, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject([{ name: 'Smith Company', role: 'OWNER' }]);
    const status = JSON.parse((await ann.run(['--json', 'account', 'status'])).stdout);
    expect(status.accounts).toEqual([{ email: 'ann@example.com', active: true, session: 'signed_in' }]);
  });

  it('read-your-writes at the store level: 100 writes through the replica, each read at once by a new reader', async () => {
    const t = await fresh();
    const R = t.replica!.url;
    expect((await t.run(['store', 'init'])).exitCode).toBe(0);
    const writer = await RemoteStore.open(R, R, undefined, DEFAULT_TIMEOUTS);
    try {
      await writer.write((tx) => tx.exec(`CREATE TABLE ryw (n INTEGER)`));
      let stale = 0;
      for (let i = 1; i <= 100; i++) {
        await writer.write((tx) => tx.run(`INSERT INTO ryw (n) VALUES (:n)`, { n: i }));
        // As the next command would: a new client that knows only the index the last one saw.
        const reader = await RemoteStore.open(R, R, undefined, DEFAULT_TIMEOUTS, {
          replicationIndex: writer.replication.index,
        });
        const seen = await reader.read((tx) => tx.get<{ n: number }>(`SELECT max(n) AS n FROM ryw`));
        await reader.close();
        if (seen?.n !== i) stale++;
      }
      expect(stale).toBe(0);
      expect(BigInt(writer.replication.index)).toBeGreaterThan(0n);
      await writer.write((tx) => tx.exec(`DROP TABLE ryw`));
    } finally {
      await writer.close();
    }
  });

  it('a replica behind your last write (its primary busy writing) is not waited for past PLATFORMCTL_REPLICA_WAIT_MS: the read goes to the primary through it, fresh and without a warning', async () => {
    const t = await fresh();
    const R = t.replica!.url;
    expect((await t.run(['store', 'init'])).exitCode).toBe(0);
    // Big writes on the primary: the replica needs a while to apply each one.
    const writer = await RemoteStore.open(t.store, t.store, undefined, DEFAULT_TIMEOUTS);
    try {
      await writer.write((tx) => tx.exec(`CREATE TABLE lag (n INTEGER, pad TEXT)`));
      let stale = 0;
      let warned = 0;
      for (let i = 1; i <= 15; i++) {
        await writer.write((tx) =>
          tx.run(
            `WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < 3000)
             INSERT INTO lag (n, pad) SELECT :n, randomblob(200) FROM k`,
            { n: i },
          ),
        );
        // As the next command would, through the replica, with a wait too short for it.
        const reader = await RemoteStore.open(R, R, undefined, DEFAULT_TIMEOUTS, {
          replicationIndex: writer.replication.index,
          replicaWaitMs: 1,
          onStale: () => warned++,
        });
        const seen = await reader.read((tx) =>
          tx.get<{ n: number; rows: number }>(`SELECT max(n) AS n, count(*) AS rows FROM lag`),
        );
        await reader.close();
        if (seen?.n !== i || seen.rows !== i * 3000) stale++;
      }
      expect({ stale, warned }).toEqual({ stale: 0, warned: 0 });
      await writer.write((tx) => tx.exec(`DROP TABLE lag`));
    } finally {
      await writer.close();
    }
  });

  it('with the primary stopped, reads through the replica are answered (said to be maybe stale when behind your last write); writes fail with exit 7 and change nothing', async () => {
    const t = await fresh();
    const R = t.replica!.url;
    const ann = await registerAt(t, R, 'ann@example.com', 'Smith');
    expect((await ann.run(['--store', R, 'member', 'invite', 'bob@example.com', '--role', 'MANAGER'])).exitCode).toBe(
      0,
    );
    await t.replica!.caughtUp();
    t.sqld!.pause(true);
    try {
      const viaR = (args: string[], env: Record<string, string> = {}) =>
        ann.run(['--store', R, ...args], { env: { PLATFORMCTL_STORE_TIMEOUT_MS: '4000', ...env } });
      for (const args of [
        ['company', 'list'],
        ['account', 'show'],
        ['member', 'list'],
        ['billing', 'show'],
        ['plan', 'list'],
        ['company', 'show'],
        ['account', 'status'],
      ]) {
        const r = await viaR(['--json', ...args]);
        expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stderr, args.join(' ')).toBe('');
      }
      const members = JSON.parse((await viaR(['--json', 'member', 'list'])).stdout);
      expect(members.map((m: { email: string }) => m.email)).toEqual(['ann@example.com', 'bob@example.com']);

      // The caller's last write is beyond what the replica has (as when the primary died
      // before sending it): the read waits a little for it, then answers and says so.
      const statePath = join(ann.configDir, 'state.json');
      const state = JSON.parse(readFileSync(statePath, 'utf8'));
      const id = Object.keys(state.replication)[0]!;
      state.replication[id] = String(BigInt(state.replication[id]) + 1000n);
      writeFileSync(statePath, JSON.stringify(state));
      const behind = await viaR(['--json', 'company', 'list'], { PLATFORMCTL_REPLICA_WAIT_MS: '300' });
      expect(behind.exitCode, behind.stderr).toBe(0);
      expect(JSON.parse(behind.stdout)).toMatchObject([{ name: 'Smith Company' }]);
      expect(behind.stderr).toMatch(
        /^! The store http:\/\/127\.0\.0\.1:\d+\/ has not caught up with your last change after 0\.3 s, nor has its primary answered in its place \(down, or restarted after a crash\); this answer may be stale\.$/,
      );
      // The next command does not wait the whole 300 ms again, only a moment (a replica
      // that merely lags catches up in it), and says again that its answer may be stale:
      // a script reading through the replica is never answered stale without a word.
      const next = await viaR(['--json', 'company', 'list'], { PLATFORMCTL_REPLICA_WAIT_MS: '300' });
      expect(next.exitCode, next.stderr).toBe(0);
      expect(next.stderr).toMatch(
        /^! The store http:\/\/127\.0\.0\.1:\d+\/ has not caught up with your last change after 0\.15 s, nor has its primary answered in its place \(down, or restarted after a crash\); this answer may be stale\.$/,
      );

      // A write needs the primary: the CLI gives up after its timeout, and nothing changes.
      // (Its first read, through the replica still behind, says so first.)
      const w = await viaR(['account', 'update', '--first-name', 'Zed'], { PLATFORMCTL_STORE_TIMEOUT_MS: '1500' });
      expect(w.exitCode, w.stderr).toBe(7);
      expect(w.stdout).toBe('');
      expect(w.stderr).toMatch(
        /^(! [^\n]+ this answer may be stale\.\n)?error: [^\n]+did not answer within 1\.5 s \(PLATFORMCTL_STORE_TIMEOUT_MS\)\. Nothing was changed\.$/,
      );
    } finally {
      t.sqld!.pause(false);
    }
    // The forwarded statements may still reach the primary now; they never commit.
    await new Promise((r) => setTimeout(r, 1000));
    const me = await ann.run(['--json', 'account', 'show']);
    expect(JSON.parse(me.stdout).user.firstName).toBe('X');
  });

  it('the seat limit holds exactly with writers split across the primary and the replica', async () => {
    const t = await fresh();
    const ann = await registerAt(t, t.store, 'ann@example.com', 'Smith');
    await t.replica!.caughtUp();
    // FREE: 3 seats, the OWNER's taken. Eight invitations race for the other two.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ann.run([
          '--store',
          i % 2 ? t.replica!.url : t.store,
          'member',
          'invite',
          `m${i}@example.org`,
          '--role',
          'DESIGNER',
        ]),
      ),
    );
    const codes = results.map((r) => r.exitCode).sort();
    expect(codes, results.map((r) => r.stderr).join('\n')).toEqual([0, 0, 6, 6, 6, 6, 6, 6]);
    for (const r of results.filter((x) => x.exitCode === 6))
      expect(r.stderr).toMatch(/^error: Plan FREE of "Smith Company" a/);
    const members = JSON.parse((await ann.run(['--json', 'member', 'list'])).stdout);
    expect(members).toHaveLength(3);
  });

  it('the primary killed mid-import through the replica: exit 7, and the store is exactly the state before or after', async () => {
    const t = await fresh();
    const R = t.replica!;
    const ann = await registerAt(t, t.store, 'ann@example.com', 'Smith');
    expect((await ann.run(['staff', 'grant', 'ann@example.com'])).exitCode).toBe(0);
    expect((await ann.run(['plan', 'set', 'Smith Company', 'ENTERPRISE'])).exitCode).toBe(0);
    const rows = 1500;
    const csv = (prefix: string) => {
      const file = join(t.dir, `${prefix}.csv`);
      writeFileSync(
        file,
        ['email,role', ...Array.from({ length: rows }, (_, i) => `${prefix}${i}@example.org,DESIGNER`)].join('\n') +
          '\n',
      );
      return file;
    };
    const proxy = await new KillProxy(R, t.sqld).start();
    const env = { PLATFORMCTL_STORE_TIMEOUT_MS: '2500' };
    const importVia = (file: string) => ann.run(['--store', proxy.url, '--json', 'member', 'import', file], { env });
    const tables = ['users', 'companies', 'memberships', 'invitations', 'tokens', 'bulk_runs'];
    try {
      // The proxy's URL is known to the CLI from here on (its store identity is cached).
      expect((await ann.run(['--store', proxy.url, 'company', 'list'])).exitCode).toBe(0);
      await R.caughtUp();
      // A clean run through the replica: how many requests an import of this size makes.
      proxy.arm(Infinity);
      const ok = await importVia(csv('a'));
      expect(ok.exitCode, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ invited: rows, failed: 0 });
      // Up to the request that commits (a last one closes the stream).
      const requests = proxy.commitRequest();
      const begin = proxy.bodies.findIndex((b) => b.includes('BEGIN IMMEDIATE')) + 1;
      expect(begin).toBeGreaterThan(0);
      expect(requests).toBeGreaterThanOrEqual(begin);
      await R.caughtUp();

      // Then the same import of other e-mails, the primary dying as request k reaches the
      // replica: it gets the request with its primary dead ('through'), or the primary
      // dies once it has committed ('after').
      const file = csv('b');
      const before: Dump = await dumpStore('libsql', t.store, tables);
      const isAfter = (now: Dump) =>
        now.invitations!.length === before.invitations!.length + rows &&
        now.invitations!.filter((i) => JSON.parse(i).email.startsWith('b')).length === rows;
      const outcomes: string[] = [];
      // (Every request of a transaction is a kill point of remote.test.ts, on one server.)
      for (const [k, mode] of [
        [begin, 'through'],
        [requests, 'through'],
        [requests, 'after'],
      ] as const) {
        proxy.arm(k, mode);
        const r = await importVia(file);
        expect(proxy.killed, `request ${k} ${mode} (reached ${proxy.count}): ${r.exitCode} ${r.stderr}`).toBe(true);
        // Never exit 1: the store is unavailable (or the outcome unknown, said so).
        expect(r.exitCode, r.stderr).toBe(7);
        // The error is the last line (a read through the replica, behind the last write
        // of the run before, may say first that its answer may be stale).
        expect(
          r.stderr
            .trim()
            .split('\n')
            .slice(0, -1)
            .every((l) => l.endsWith('this answer may be stale.')),
        ).toBe(true);
        expect(JSON.parse(r.stderr.trim().split('\n').at(-1)!).error.code).toBe('STORE_UNAVAILABLE');
        await t.sqld!.start();
        // A replica replays, once its primary is back, the first request of a transaction
        // it was holding (BEGIN IMMEDIATE with its statements, never a COMMIT): harmless,
        // but it holds the write lock for ~5 s. Restarted, the replica holds nothing, and
        // the next round's requests are as in the clean run.
        await R.stop('SIGKILL');
        await R.start();
        await R.caughtUp(30_000);
        await forwardsWrites(R);
        // A primary that crashed may number its log anew: the CLI's remembered index can be
        // ahead of it, and the next read then waits once (and says it may be stale). Done
        // here, so that the next round's requests are numbered as in the clean run.
        proxy.arm(Infinity);
        await ann.run(['--store', proxy.url, 'company', 'list'], { env: { PLATFORMCTL_REPLICA_WAIT_MS: '200' } });
        const now = await dumpStore('libsql', t.store, tables);
        const state = JSON.stringify(now) === JSON.stringify(before) ? 'before' : isAfter(now) ? 'after' : 'partial';
        outcomes.push(`${k}/${mode}=${state}`);
        expect(state, `killed at request ${k} (${mode}) of ${requests}`).not.toBe('partial');
        if (state === 'after') break;
      }
      // Killed before COMMIT reached the primary: nothing; after it committed: everything.
      expect(outcomes, `${requests} requests`).toEqual([
        `${begin}/through=before`,
        `${requests}/through=before`,
        `${requests}/after=after`,
      ]);
      expect(withoutTimes(await dumpStore('libsql', t.store, ['invitations'])).invitations).toHaveLength(2 * rows);
    } finally {
      await proxy.close();
    }
  });
});
