import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as accountShow } from '../../src/commands/account/show.js';
import { run as accountUpdate } from '../../src/commands/account/update.js';
import { run as auditList } from '../../src/commands/audit/list.js';
import { run as billingShow } from '../../src/commands/billing/show.js';
import { run as companyList } from '../../src/commands/company/list.js';
import { run as memberInvite } from '../../src/commands/member/invite.js';
import { run as memberList } from '../../src/commands/member/list.js';
import { run as memberRemove } from '../../src/commands/member/remove.js';
import { checkStore } from '../../src/domain/health.js';
import { confirmer } from '../../src/io/confirm.js';
import { describeError } from '../../src/main.js';
import { printable } from '../../src/text.js';
import { ENGINES, useFixture, type Call, type TestUser } from '../helpers/services.js';
import { scriptedPrompter } from './scripted-prompter.js';
import { hostile } from '../helpers/hostile.js';

/**
 * Hostile input, property-based, through the commands' run() on both engines: whatever
 * the names, phone numbers and e-mails, a command never fails with a bug (exit 1), never
 * applies part of a change, and never writes a raw escape sequence or control character
 * (what main() would print for a refusal included). What needs a process stays in
 * test/e2e/fuzz.test.ts: random argv through the real parser, NUL through a stdin pipe.
 *
 * In process a run costs milliseconds, so the properties run many cases; FUZZ_RUNS sets
 * the number and FUZZ_SEED replays a failure (fast-check prints the seed and path).
 */

const RUNS = Number(process.env.FUZZ_RUNS) || 60;
const SEED = Number(process.env.FUZZ_SEED) || undefined;

const hostileEmail = fc.oneof(
  hostile,
  fc.emailAddress(),
  fc.tuple(hostile, fc.constantFrom('@example.com', '@ex\x1bample.com', '@example.com\u202e')).map(([a, b]) => a + b),
);

const phone = fc.oneof(
  hostile,
  fc.stringMatching(/^\+?[0-9][0-9 ().-]{2,30}$/),
  fc.constantFrom('+1 (555) 010-0000', '0'.repeat(40), '+', '١٢٣٤٥'),
);

/** What a run showed: its exit code as main() maps it, stdout, and stderr with main()'s error line. */
interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command's run() and renders a failure as main() prints it without --json (src/main.ts printError). */
async function outcome(c: Call, done: Promise<unknown>): Promise<Outcome> {
  const e = await done.then(
    () => undefined,
    (x: unknown) => ({ x }),
  );
  if (!e) return { exitCode: 0, stdout: c.stdout(), stderr: c.stderr() };
  const d = describeError(e.x);
  return {
    exitCode: d.exit,
    stdout: c.stdout(),
    stderr: `${c.stderr()}error: ${printable(d.message, Number.MAX_SAFE_INTEGER)}\n`,
  };
}

