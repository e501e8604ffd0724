// The in-process half of `npm run bench:scale` (scripts/bench-scale.mjs bundles it with
// esbuild and runs it in child processes). Two modes:
//   seed STORE COMPANY MEMBERS ADMINS OUT   1M-membership company with direct SQL (no
//                                           scrypt), ADMINS administrators with API tokens
//   admins STORE COMPANY TOKENS OUT CTRL W RATE LIST   administrators at a steady rate (invite,
//                                           set-role, list) until CTRL/stop exists, writing
//                                           one JSON line per operation to OUT
// Administrators run as async loops in a few long-lived processes: starting a CLI
// process per operation, or 50 processes on 2 cores, would measure the CPU, not the
// store (--procs 50 gives each administrator its own process; with several in one
// process, one's synchronous commit delays the others' timers, which counts as their
// wait). For every write, the wait for the write lock is measured inside the
// transaction: the time from asking for the transaction until its first statement
// returned, less that statement's own time when nobody writes.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { openStore, parseLocation } from '../src/store/open.js';
import { Repo } from '../src/store/repo.js';
import type { Store, Tx } from '../src/store/types.js';
import { hashToken } from '../src/domain/tokens.js';
import { invite, setRole } from '../src/domain/members.js';
import { authenticate } from '../src/domain/auth.js';
import { PlatformError } from '../src/errors.js';

const [mode, location, ...rest] = process.argv.slice(2);
const now = () => new Date();

/** A store whose write transactions report how long their first statement took to come back. */
function measured(store: Store, onFirst: (ms: number) => void, onAttempt: () => void = () => {}): Store {
  const write = store.write.bind(store);
  return Object.assign(Object.create(store) as Store, {
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const asked = performance.now();
      return write((tx) => {
        // Once per attempt: a transaction the store ended (STORE_BUSY) runs again.
        onAttempt();
        let first = true;
        const once =
          <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
          async (...a: A): Promise<R> => {
            const r = await f(...a);
            if (first) {
              first = false;
              onFirst(performance.now() - asked);
            }
            return r;
          };
        return fn({
          jsonEach: tx.jsonEach,
          get: once(tx.get.bind(tx)) as Tx['get'],
          all: once(tx.all.bind(tx)) as Tx['all'],
          run: once(tx.run.bind(tx)),
          runMany: once(tx.runMany.bind(tx)),
          // Sent with a later request: never the first answer.
          defer: tx.defer.bind(tx),
          exec: once(tx.exec.bind(tx)),
        });
      });
    },
  });
}

async function seed(): Promise<void> {
  const [companyText, membersText, adminsText, out] = rest;
  const company = Number(companyText);
  const members = Number(membersText);
  const admins = Number(adminsText);
  const store = await openStore(parseLocation(location!), { migrate: false, create: false });
  const ts = now().toISOString();
  try {
    // Pending invitations, 50,000 per transaction (well under sqld's 5 s lock limit).
    for (let start = 0; start < members; start += 50_000) {
      const end = Math.min(members, start + 50_000) - 1;
      await store.write((tx) =>
        tx.run(
          `WITH RECURSIVE s(i) AS (SELECT :start UNION ALL SELECT i + 1 FROM s WHERE i < :end)
           INSERT INTO invitations (company_id, email, role, invited_by, created_at, updated_at)
           SELECT :c, 'seed' || i || '@scale.example', 'DESIGNER', NULL, :ts, :ts FROM s`,
          { start, end, c: company, ts },
        ),
      );
    }
    // Administrators: users with their own main company, ADMINISTRATOR of the big one and
    // of a team company (the first administrator's, on an unlimited plan), an API token each.
    const tokens: string[] = [];
    let team = 0;
    await store.write(async (tx) => {
      const r = new Repo(tx);
      const plan = (await r.defaultPlan())!;
      const unlimited = (await r.planByName('ENTERPRISE'))!;
      for (let i = 0; i < admins; i++) {
        const id = await r.insertUser({
          email: `admin${i}@scale.example`,
          firstName: 'Admin',
          lastName: `N${i}`,
          phone: null,
          passwordHash: 'not-a-password',
          now: ts,
        });
        const main = await r.insertCompany({ name: `Admin${i} Company`, ownerId: id, planId: plan.id, now: ts });
        await r.insertMembership({
          companyId: main,
          userId: id,
          role: 'OWNER',
          status: 'ACTIVE',
          invitedBy: null,
          now: ts,
        });
        await r.insertMembership({
          companyId: company,
          userId: id,
          role: 'ADMINISTRATOR',
          status: 'ACTIVE',
          invitedBy: null,
          now: ts,
        });
        if (i === 0) {
          team = main;
          await r.setCompanyPlan(main, unlimited.id, ts);
        } else
          await r.insertMembership({
            companyId: team,
            userId: id,
            role: 'ADMINISTRATOR',
            status: 'ACTIVE',
            invitedBy: null,
            now: ts,
          });
        await r.setCurrentCompany(id, company);
        const token = `pctl_${randomBytes(24).toString('hex')}`;
        await r.insertToken({
          userId: id,
          kind: 'api',
          name: 'scale',
          hash: hashToken(token),
          now: ts,
          expiresAt: null,
        });
        tokens.push(token);
      }
    });
    writeFileSync(out!, JSON.stringify({ tokens, team }));
  } finally {
    await store.close();
  }
}

