import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/member/remove.js';
import { show } from '../../../src/domain/accounts.js';
import { listCompanies } from '../../../src/domain/companies.js';
import { checkStore } from '../../../src/domain/health.js';
import { listMembers } from '../../../src/domain/members.js';
import { CONFIRMATIONS, confirmer } from '../../../src/io/confirm.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter, type Step } from '../scripted-prompter.js';

/** Removing oneself is in self-demotion.test.ts; the confirmation on a real terminal in e2e/confirm-pty. */
describe.each(ENGINES)('member remove run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, adm: TestUser, mgr: TestUser, des: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, adm, mgr, des, , sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['adm@example.com', 'Adam', 'Admin'],
      ['mgr@example.com', 'Meg', 'Manager'],
      ['des@example.com', 'Dee', 'Designer'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    await f.setPlan(ann.company.id, 'TEAM');
    await f.join(adm, ann, 'administrator');
    await f.join(des, ann, 'designer');
    await f.join(mgr, ann, 'manager');
    await f.invite(ann, ['p1@example.com', 'p2@example.com', 'p3@example.com'], 'designer');
  });

  const remove = async (
    who: TestUser | undefined,
    email: string,
    o: { company?: string; json?: boolean; tty?: boolean; yes?: boolean; steps?: Step[] } = {},
  ) => {
    const c = fx().call(who, o);
    const p = scriptedPrompter(o.steps ?? []);
    const done = run({ ...c.deps, confirm: confirmer(c.io, p.prompter, o.yes ?? false), email, company: o.company });
    await done.finally(() => expect(p.left(), 'unanswered questions').toBe(0));
    return { out: c.stdout(), err: c.stderr(), asked: p.asked };
  };
  const members = async () =>
    (await listMembers(fx().services, ann.cred, { company: String(ann.company.id) })).members.map((m) => m.email);

  it('without a terminal and without --yes: CONFIRMATION_REQUIRED (exit 2) with the question and --yes, nothing removed', async () => {
    const e = await failure(remove(adm, 'p1@example.com', { company: 'Smith Company' }));
    expect(e).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      exitCode: 2,
      message:
        'Remove p1@example.com (DESIGNER, PENDING) from "Smith Company"? They will lose access to it. Confirmation needs a terminal (standard input is not a terminal); pass --yes to confirm from a script.',
    });
    expect(await members()).toContain('p1@example.com');
  });

  it("on a terminal asks with YES, REMOVE / NO, IT'S MISTAKE; no is CANCELLED (exit 8) saying who stays", async () => {
    const e = await failure(
      remove(ann, 'des@example.com', {
        tty: true,
        steps: [
          {
            kind: 'choose',
            message: 'Remove des@example.com (DESIGNER, ACTIVE) from "Smith Company"? They will lose access to it.',
            answer: false,
            answers: [CONFIRMATIONS.removeMember.yes, CONFIRMATIONS.removeMember.no],
          },
        ],
      }),
    );
    expect(e).toMatchObject({
      code: 'CANCELLED',
      exitCode: 8,
      message: 'Nothing was changed; des@example.com was not removed from "Smith Company".',
    });
    expect(CONFIRMATIONS.removeMember).toEqual({ yes: 'YES, REMOVE', no: "NO, IT'S MISTAKE" });
    expect(await members()).toContain('des@example.com');
  });

  it('yes on a terminal removes a PENDING invitation: one line on stderr, audited; the seat is free again', async () => {
    const r = await remove(ann, 'P1@Example.com', {
      tty: true,
      steps: [{ kind: 'choose', message: /^Remove p1@example\.com \(DESIGNER, PENDING\)/, answer: true }],
    });
    expect(r).toMatchObject({ out: '', err: '✓ Removed p1@example.com from "Smith Company".\n' });
    expect(await members()).not.toContain('p1@example.com');
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'member.remove' }, 1));
    expect(entry).toMatchObject({
      actor_email: 'ann@example.com',
      company_id: ann.company.id,
      target: 'p1@example.com',
    });
    expect(JSON.parse(entry!.details!)).toEqual({ role: 'DESIGNER', status: 'PENDING' });
  });

  it('--yes --json from an ADMINISTRATOR: the removed member as an object, no question asked', async () => {
    const r = await remove(adm, 'p2@example.com', { company: 'Smith Company', yes: true, json: true });
    expect(r.asked).toEqual([]);
    expect(JSON.parse(r.out)).toEqual({
      removed: true,
      company: { id: ann.company.id, name: 'Smith Company' },
      email: 'p2@example.com',
      role: 'DESIGNER',
      status: 'PENDING',
    });
    expect(r.err).toBe('');
  });

  it('the OWNER is never removed (CONFLICT, exit 6), not even by SUPPORT; an unknown member is NOT_FOUND (exit 5)', async () => {
    for (const who of [adm, sue]) {
      expect(
        await failure(remove(who, 'ann@example.com', { company: String(ann.company.id), yes: true })),
      ).toMatchObject({
        code: 'CONFLICT',
        exitCode: 6,
        message: 'ann@example.com is the OWNER of "Smith Company" and cannot be removed.',
      });
    }
    expect(await failure(remove(ann, 'nobody@example.com', { yes: true }))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'nobody@example.com is not a member of "Smith Company".',
    });
    // The refusal comes before any question.
    expect((await failure(remove(ann, 'bob@example.com', { tty: true }))).message).toBe(
      'bob@example.com is not a member of "Smith Company".',
    );
  });

  it('MANAGER and DESIGNER remove nobody (exit 4), even with --yes', async () => {
    for (const [who, role] of [
      [mgr, 'MANAGER'],
      [des, 'DESIGNER'],
    ] as const) {
      expect(await failure(remove(who, 'p3@example.com', { company: 'Smith Company', yes: true }))).toMatchObject({
        code: 'PERMISSION_DENIED',
        exitCode: 4,
        message: `Only an OWNER or ADMINISTRATOR of "Smith Company" can remove members; your role there is ${role}.`,
      });
    }
    expect(await members()).toContain('p3@example.com');
  });

  it('removing a member whose current company it was leaves them with none (nothing chosen for them)', async () => {
    await fx().switchTo(mgr, ann.company.id);
    await remove(ann, 'mgr@example.com', { yes: true });
    const me = await show(fx().services, mgr.cred);
    expect(me.currentCompany).toBeNull();
    expect((await listCompanies(fx().services, mgr.cred)).map((c) => [c.name, c.current])).toEqual([
      ['Manager Company', false],
    ]);
    // Cleared in the store, not only hidden: `store check` finds no current company that is not theirs.
    expect((await checkStore(fx().store)).problems).toEqual([]);
    const e = await failure(remove(mgr, 'x@example.com', { yes: true }));
    expect(e).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(e.message).toMatch(/^You have no current company/);
  });

  it('SUPPORT removes in any company by id, with the usual question', async () => {
    const r = await remove(sue, 'p3@example.com', { company: String(ann.company.id), yes: true });
    expect(r.err).toBe('✓ Removed p3@example.com from "Smith Company".\n');
    expect(await members()).toEqual(['ann@example.com', 'adm@example.com', 'des@example.com']);
  });

  it('signed out: AUTH_REQUIRED (exit 3) before any question', async () => {
    expect(await failure(remove(undefined, 'des@example.com', { tty: true }))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
  });
});
