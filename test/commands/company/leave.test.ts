import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/company/leave.js';
import { run as showRun } from '../../../src/commands/company/show.js';
import { deleteAccount, update } from '../../../src/domain/accounts.js';
import { listCompanies } from '../../../src/domain/companies.js';
import { listMembers } from '../../../src/domain/members.js';
import { confirmer } from '../../../src/io/confirm.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { checkStore } from '../../../src/domain/health.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter, type Step } from '../scripted-prompter.js';

const ANSWERS: [string, string] = ['YES, LEAVE IT', "NO, IT'S MISTAKE"];

describe.each(ENGINES)('company leave run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser, dan: TestUser, al: TestUser, fay: TestUser;
  let eve: TestUser, gus: TestUser, ivy: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, carol, dan, al, fay, eve, gus, ivy, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['dan@example.com', 'Dan', 'Dean'],
      ['al@example.com', 'Al', 'Smith'],
      ['fay@example.com', 'Fay', 'Fox'],
      ['eve@example.com', 'Eve', 'Evans'],
      ['gus@example.com', 'Gus', 'Green'],
      ['ivy@example.com', 'Ivy', 'Irons'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.setPlan(ann.company.id, 'TEAM', sue);
    // Bob: ADMINISTRATOR in Smith Company (current), DESIGNER in Brown Company.
    await f.join(bob, carol, 'designer');
    await f.join(bob, ann, 'administrator');
    // Dan: only invited to Smith Company.
    await f.invite(ann, ['dan@example.com'], 'manager');
    // Fay: in both companies named "Smith Company", and in Eve's, named like Ann's id.
    await f.join(fay, al, 'designer');
    await update(f.services, eve.cred, { companyName: String(ann.company.id) });
    await f.join(fay, eve, 'designer');
    await f.join(fay, ann, 'designer');
    // Ivy: in Smith Company and in Eve's, for the "resolved once" test.
    await f.join(ivy, eve, 'manager');
    await f.join(ivy, ann, 'manager');
    // Gus: his current company is deleted with its owner.
    const hal = await f.register('hal@example.com', 'Hal', 'Hill');
    await f.join(gus, hal, 'manager');
    await deleteAccount(f.services, hal.cred);
  });

  const leave = async (
    who: TestUser,
    company: string | undefined,
    o: { tty?: boolean; json?: boolean; yes?: boolean; steps?: Step[]; prompter?: (p: Prompter) => Prompter } = {},
  ) => {
    const c = fx().call(who, o);
    const script = scriptedPrompter(o.steps ?? []);
    const prompter = o.prompter ? o.prompter(script.prompter) : script.prompter;
    const done = run({ ...c.deps, company, confirm: confirmer(c.io, prompter, o.yes ?? false) });
    return { done, asked: script.asked, left: script.left, out: c.stdout, err: c.stderr };
  };
  const memberOf = (u: TestUser, companyId: number) =>
    fx().read(async (r) => (await r.membership(companyId, u.id))?.status ?? null);
  const currentOf = (u: TestUser) => fx().read(async (r) => (await r.userById(u.id))!.current_company_id);
  const show = async (who: TestUser, company: string) => {
    const c = fx().call(who, { json: true });
    await showRun({ ...c.deps, company });
    return JSON.parse(c.stdout()) as { id: number };
  };

  it("on a terminal asks with exactly YES, LEAVE IT / NO, IT'S MISTAKE; no cancels (exit 8) and keeps everything", async () => {
    const l = await leave(bob, undefined, {
      tty: true,
      steps: [
        {
          kind: 'choose',
          message: 'Leave "Smith Company" (your role: ADMINISTRATOR)? You will lose access to it.',
          answer: false,
          answers: ANSWERS,
        },
      ],
    });
    const e = await failure(l.done);
    expect(e).toMatchObject({
      code: 'CANCELLED',
      exitCode: 8,
      message: 'Nothing was changed; you are still a member of "Smith Company".',
    });
    expect(l.left()).toBe(0);
    expect([l.out(), l.err()]).toEqual(['', '']);
    expect(await memberOf(bob, ann.company.id)).toBe('ACTIVE');
    expect(await currentOf(bob)).toBe(ann.company.id);
  });

  it('without a terminal and without --yes: CONFIRMATION_REQUIRED (exit 2) naming --yes, no prompt, nothing changed', async () => {
    const l = await leave(bob, 'Smith Company');
    const e = await failure(l.done);
    expect(e).toMatchObject({ code: 'CONFIRMATION_REQUIRED', exitCode: 2 });
    expect(e.message).toBe(
      'Leave "Smith Company" (your role: ADMINISTRATOR)? You will lose access to it. Confirmation needs a terminal (standard input is not a terminal); pass --yes to confirm from a script.',
    );
    expect(l.asked).toEqual([]);
    expect(await memberOf(bob, ann.company.id)).toBe('ACTIVE');
  });

  it('--yes leaves without asking; a company that is not current keeps the current one (--json)', async () => {
    const l = await leave(bob, 'Brown Company', { tty: true, yes: true, json: true });
    await l.done;
    expect(l.asked).toEqual([]);
    expect(JSON.parse(l.out())).toEqual({
      left: true,
      company: { id: carol.company.id, name: 'Brown Company' },
      wasCurrent: false,
    });
    expect(l.err()).toBe('');
    expect(await memberOf(bob, carol.company.id)).toBeNull();
    expect(await currentOf(bob)).toBe(ann.company.id);
  });

  it('on a terminal, YES leaves the current company and the main one becomes current; audited with the role', async () => {
    const l = await leave(bob, undefined, {
      tty: true,
      steps: [{ kind: 'choose', message: /^Leave "Smith Company"/, answer: true, answers: ANSWERS }],
    });
    await l.done;
    expect(l.left()).toBe(0);
    expect(l.out()).toBe('');
    expect(l.err()).toBe('✓ You left "Smith Company"; your main company is current again.\n');
    expect(await memberOf(bob, ann.company.id)).toBeNull();
    expect(await currentOf(bob)).toBe(bob.company.id);
    const [entry] = await fx().read((r) => r.auditPage({ action: 'company.leave', actor: 'bob@example.com' }, 1));
    expect(entry).toMatchObject({
      company_id: ann.company.id,
      company_name: 'Smith Company',
      target: 'bob@example.com',
    });
    expect(JSON.parse(entry!.details!)).toEqual({ role: 'ADMINISTRATOR' });
    // Afterwards: only his main company is his, the OWNER's list no longer has him, and
    // the company he left is answered like any company not his.
    expect((await listCompanies(fx().services, bob.cred)).map((c) => [c.name, c.current])).toEqual([
      ['Jones Company', true],
    ]);
    expect((await listMembers(fx().services, ann.cred, {})).members.map((m) => m.email)).toEqual([
      'ann@example.com',
      'dan@example.com',
      'fay@example.com',
      'ivy@example.com',
    ]);
    expect(await failure(show(bob, 'Smith Company'))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'No company named "Smith Company" among yours. See `platformctl company list`.',
    });
  });

  it('the OWNER cannot leave: OWNER_CANNOT_LEAVE (exit 6) before any question, current or named', async () => {
    for (const ref of [undefined, 'Smith Company', String(ann.company.id)]) {
      const l = await leave(ann, ref, { tty: true });
      const e = await failure(l.done);
      expect(e, String(ref)).toMatchObject({
        code: 'OWNER_CANNOT_LEAVE',
        exitCode: 6,
        message: 'You are the OWNER of "Smith Company" and cannot leave it; delete your account to remove it.',
      });
      expect(l.asked).toEqual([]);
    }
    expect(await memberOf(ann, ann.company.id)).toBe('ACTIVE');
  });

  it('an INVITED company can be left (the invitation is declined) without being accepted first', async () => {
    const l = await leave(dan, 'Smith Company', { yes: true });
    await l.done;
    expect(l.err()).toBe('✓ You left "Smith Company".\n');
    expect(await memberOf(dan, ann.company.id)).toBeNull();
    expect(await currentOf(dan)).toBe(dan.company.id);
  });

  it('a company one is not a member of is NOT_FOUND (exit 5) exactly like a missing one, before any question', async () => {
    // One command at a time, as from a shell: each run is awaited before the next starts.
    const notMine = await leave(carol, 'Smith Company', { tty: true });
    const a = await failure(notMine.done);
    const none = await leave(carol, 'Nowhere Company', { tty: true });
    const b = await failure(none.done);
    expect(a).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(a.message).toBe('No company named "Smith Company" among yours. See `platformctl company list`.');
    expect(b.message.replace('Nowhere', 'Smith')).toBe(a.message);
    const byId = await failure((await leave(carol, String(ann.company.id), { yes: true })).done);
    const noId = await failure((await leave(carol, '999999', { yes: true })).done);
    expect(byId.message.replace(String(ann.company.id), 'N')).toBe(noId.message.replace('999999', 'N'));
    expect([...notMine.asked, ...none.asked]).toEqual([]);
  });

  it('a shared name is AMBIGUOUS (exit 2) before any question; all digits is an id, never a name', async () => {
    const amb = await leave(fay, 'Smith Company', { tty: true });
    expect(await failure(amb.done)).toMatchObject({
      code: 'AMBIGUOUS',
      exitCode: 2,
      message: `2 companies are named "Smith Company"; name one by its id: ${ann.company.id} (owner ann@example.com), ${al.company.id} (owner al@example.com).`,
    });
    expect(amb.asked).toEqual([]);
    // Ann's id leaves Ann's Smith Company, not Eve's company named after that id.
    const byId = await leave(fay, String(ann.company.id), { yes: true, json: true });
    await byId.done;
    expect(JSON.parse(byId.out())).toMatchObject({ company: { id: ann.company.id, name: 'Smith Company' } });
    expect(await memberOf(fay, eve.company.id)).toBe('ACTIVE');
    expect(await memberOf(fay, al.company.id)).toBe('ACTIVE');
    // Ann's id now names no company of Fay's, although Eve's company is named like it.
    expect(await failure(show(fay, String(ann.company.id)))).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect((await show(fay, String(eve.company.id))).id).toBe(eve.company.id);
  });

  it('the company confirmed is the company left, even if a name changes while the question is open', async () => {
    // While Ivy reads the question about Smith Company, Eve renames hers to "Smith Company"
    // too: the name is not looked up again after the yes, so Ivy leaves what she was shown.
    const l = await leave(ivy, 'Smith Company', {
      tty: true,
      steps: [{ kind: 'choose', message: /^Leave "Smith Company" \(your role: MANAGER\)/, answer: true }],
      prompter: (p) => ({
        ...p,
        choose: async (m, yes, no) => {
          await update(fx().services, eve.cred, { companyName: 'Smith Company' });
          return p.choose(m, yes, no);
        },
      }),
    });
    await l.done;
    expect(await memberOf(ivy, ann.company.id)).toBeNull();
    expect(await memberOf(ivy, eve.company.id)).toBe('ACTIVE');
  });

  it('with no current company and no COMPANY: NOT_FOUND saying how to choose one', async () => {
    const e = await failure((await leave(gus, undefined, { yes: true })).done);
    expect(e).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(e.message).toMatch(/^You have no current company/);
  });

  it('SUPPORT who is not a member has nothing to leave: NOT_FOUND', async () => {
    const e = await failure((await leave(sue, String(carol.company.id), { yes: true })).done);
    expect(e).toMatchObject({ code: 'NOT_FOUND', message: 'You are not a member of "Brown Company".' });
  });

  // As \`store check\` after each e2e scenario: what these commands left is a store without a fault.
  it('afterwards the store passes store check', async () => {
    const report = await checkStore(fx().store);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
