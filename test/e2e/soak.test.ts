import { describe, expect, it } from 'vitest';
import { engines, useStore, type Engine, type RunResult, type User } from './harness.js';

/**
 * A bounded soak: four processes at a time (two per core) invite, change roles,
 * remove, switch, leave and list on one store. No command may fail with a bug (exit 1)
 * or a busy store (exit 7); the seat limit holds at every moment a reader looks; every
 * successful change is in the audit log; `store check` is clean at the end.
 */

const SOAK_MS = Number(process.env.PLATFORMCTL_SOAK_MS) || 8_000;
const SEATS = 10; // plan TEAM

/** A small deterministic PRNG so a failing run can be replayed with the same seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exit codes a racing command may legitimately end with: ok, denied, not found, conflict/seat limit. */
const EXPECTED_EXITS = new Set([0, 4, 5, 6]);

describe.each(engines())('soak on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it(
    `mixed members commands from 4 processes for ${SOAK_MS / 1000}s keep every rule`,
    async () => {
      const t = await fresh();
      const names = ['ann', 'bob', 'cat', 'dan', 'eve'];
      const users = await Promise.all(names.map((n, i) => t.seed(`${n}@example.com`, n, `Soak${i}`)));
      const [ann, bob, cat, dan, eve] = users as [User, User, User, User, User];
      await ann.grantStaff('ann@example.com');
      await ann.setPlan('Soak0 Company', 'TEAM');
      const company = 'Soak0 Company';
      const pool = [
        ...names.slice(1).map((n) => `${n}@example.com`),
        ...Array.from({ length: 10 }, (_, i) => `p${i}@example.org`),
      ];
      const roles = ['ADMINISTRATOR', 'MANAGER', 'DESIGNER'];

      const seed = Number(process.env.PLATFORMCTL_SOAK_SEED) || Date.now() % 100_000;
      const exits = new Map<string, number>();
      const failures: string[] = [];
      const auditExpected = {
        'member.invite': 0,
        'member.remove': 0,
        'member.set_role': 0,
        'company.switch': 0,
        'company.leave': 0,
      };
      let maxSeen = 0;
      // Bounded in time, but every worker does a minimum of work even on a loaded machine.
      const started = Date.now();
      const MIN_OPS = 8;
      // Every worker does at least MIN_OPS operations however slow the machine is, then
      // goes on until SOAK_MS have passed: the test counts work, it never times it.
      const going = (done: number) => done < MIN_OPS || Date.now() - started < SOAK_MS;

      const record = (op: string, r: RunResult) => {
        const key = `${op}:${r.exitCode}`;
        exits.set(key, (exits.get(key) ?? 0) + 1);
        if (!EXPECTED_EXITS.has(r.exitCode) || /\n\s+at |STORE_BUSY/.test(r.stderr))
          failures.push(`${op} exit ${r.exitCode}: ${r.stderr.slice(0, 300)}`);
      };

      const pick = <T>(rnd: () => number, xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;

      async function owner(rnd: () => number, mix: 'writes' | 'roles') {
        for (let done = 0; going(done); done++) {
          const x = rnd();
          if (mix === 'writes' && done % 2 === 0) {
            const emails = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(rnd, pool)))];
            const r = await ann.run([
              '--json',
              'member',
              'invite',
              ...emails,
              '--role',
              pick(rnd, roles),
              '--company',
              company,
            ]);
            record('invite', r);
            if (r.exitCode === 0) auditExpected['member.invite'] += JSON.parse(r.stdout).invited.length;
          } else if (mix === 'writes') {
            const r = await ann.run(['--json', '--yes', 'member', 'remove', pick(rnd, pool), '--company', company]);
            record('remove', r);
            if (r.exitCode === 0) auditExpected['member.remove']++;
          } else if (x < 0.6) {
            const r = await ann.run([
              '--json',
              'member',
              'set-role',
              pick(rnd, pool),
              '--role',
              pick(rnd, roles),
              '--company',
              company,
            ]);
            record('set-role', r);
            if (r.exitCode === 0 && JSON.parse(r.stdout).changed) auditExpected['member.set_role']++;
          } else {
            const r = await ann.run(['--json', 'member', 'list', '--company', company]);
            record('list', r);
            if (r.exitCode === 0) {
              const n = (JSON.parse(r.stdout) as unknown[]).length;
              maxSeen = Math.max(maxSeen, n);
              if (n > SEATS) failures.push(`member list saw ${n} members on a plan of ${SEATS}`);
            }
          }
        }
      }

      async function member(rnd: () => number, who: User[]) {
        for (let done = 0; going(done); done++) {
          const u = pick(rnd, who);
          const x = rnd();
          if (x < 0.45) {
            const r = await u.run(['--json', 'company', 'switch', company]);
            record('switch', r);
            if (r.exitCode === 0) auditExpected['company.switch']++;
          } else if (x < 0.75) {
            const r = await u.run(['--json', '--yes', 'company', 'leave', company]);
            record('leave', r);
            if (r.exitCode === 0) auditExpected['company.leave']++;
          } else {
            const r = await u.run(['--json', 'company', 'list']);
            record('company-list', r);
            if (r.exitCode === 0) {
              const list = JSON.parse(r.stdout) as { current: boolean }[];
              // One current company, or none once it is gone (removed from it by the owner).
              if (list.filter((c) => c.current).length > 1)
                failures.push(`${u.email} has ${list.filter((c) => c.current).length} current companies`);
            }
          }
        }
      }

      await Promise.all([
        owner(prng(seed), 'writes'),
        owner(prng(seed + 1), 'roles'),
        member(prng(seed + 2), [bob, cat]),
        member(prng(seed + 3), [dan, eve]),
      ]);

      const summary = `seed ${seed}: ` + [...exits].map(([k, n]) => `${k}=${n}`).join(' ');
      expect(failures, summary).toEqual([]);
      // The soak did real work: the first invite of an empty company always goes through.
      expect(exits.get('invite:0') ?? 0, summary).toBeGreaterThan(0);
      expect(
        [...exits.values()].reduce((a, b) => a + b, 0),
        summary,
      ).toBeGreaterThanOrEqual(4 * MIN_OPS);
      expect(maxSeen).toBeLessThanOrEqual(SEATS);

      await t.expectClean();
      const members = await ann.json(['member', 'list', '--company', company]);
      expect(members.length).toBeLessThanOrEqual(SEATS);
      // No lost write: every successful change left exactly its audit entries.
      const auditLog = await ann.json(['audit', 'list', '--company', company, '--limit', '100000']);
      const entries: { action: string }[] = Array.isArray(auditLog) ? auditLog : auditLog.entries;
      for (const [action, n] of Object.entries(auditExpected)) {
        expect(entries.filter((e) => e.action === action).length, `${action} (${summary})`).toBe(n);
      }
    },
    4 * SOAK_MS + 90_000,
  );
});