async function admins(): Promise<void> {
  const [companyText, tokensJson, out, ctrl, worker, perSecondText, listText] = rest;
  const company = companyText!;
  const tokens = JSON.parse(tokensJson!) as string[];
  const writesPerSecond = Number(perSecondText); // this process's share of the steady rate
  // A store per operation, as each CLI command opens its own (a remote store gives up on
  // every later request once one has timed out: the command it served is over).
  const open = () => openStore(parseLocation(location!), { migrate: false, create: false });
  const phase = () => (existsSync(`${ctrl}/during`) ? 'during' : 'before');
  const stop = () => existsSync(`${ctrl}/stop`);
  const record = (o: Record<string, unknown>) =>
    appendFileSync(out!, JSON.stringify({ worker, phase: phase(), ...o }) + '\n');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // Each administrator writes every tokens.length / writesPerSecond seconds on average and lists now and then.
  const period = (tokens.length / writesPerSecond) * 1000;
  await Promise.all(
    tokens.map(async (token, a) => {
      const cred = { token };
      const mine: string[] = [];
      let n = 0;
      await sleep(Math.random() * period);
      while (!stop()) {
        n++;
        const op = n % 5 === 0 ? 'list' : n % 2 === 0 && mine.length ? 'set-role' : 'invite';
        const t0 = performance.now();
        // This operation's own lock wait (the administrators of a process write concurrently).
        let first = 0;
        let attempts = 0;
        let code = 'OK';
        const raw = await open();
        const svc = {
          store: measured(
            raw,
            (ms) => (first = ms),
            () => attempts++,
          ),
          now,
        };
        try {
          if (op === 'invite') {
            const email = `w${worker}a${a}n${n}@scale.example`;
            await invite(svc, cred, { emails: [email], role: 'MANAGER', company });
            mine.push(email);
          } else if (op === 'set-role') {
            const email = mine[Math.floor(Math.random() * mine.length)]!;
            await setRole(svc, cred, {
              email,
              role: n % 4 === 0 ? 'DESIGNER' : 'MANAGER',
              company: { id: Number(company) },
            });
          } else {
            await raw.read(async (tx) => {
              const r = new Repo(tx);
              await authenticate(r, cred, now());
              return r.memberEmailsPage(Number(listText ?? company), '', 50);
            });
          }
        } catch (e) {
          code = e instanceof PlatformError ? e.code : 'INTERNAL';
        } finally {
          await raw.close();
        }
        const ms = performance.now() - t0;
        record({ op, ms, first: op === 'list' ? null : first, attempts, code });
        await sleep(op === 'list' ? 0 : Math.max(0, period * (0.5 + Math.random()) - ms));
      }
    }),
  );
}

if (mode === 'seed') await seed();
else if (mode === 'admins') await admins();
else {
  console.error('usage: seed|admins …');
  process.exitCode = 2;
}
