import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { newCmdSync, run, type SyncOptions } from '../../../src/commands/member/sync.js';
import { checkStore } from '../../../src/domain/health.js';
import { listMembers } from '../../../src/domain/members.js';
import type { Context } from '../../../src/context.js';
import { CONFIRMATIONS, confirmer } from '../../../src/io/confirm.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';
import { ENGINES, useFixture, writeHooked, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

type Plan = {
  invited: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: number;
  errors: { line: number; email: string | null; code: string; message: string }[];
  drift: boolean;
  applied: boolean;
  companies: { id: number; name: string }[];
  changes: Record<string, unknown>[];
  run: { id: number; mode: string; status: string } | null;
};

describe('member sync flags', () => {
  it('parses its flags into Options', async () => {
    const runF = vi.fn(async (_o: SyncOptions) => {});
    const ctx: Partial<Context> = {
      io: bufferIO().io,
      prompter: scriptedPrompter([]).prompter,
      yes: true,
      json: true,
      processEnv: { PLATFORMCTL_BULK_TX_CHANGES: '5' },
    };
    const cmd = newCmdSync(() => ctx as Context, runF);
    await cmd.parseAsync(['team.csv', '--company', 'Acme', '--prune', '--check', '--format', 'jsonl'], {
      from: 'user',
    });
    expect(runF).toHaveBeenCalledOnce();
    expect(runF.mock.calls[0]![0]).toMatchObject({
      file: 'team.csv',
      company: 'Acme',
      prune: true,
      check: true,
      dryRun: false,
      format: 'jsonl',
      json: true,
      tuning: { oneTransaction: 5 },
    });
  });
});

/**
 * member sync's rules through run(), on both engines (docs/bulk.md). What needs a process
 * stays in e2e/sync.test.ts: exit codes as the shell sees them (2, 5, 6, 9), standard input
 * through a pipe, --yes and the refusal to remove without a terminal.
 */
// Each engine with both ways a run keeps its rows: in memory (small inputs) and in a work file.
describe.each(ENGINES.flatMap((e) => [[e, 'memory'] as const, [e, 'file'] as const]))(
  'member sync run() on %s, rows in %s',
  (engine, work) => {
    const fx = useFixture(engine);
    let ann: TestUser, bob: TestUser, sue: TestUser;

    beforeAll(async () => {
      const f = fx();
      [ann, bob, sue] = await f.registerAll([
        ['ann@example.com', 'Ann', 'Smith'],
        ['bob@example.com', 'Bob', 'Jones'],
        ['sue@example.com', 'Sue', 'Staff'],
      ]);
      await f.grantSupport(sue);
    });

    /** Runs `member sync` as `who` on `stdin` (or a file); never throws: the error is returned. */
    const sync = async (
      who: TestUser,
      input: { stdin: string | PassThrough } | { file: string },
      o: {
        prune?: boolean;
        dryRun?: boolean;
        check?: boolean;
        json?: boolean;
        yes?: boolean;
        tty?: boolean;
        company?: string;
        prompter?: Prompter;
      } = {},
    ) => {
      const c = fx().call(who, {
        json: o.json ?? false,
        tty: o.tty ?? false,
        ...('stdin' in input && typeof input.stdin === 'string' ? { stdin: input.stdin } : {}),
      });
      if ('stdin' in input && typeof input.stdin !== 'string') c.io.stdin = input.stdin;
      const error = await run({
        ...c.deps,
        confirm: confirmer(c.io, o.prompter ?? scriptedPrompter([]).prompter, o.yes ?? false),
        file: 'file' in input ? input.file : '-',
        company: o.company,
        prune: o.prune ?? false,
        dryRun: o.dryRun ?? false,
        check: o.check ?? false,
        tuning: { memoryMb: work === 'file' ? 0 : undefined },
      }).then(
        () => undefined,
        (e: unknown) => e as Error & { code: string; exitCode: number },
      );
      return { error, out: c.stdout(), err: c.stderr() };
    };
    const plan = (r: { out: string }) => JSON.parse(r.out) as Plan;
    const members = async (who: TestUser, company?: string) =>
      (await listMembers(fx().services, who.cred, { company })).members
        .map((m) => `${m.email} ${m.role} ${m.status}`)
        .sort();
    const auditCount = (companyId: number) => fx().read((r) => r.countAudit({ companyId }));
    /**
     * Runs `member sync` (confirmed) as `who` on `stdin` with a store that calls `meanwhile`
     * once, just before the sync's write: someone else changing members between the plan
     * and the write. Returns the call (its stdout and stderr).
     */
    const syncWhileOthersWrite = async (
      who: TestUser,
      stdin: string,
      meanwhile: () => Promise<unknown>,
      o: { json?: boolean; prune?: boolean } = {},
    ) => {
      const services = fx().services;
      const store = writeHooked(services.store, async (n) => {
        if (n === 1) await meanwhile();
      });
      const call = fx().call(who, { stdin, json: o.json ?? false });
      await run({
        ...call.deps,
        services: () => Promise.resolve({ ...services, store }),
        confirm: confirmer(call.io, scriptedPrompter([]).prompter, true),
        file: '-',
        company: undefined,
        prune: o.prune ?? false,
        dryRun: false,
        check: false,
        tuning: { memoryMb: work === 'file' ? 0 : undefined },
      });
      return call;
    };

    it('prints the plan (invite, re-role, remove), asks before removing, never touches the OWNER or other companies, and a second run changes nothing', async () => {
      const f = fx();
      await f.setPlan(ann.company.id, 'TEAM');
      // Ann is invited to Bob's company too, with keep@: nothing there may change.
      await f.invite(bob, ['ann@example.com', 'keep@example.org'], 'MANAGER');
      await f.invite(ann, ['bob@example.com', 'stay@example.org'], 'DESIGNER');
      await f.invite(ann, ['old@example.org'], 'MANAGER');
      const file =
        'email,role\nann@example.com,OWNER\nstay@example.org,designer\nbob@example.com,MANAGER\nnew@example.org,ADMINISTRATOR\n';
      const id = ann.company.id;

      // Without --prune nobody is removed; the plan is a diff.
      const add = await sync(ann, { stdin: file }, { dryRun: true });
      expect(add.error).toBeUndefined();
      expect(add.out).toBe(
        `"Smith Company" (${id}): 1 to invite, 1 to re-role, 0 to remove, 2 unchanged\n` +
          '  ~ bob@example.com DESIGNER -> MANAGER\n' +
          '  + new@example.org ADMINISTRATOR\n',
      );
      expect(add.err).toBe('! Dry run: nothing was written (1 to invite, 1 to re-role, 0 to remove, 2 unchanged).\n');

      // With --prune the plan removes old@ (never the OWNER); without a terminal it needs --yes.
      const noYes = await sync(ann, { stdin: file }, { prune: true });
      expect(noYes.error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', exitCode: 2 });
      expect(noYes.error!.message).toMatch(
        /^Remove 1 member from "Smith Company" \(and invite 1, re-role 1\)\? They will lose access\. Confirmation needs a terminal .*pass --yes to confirm from a script\.$/,
      );
      expect(noYes.out).toMatch(/^ {2}- old@example\.org MANAGER$/m);
      expect(noYes.out).not.toMatch(/ann@example\.com/);
      expect(await members(ann)).toContain('old@example.org MANAGER PENDING');

      const dry = await sync(ann, { stdin: file }, { prune: true, dryRun: true, json: true });
      expect(dry.error).toBeUndefined();
      const p = plan(dry);
      expect(p).toMatchObject({
        invited: 1,
        updated: 1,
        removed: 1,
        unchanged: 2,
        failed: 0,
        drift: true,
        applied: false,
        companies: [{ id, name: 'Smith Company' }],
      });
      expect(p.changes).toEqual([
        { company: id, change: 'update', email: 'bob@example.com', role: 'MANAGER', from: 'DESIGNER' },
        { company: id, change: 'invite', email: 'new@example.org', role: 'ADMINISTRATOR' },
        { company: id, change: 'remove', email: 'old@example.org', role: 'MANAGER' },
      ]);
      expect(await members(ann)).toContain('old@example.org MANAGER PENDING');

      const done = await sync(ann, { stdin: file }, { prune: true, yes: true, json: true });
      expect(done.error).toBeUndefined();
      const d = plan(done);
      expect(d).toMatchObject({
        invited: 1,
        updated: 1,
        removed: 1,
        applied: true,
        run: { id: expect.any(Number), mode: 'single', status: 'done' },
      });
      expect(await members(ann)).toEqual([
        'ann@example.com OWNER ACTIVE',
        'bob@example.com MANAGER INVITED',
        'new@example.org ADMINISTRATOR PENDING',
        'stay@example.org DESIGNER PENDING',
      ]);
      // Bob's company, where Ann is a member too, is untouched.
      expect(await members(bob)).toEqual([
        'ann@example.com MANAGER INVITED',
        'bob@example.com OWNER ACTIVE',
        'keep@example.org MANAGER PENDING',
      ]);
      // Who ran it and every change, grouped by the run id.
      const log = (await fx().read((r) => r.auditPage({ companyId: id }, 1000))).filter(
        (e) => e.details !== null && (JSON.parse(e.details) as { run?: number }).run === d.run!.id,
      );
      expect(log.map((e) => [e.action, e.target, e.actor_email]).sort()).toEqual([
        ['member.invite', 'new@example.org', 'ann@example.com'],
        ['member.remove', 'old@example.org', 'ann@example.com'],
        ['member.set_role', 'bob@example.com', 'ann@example.com'],
        ['member.sync', '-', 'ann@example.com'],
      ]);

      // Idempotent: a second run reports no change and writes nothing, not even an audit entry.
      const entries = await auditCount(id);
      const again = await sync(ann, { stdin: file }, { prune: true });
      expect(again.error).toBeUndefined();
      expect(again.err).toBe('✓ Nothing to change: the store already matches the file.\n');
      expect(await auditCount(id)).toBe(entries);
    });

    it('--check is DRIFT (exit 9) when the store differs from the file, success when it matches, and changes nothing', async () => {
      const [cy] = await fx().registerAll([['cy@example.com', 'Cy', 'Check']]);
      const file = 'email,role\ncy@example.com,OWNER\nx@example.org,MANAGER\n';
      const drift = await sync(cy, { stdin: file }, { check: true, prune: true, json: true });
      expect(drift.error).toMatchObject({
        code: 'DRIFT',
        exitCode: 9,
        message:
          'The store differs from the file: 1 to invite, 0 to re-role, 0 to remove, 1 unchanged. Nothing was changed.',
      });
      expect(plan(drift)).toMatchObject({ drift: true, applied: false, invited: 1 });
      expect(await members(cy)).toEqual(['cy@example.com OWNER ACTIVE']);

      expect((await sync(cy, { stdin: file }, { prune: true, yes: true })).error).toBeUndefined();
      const clean = await sync(cy, { stdin: file }, { check: true, prune: true });
      expect(clean.error).toBeUndefined();
      expect(clean.err).toBe('✓ The store matches the file (2 rows checked).\n');
      const entries = await auditCount(cy.company.id);

      // A member added by hand is drift under --prune.
      await fx().invite(cy, ['extra@example.org'], 'DESIGNER');
      const extra = await sync(cy, { stdin: file }, { check: true, prune: true });
      expect(extra.error).toMatchObject({ code: 'DRIFT', exitCode: 9 });
      expect(extra.out).toMatch(/^ {2}- extra@example\.org DESIGNER$/m);
      expect(await members(cy)).toEqual([
        'cy@example.com OWNER ACTIVE',
        'extra@example.org DESIGNER PENDING',
        'x@example.org MANAGER PENDING',
      ]);
      expect(await auditCount(cy.company.id)).toBe(entries + 1); // the hand-made invitation only
    });

    it('--prune leaves a removed member whose current company it was with none, as member remove does (store check clean)', async () => {
      const [gus, hana, ivo] = await fx().registerAll([
        ['gus@example.com', 'Gus', 'Grey'],
        ['hana@example.com', 'Hana', 'Hale'],
        ['ivo@example.com', 'Ivo', 'Ince'],
      ]);
      await fx().join(hana, gus, 'manager'); // Grey Company is now Hana's current company
      await fx().join(ivo, gus, 'designer');
      await fx().switchTo(ivo, ivo.company.id); // Ivo's current company is his own again
      const current = (u: TestUser) => fx().read(async (r) => (await r.userById(u.id))?.current_company_id ?? null);
      expect([await current(hana), await current(ivo)]).toEqual([gus.company.id, ivo.company.id]);
      const r = await sync(gus, { stdin: 'email,role\nx@example.org,DESIGNER\n' }, { prune: true, yes: true });
      expect(r.error).toBeUndefined();
      expect(await members(gus)).toEqual(['gus@example.com OWNER ACTIVE', 'x@example.org DESIGNER PENDING']);
      // Removed from her current company: none (docs/rules.md); Ivo keeps his own.
      expect([await current(hana), await current(ivo)]).toEqual([null, ivo.company.id]);
      expect((await checkStore(fx().store)).problems).toEqual([]);
    });

    it('--json after applying reports what was applied: members changed by someone else between the plan and the write count as found', async () => {
      const [gil] = await fx().registerAll([['gil@example.com', 'Gil', 'Gale']]);
      await fx().setPlan(gil.company.id, 'TEAM', sue);
      await fx().invite(gil, ['x@example.org', 'y@example.org'], 'DESIGNER');
      // The plan: re-role x and y, invite z and w. Before the sync writes, someone makes x an
      // ADMINISTRATOR, y a MANAGER and invites z: x is re-roled from ADMINISTRATOR, y and z
      // are found as the file wants them, w is invited.
      const stdin =
        'email,role\nx@example.org,MANAGER\ny@example.org,MANAGER\nz@example.org,DESIGNER\nw@example.org,DESIGNER\n';
      const c = await syncWhileOthersWrite(
        gil,
        stdin,
        async () => {
          await fx().sql(
            `UPDATE invitations SET role = 'ADMINISTRATOR' WHERE company_id = :c AND email = 'x@example.org'`,
            { c: gil.company.id },
          );
          await fx().sql(`UPDATE invitations SET role = 'MANAGER' WHERE company_id = :c AND email = 'y@example.org'`, {
            c: gil.company.id,
          });
          await fx().invite(gil, ['z@example.org'], 'DESIGNER');
        },
        { json: true },
      );
      const p = plan({ out: c.stdout() });
      expect(p).toMatchObject({ invited: 1, updated: 1, removed: 0, unchanged: 2, applied: true });
      expect(p.changes).toEqual([
        { company: gil.company.id, change: 'invite', email: 'w@example.org', role: 'DESIGNER' },
        { company: gil.company.id, change: 'update', email: 'x@example.org', role: 'MANAGER', from: 'ADMINISTRATOR' },
      ]);
      expect(p.companies).toMatchObject([{ id: gil.company.id, invited: 1, updated: 1, unchanged: 2 }]);
    });

    it('on a terminal, a result that differs from the plan printed above says so', async () => {
      const [hal] = await fx().registerAll([['hal@example.com', 'Hal', 'Hale']]);
      await fx().invite(hal, ['x@example.org'], 'DESIGNER');
      const stdin = 'email,role\nx@example.org,MANAGER\ny@example.org,DESIGNER\n';
      const c = await syncWhileOthersWrite(hal, stdin, () => fx().invite(hal, ['y@example.org'], 'DESIGNER'));
      expect(c.stdout()).toContain('+ y@example.org DESIGNER');
      expect(c.stderr()).toContain('Synced: 0 invited, 1 re-roled, 0 removed, 1 unchanged');
      expect(c.stderr()).toMatch(
        /Someone changed some of these members after the plan above was made: each change was decided again as it was written \(planned: 1 to invite, 1 to re-role, 0 to remove\); `audit list --run \d+` lists what was done\./,
      );
    });

    it('a result with the same counts as the plan but other changes is said to differ too; a removal reports the role the member had', async () => {
      const [ida] = await fx().registerAll([['ida@example.com', 'Ida', 'Ide']]);
      await fx().setPlan(ida.company.id, 'TEAM', sue);
      await fx().invite(ida, ['m1@example.org', 'm2@example.org'], 'MANAGER');
      // The plan: re-role m1 to DESIGNER, invite n1, remove m2 (a MANAGER). Before the write
      // someone removes m1, invites n1 as an ADMINISTRATOR and makes m2 an ADMINISTRATOR:
      // m1 is invited, n1 re-roled, m2 removed as the ADMINISTRATOR it then was. The same
      // counts (1 invited, 1 re-roled, 1 removed), other changes.
      const stdin = 'email,role\nm1@example.org,DESIGNER\nn1@example.org,MANAGER\n';
      const c = ida.company.id;
      const meanwhile = async () => {
        await fx().sql(`DELETE FROM invitations WHERE company_id = :c AND email = 'm1@example.org'`, { c });
        await fx().invite(ida, ['n1@example.org'], 'ADMINISTRATOR');
        await fx().sql(
          `UPDATE invitations SET role = 'ADMINISTRATOR' WHERE company_id = :c AND email = 'm2@example.org'`,
          {
            c,
          },
        );
      };
      const text = await syncWhileOthersWrite(ida, stdin, meanwhile, { prune: true });
      expect(text.stderr()).toContain('Synced: 1 invited, 1 re-roled, 1 removed');
      expect(text.stderr()).toContain('Someone changed some of these members after the plan above was made');
      // The same again, in JSON, from the planned state.
      await fx().sql(`DELETE FROM invitations WHERE company_id = :c`, { c });
      await fx().invite(ida, ['m1@example.org', 'm2@example.org'], 'MANAGER');
      const json = await syncWhileOthersWrite(ida, stdin, meanwhile, { prune: true, json: true });
      expect(JSON.parse(json.stdout())).toMatchObject({ applied: true, differs: true });
      expect(plan({ out: json.stdout() }).changes).toEqual([
        { company: c, change: 'invite', email: 'm1@example.org', role: 'DESIGNER' },
        { company: c, change: 'update', email: 'n1@example.org', role: 'MANAGER', from: 'ADMINISTRATOR' },
        { company: c, change: 'remove', email: 'm2@example.org', role: 'ADMINISTRATOR' },
      ]);
    });

    it('counts seats on the final state: a swap in a full FREE company succeeds, a final state over the plan fails whole (exit 6)', async () => {
      const [fe] = await fx().registerAll([['fe@example.com', 'Fe', 'Free']]);
      // FREE: 3 seats, all taken.
      await fx().invite(fe, ['a@example.org', 'b@example.org'], 'MANAGER');
      const swap = 'email,role\na@example.org,MANAGER\nc@example.org,DESIGNER\n';
      const ok = await sync(fe, { stdin: swap }, { prune: true, yes: true });
      expect(ok.error).toBeUndefined();
      expect(await members(fe)).toEqual([
        'a@example.org MANAGER PENDING',
        'c@example.org DESIGNER PENDING',
        'fe@example.com OWNER ACTIVE',
      ]);
      const over = 'email,role\na@example.org,MANAGER\nc@example.org,DESIGNER\nd@example.org,DESIGNER\n';
      const full = await sync(fe, { stdin: over }, { prune: true, yes: true });
      expect(full.error).toMatchObject({ code: 'SEAT_LIMIT', exitCode: 6 });
      expect(full.error!.message).toBe(
        'After this sync "Free Company" would have 4 users; plan FREE allows 3. Nothing was changed. Ask support to change the plan, or remove members in the file.',
      );
      expect(await members(fe)).toHaveLength(3);
    });

    it('refuses bad files whole: conflicting duplicates (every line named), an empty file with --prune; a non-member is NOT_FOUND (exit 5) before the input is read', async () => {
      const [di] = await fx().registerAll([['di@example.com', 'Di', 'Dupes']]);
      await fx().invite(di, ['keep@example.org'], 'MANAGER');
      const before = ['di@example.com OWNER ACTIVE', 'keep@example.org MANAGER PENDING'];
      const dup = await sync(
        di,
        { stdin: 'email,role\nx@example.org,MANAGER\nx@example.org,DESIGNER\nx@example.org,MANAGER\n' },
        { prune: true, yes: true, json: true },
      );
      expect(dup.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(plan(dup).errors.map((e) => [e.line, e.email, e.code])).toEqual([
        [2, 'x@example.org', 'INVALID_INPUT'],
        [3, 'x@example.org', 'INVALID_INPUT'],
        [4, 'x@example.org', 'INVALID_INPUT'],
      ]);
      expect(dup.error!.message).toMatch(
        /^Nothing was changed: 3 bad lines; the first is line 2: .* A sync applies a file whole: fix them and run it again\.$/,
      );
      // An empty (or truncated-to-the-header) file never empties a company.
      const empty = await sync(di, { stdin: '' }, { prune: true, yes: true });
      expect(empty.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(empty.error!.message).toBe(
        'The CSV is empty: it needs a header line naming the columns email and role (and optionally company).',
      );
      const header = await sync(di, { stdin: 'email,role\n' }, { prune: true, yes: true });
      expect(header.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(header.error!.message).toBe(
        '--prune refuses a file with no rows: it would remove every member but the OWNER. Nothing was changed.',
      );
      expect(await members(di)).toEqual(before);

      // Bob is not a member of Di's company: to him it does not exist, refused before a
      // standard input that never ends is read.
      const never = new PassThrough();
      const denied = await sync(bob, { stdin: never }, { company: 'Dupes Company', prune: true, yes: true });
      expect(denied.error).toMatchObject({
        code: 'NOT_FOUND',
        exitCode: 5,
        message: 'No company named "Dupes Company" among yours. See `platformctl company list`.',
      });
      expect(await members(di)).toEqual(before);
    });

    describe('asking before removing', () => {
      let tia: TestUser;
      let file: string;

      beforeAll(async () => {
        [tia] = await fx().registerAll([['tia@example.com', 'Tia', 'Terminal']]);
        await fx().invite(tia, ['old@example.org'], 'MANAGER');
        file = join(fx().dir, 'team.csv');
        writeFileSync(file, 'email,role\ntia@example.com,OWNER\nnew@example.org,DESIGNER\n');
      });
      const roster = async () => (await members(tia)).map((m) => m.replace(/ \w+$/, ''));

      it("on a terminal, a plan that removes asks YES, REMOVE / NO, IT'S MISTAKE; no cancels (exit 8) and changes nothing", async () => {
        const p = scriptedPrompter([
          {
            kind: 'choose',
            message: /^Remove 1 member from "Terminal Company"/,
            answer: false,
            answers: [CONFIRMATIONS.removeMember.yes, CONFIRMATIONS.removeMember.no],
          },
        ]);
        const r = await sync(tia, { file }, { prune: true, tty: true, prompter: p.prompter });
        expect(r.error).toMatchObject({ code: 'CANCELLED', exitCode: 8 });
        expect(p.left()).toBe(0);
        expect(r.out).toMatch(/\+ new@example\.org DESIGNER\n {2}- old@example\.org MANAGER\n/);
        expect(await roster()).toEqual(['old@example.org MANAGER', 'tia@example.com OWNER']);
      });

      it('without a terminal it needs --yes (exit 2) and never prompts; --check and --dry-run never ask', async () => {
        const r = await sync(tia, { file }, { prune: true });
        expect(r.error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', exitCode: 2 });
        expect((await sync(tia, { file }, { prune: true, tty: true, check: true })).error).toMatchObject({
          code: 'DRIFT',
        });
        expect((await sync(tia, { file }, { prune: true, tty: true, dryRun: true })).error).toBeUndefined();
        expect(await roster()).toEqual(['old@example.org MANAGER', 'tia@example.com OWNER']);
      });

      it('yes applies the plan; the next run has nothing to change and does not ask', async () => {
        const p = scriptedPrompter([{ kind: 'choose', message: /^Remove 1 member/, answer: true }]);
        const r = await sync(tia, { file }, { prune: true, tty: true, prompter: p.prompter });
        expect(r.error).toBeUndefined();
        expect(r.err).toMatch(/Synced: 1 invited, 0 re-roled, 1 removed, 1 unchanged \(run \d+\)/);
        expect(await roster()).toEqual(['new@example.org DESIGNER', 'tia@example.com OWNER']);
        const again = await sync(tia, { file }, { prune: true, tty: true });
        expect(again.error).toBeUndefined();
        expect(again.err).toMatch(/Nothing to change/);
      });
    });
  },
);
