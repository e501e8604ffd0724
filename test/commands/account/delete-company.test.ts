import { beforeAll, describe, expect, it } from 'vitest';
import { run as deleteRun } from '../../../src/commands/account/delete.js';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run as companyList } from '../../../src/commands/company/list.js';
import { run as companySwitch } from '../../../src/commands/company/switch.js';
import { run as memberInvite } from '../../../src/commands/member/invite.js';
import { run as memberList } from '../../../src/commands/member/list.js';
import type { Config } from '../../../src/config.js';
import { confirmer } from '../../../src/io/confirm.js';
import { checkStore } from '../../../src/domain/health.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

// What deleting an account does to the companies around it, as the other commands then
// show it (company list, account show, member list, member invite, company switch).
describe.each(ENGINES)('account delete run(): its company and memberships on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser;
  let annConfig: Config;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, carol] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
    ]);
    // Smith Company: Bob (accepted, current there) and a PENDING e-mail; Ann is invited to Carol's.
    await f.invite(ann, ['bob@example.com', 'pending@example.com'], 'designer');
    await f.invite(carol, ['ann@example.com'], 'manager');
    await f.switchTo(bob, 'Smith Company');
    annConfig = await f.config('ann');
    await annConfig.saveSession(f.storeKey, { token: ann.token, email: ann.email });
  });

  const remove = async (o: { yes: boolean; json?: boolean }) => {
    const c = fx().call(ann, { json: o.json ?? false });
    const p = scriptedPrompter([]);
    await deleteRun({
      ...c.deps,
      confirm: confirmer(c.io, p.prompter, o.yes),
      config: () => annConfig,
      storeKey: () => fx().storeKey,
    });
    return { out: c.stdout(), err: c.stderr(), asked: p.asked };
  };
  const json = async <T>(
    who: TestUser,
    cmd: (d: ReturnType<ReturnType<typeof fx>['call']>['deps']) => Promise<void>,
  ): Promise<T> => {
    const c = fx().call(who, { json: true });
    await cmd(c.deps);
    return JSON.parse(c.stdout()) as T;
  };
  const names = async (who: TestUser) =>
    (await json<{ name: string }[]>(who, (d) => companyList(d))).map((c) => c.name);

  it('without a terminal and without --yes: CONFIRMATION_REQUIRED (exit 2), nothing deleted', async () => {
    expect(await failure(remove({ yes: false }))).toMatchObject({ code: 'CONFIRMATION_REQUIRED', exitCode: 2 });
    expect(await names(bob)).toEqual(['Jones Company', 'Smith Company']);
    expect(await names(carol)).toEqual(['Brown Company']);
    expect(
      (await json<{ email: string }[]>(carol, (d) => memberList({ ...d, csv: false, all: false }))).map((m) => m.email),
    ).toEqual(['carol@example.com', 'ann@example.com']);
  });

  it('--yes --json: the company goes with every membership; its members have no current company until they switch', async () => {
    const r = await remove({ yes: true, json: true });
    expect(JSON.parse(r.out)).toEqual({
      deleted: true,
      email: 'ann@example.com',
      company: { id: ann.company.id, name: 'Smith Company' },
      removedMembers: 2,
    });
    expect(r.asked).toEqual([]);

    // Bob: no current company (none stored: not an id of a company that is gone), only his own left.
    expect(await fx().read(async (rp) => (await rp.userById(bob.id))!.current_company_id)).toBeNull();
    const bobNow = await json<{ currentCompany: unknown; companies: { name: string }[] }>(bob, (d) => accountShow(d));
    expect(bobNow.currentCompany).toBeNull();
    expect(bobNow.companies.map((c) => c.name)).toEqual(['Jones Company']);
    const c = fx().call(bob);
    const gone = await failure(memberInvite({ ...c.deps, emails: ['x@example.com'], role: 'DESIGNER' }));
    expect(gone).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(gone.message).toMatch(/^You have no current company/);
    expect((await json<{ name: string }>(bob, (d) => companySwitch({ ...d, company: 'Jones Company' }))).name).toBe(
      'Jones Company',
    );
    expect((await json<{ currentCompany: { name: string } }>(bob, (d) => accountShow(d))).currentCompany).toMatchObject(
      { id: bob.company.id, name: 'Jones Company', role: 'OWNER' },
    );

    // Ann's invitation to Carol's company went too.
    expect(await names(carol)).toEqual(['Brown Company']);
    expect(
      (await json<{ email: string }[]>(carol, (d) => memberList({ ...d, csv: false, all: false }))).map((m) => m.email),
    ).toEqual(['carol@example.com']);

    // The pending invitation went with the company: registering that e-mail joins nothing.
    const pending = await fx().register('pending@example.com', 'Pat', 'Doe');
    expect(await names(pending)).toEqual(['Doe Company']);
  });

  // As \`store check\` after each e2e scenario: what these commands left is a store without a fault.
  it('afterwards the store passes store check', async () => {
    const report = await checkStore(fx().store);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