/** What a hostile run must never show: a bug exit, a raw escape or control byte (the same oracle as e2e). */
function expectSane(r: Outcome, what: string) {
  expect(r.exitCode, `${what}: ${r.stderr.slice(0, 400)}`).not.toBe(1);
  expect(r.stderr, what).not.toMatch(/\n\s+at .*\(|INTERNAL|internal error/);
  // bufferIO has no colour, so any ESC or other control byte came from data, not from our colouring.
  expect(r.stdout + r.stderr, what).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
}

describe.each(ENGINES)('hostile input through run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser;

  beforeAll(async () => {
    ann = await fx().register('ann@example.com', 'Ann', 'Fuzz');
  });

  type Account = { user: { firstName: string; lastName: string; phone: string | null } & Record<string, unknown> };
  const showJson = async (): Promise<Account> => {
    const c = fx().call(ann, { json: true });
    await accountShow(c.deps);
    return JSON.parse(c.stdout()) as Account;
  };
  type Member = { email: string; role: string; status: string };
  const membersJson = async (): Promise<Member[]> => {
    const c = fx().call(ann, { json: true });
    await memberList({ ...c.deps, csv: false, all: false });
    return JSON.parse(c.stdout()) as Member[];
  };

  /** Every listing of what Ann can see, piped and on a terminal (no colour), as `what` → outcome. */
  async function listings(): Promise<[string, Outcome][]> {
    const out: [string, Outcome][] = [];
    for (const tty of [false, true]) {
      const runs: [string, (c: Call) => Promise<unknown>][] = [
        ['account show', (c) => accountShow(c.deps)],
        ['company list', (c) => companyList(c.deps)],
        ['member list', (c) => memberList({ ...c.deps, csv: false, all: false })],
        ['billing show', (c) => billingShow(c.deps)],
        ['audit list', (c) => auditList({ ...c.deps, all: true })],
        ['member list --csv', (c) => memberList({ ...c.deps, csv: true, all: false })],
      ];
      for (const [what, f] of runs) {
        const c = fx().call(ann, { tty });
        out.push([`${what}${tty ? ' (terminal)' : ''}`, await outcome(c, f(c))]);
      }
    }
    return out;
  }

  it('account update with hostile names and phones: exit 0 or 2, all fields or none, clean output', async () => {
    // Only `account update` changes the panel, so each run's "after" is the next run's "before"
    // (a run that failed midway, as when fast-check shrinks, leaves it unknown: read again).
    let current: Account | undefined = await showJson();
    const exits = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.option(hostile, { nil: undefined }),
        fc.option(hostile, { nil: undefined }),
        fc.option(phone, { nil: undefined }),
        async (first, last, ph) => {
          // NUL cannot travel in argv, but run() takes it: the rule holds for it too.
          const before = current ?? (await showJson());
          current = undefined;
          const what = `update ${JSON.stringify({ first, last, ph }).slice(0, 200)}`;
          const c = fx().call(ann);
          const r = await outcome(c, accountUpdate({ ...c.deps, firstName: first, lastName: last, phone: ph }));
          exits.add(r.exitCode);
          expectSane(r, what);
          expect([0, 2], `${what}: ${r.stderr}`).toContain(r.exitCode);
          const after = await showJson();
          current = after;
          if (r.exitCode !== 0) {
            expect(after.user, `${what}: a refused update changed nothing`).toEqual(before.user);
          } else {
            if (first !== undefined) expect(after.user.firstName, what).toBe(first.normalize('NFC').trim());
            if (last !== undefined) expect(after.user.lastName, what).toBe(last.normalize('NFC').trim());
            if (ph !== undefined) expect(after.user.phone, what).toBe(ph.trim() === '' ? null : ph.trim());
          }
        },
      ),
      // One update that must be accepted and one that must be refused run besides the
      // random ones: the hostile generators alone left all 60 refused in a CI run.
      {
        numRuns: RUNS,
        seed: SEED,
        examples: [
          ['Ada', 'Lovelace', '+1 555 010 0000'],
          ['\x1b[31mAda', undefined, undefined],
        ],
      },
    );
    // The property saw both outcomes (a generator that only ever refused would prove little).
    if (RUNS >= 30)
      expect([...exits], 'the property saw updates accepted and refused').toEqual(expect.arrayContaining([0, 2]));
    // What was stored prints cleanly in the human panel and every other listing.
    for (const [what, r] of await listings()) {
      expect(r.exitCode, `${what}: ${r.stderr}`).toBe(0);
      expectSane(r, what);
    }
  });

  it('member invite with hostile e-mails: all of them or none, and nothing raw in the lists', async () => {
    // Every run ends by removing whom it invited, so each starts from the OWNER alone.
    const before = await membersJson();
    expect(before).toHaveLength(1);
    const exits = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        // Weighted so that accepted invitations are common: with plain uniform choices about
        // one run in twenty was accepted, and now and then 60 runs saw none (a CI run failed on it).
        fc.oneof(
          fc.array(fc.emailAddress(), { minLength: 1, maxLength: 2 }),
          fc.array(hostileEmail, { minLength: 1, maxLength: 3 }),
        ),
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('DESIGNER', 'manager') },
          { weight: 2, arbitrary: fc.constantFrom('OWNER', 'boss', '\x1b[1m') },
        ),
        async (emails, role) => {
          // NUL and a leading "-" cannot reach invite from argv as e-mails; run() takes them.
          const what = `invite ${JSON.stringify({ emails, role }).slice(0, 200)}`;
          const c = fx().call(ann);
          const r = await outcome(c, memberInvite({ ...c.deps, emails, role }));
          exits.add(r.exitCode);
          expectSane(r, what);
          expect([0, 2, 6], `${what}: ${r.stderr}`).toContain(r.exitCode);
          const after = await membersJson();
          if (r.exitCode === 0)
            expect(after.length, what).toBe(before.length + new Set(emails.map((e) => e.trim().toLowerCase())).size);
          else expect(after, `${what}: a refused invite added nobody`).toEqual(before);
          if (r.exitCode === 0) {
            // Nothing raw in the lists: whom it stored prints cleanly, piped and on a terminal.
            for (const tty of [false, true]) {
              const l = fx().call(ann, { tty });
              const shown = await outcome(l, memberList({ ...l.deps, csv: false, all: false }));
              expect(shown.exitCode, `${what}: member list: ${shown.stderr}`).toBe(0);
              expectSane(shown, `${what}: member list`);
            }
          }
          // Keep room on the FREE plan (3 seats) for the next run.
          for (const m of after.filter((x) => x.role !== 'OWNER')) {
            const rm = fx().call(ann);
            const gone = await outcome(
              rm,
              memberRemove({
                ...rm.deps,
                confirm: confirmer(rm.io, scriptedPrompter([]).prompter, true),
                email: m.email,
              }),
            );
            expect(gone.exitCode, `${what}: remove ${m.email}: ${gone.stderr}`).toBe(0);
          }
        },
      ),
      // One invitation that must be accepted and one that must be refused, besides the
      // random ones (weighting alone left both outcomes to chance).
      {
        numRuns: RUNS,
        seed: SEED,
        examples: [
          [['plain@example.org'], 'DESIGNER'],
          [['plain@example.org'], 'boss'],
        ],
      },
    );
    if (RUNS >= 30)
      expect([...exits], 'the property saw invitations accepted and refused').toEqual(expect.arrayContaining([0, 2]));
  });

  it('stored hostile-looking but valid data prints without raw control characters in every listing', async () => {
    // Valid yet tricky: combining marks, emoji, quotes, a name that looks like a flag, a tab.
    const c = fx().call(ann);
    const r = await outcome(
      c,
      accountUpdate({ ...c.deps, firstName: 'Zoë 🦄', lastName: '--json "O\'Brien"', companyName: 'ACME\t' }),
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const i = fx().call(ann);
    const invited = await outcome(i, memberInvite({ ...i.deps, emails: ['weird+tag@example.com'], role: 'MANAGER' }));
    expect(invited.exitCode, invited.stderr).toBe(0);
    expect(await showJson()).toMatchObject({ user: { firstName: 'Zoë 🦄', lastName: '--json "O\'Brien"' } });
    for (const [what, shown] of await listings()) {
      expect(shown.exitCode, `${what}: ${shown.stderr}`).toBe(0);
      expectSane(shown, what);
    }
    expect((await checkStore(fx().store)).problems).toEqual([]);
  });

  it('text an older build may have stored raw (escapes, bidi, C1, NUL) is escaped in every listing', async () => {
    // Input validation keeps such text out today, so only SQL can put it there: the listings
    // must not rely on that (everything shown goes through one escaping, src/text.ts).
    const now = new Date().toISOString();
    await fx().sql(`UPDATE users SET first_name = :f, last_name = :l, phone = :p WHERE id = :id`, {
      f: '\x1b[31mZoë\x1b[0m',
      l: 'evil\u202egnp.exe',
      p: '\x9b31m\x00',
      id: ann.id,
    });
    await fx().sql(`UPDATE companies SET name = :n WHERE id = :id`, { n: 'ACME\x1b]0;pwned\x07', id: ann.company.id });
    await fx().sql(
      `INSERT INTO invitations (company_id, email, role, created_at, updated_at) VALUES (:c, :e, 'DESIGNER', :now, :now)`,
      { c: ann.company.id, e: 'raw\x1b[2J\u2066@example.com', now },
    );
    for (const [what, shown] of await listings()) {
      expect(shown.exitCode, `${what}: ${shown.stderr}`).toBe(0);
      // A CSV into a file or pipe is data and keeps the exact values (docs/output.md); on a terminal it is escaped.
      if (what === 'member list --csv') expect(shown.stdout).toContain('\nraw\x1b[2J\u2066@example.com,');
      else expectSane(shown, what);
    }
  });
});
