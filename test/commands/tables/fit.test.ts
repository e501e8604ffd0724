import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as companyList } from '../../../src/commands/company/list.js';
import { run as memberList } from '../../../src/commands/member/list.js';
import { run as memberInvite } from '../../../src/commands/member/invite.js';
import { run as memberImport } from '../../../src/commands/member/import.js';
import { run as auditList } from '../../../src/commands/audit/list.js';
import { run as tokenList } from '../../../src/commands/account/token/list.js';
import { run as planList } from '../../../src/commands/plan/list.js';
import { createToken } from '../../../src/domain/api-tokens.js';
import { removeMember } from '../../../src/domain/members.js';
import { displayWidth } from '../../../src/output/table.js';
import { useFixture, type TestUser } from '../../helpers/services.js';

/**
 * Every table the tool prints, at 30, 80, 100 and 120 columns (docs/output.md): no line
 * wider than the terminal, identifying text (e-mails, ids, times, actions) and enum-like
 * values (roles, statuses) whole on one line; less important columns left out first.
 */
describe('tables fitted to the terminal', () => {
  const fx = useFixture();
  let ann: TestUser, bob: TestUser;
  const LONG = 'alexandra.montgomery-smith@example.com';
  const VERY_LONG = 'maximilian.alexander.worthington-smythe@example.org';

  beforeAll(async () => {
    const f = fx();
    [ann, bob] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
    await f.register(LONG, 'Alexandra Josephine', 'Montgomery-Smith');
    await f.register('dave@example.com', 'Dave', 'Davis');
    const sue = await f.register('sue@example.com', 'Sue', 'Staff');
    await f.setPlan(ann.company.id, 'TEAM', sue);
    await f.invite(ann, [LONG], 'administrator');
    await f.invite(ann, ['bob@example.com'], 'manager');
    await f.invite(ann, ['dave@example.com'], 'designer');
    await removeMember(f.services, ann.cred, { email: 'dave@example.com' });
    await f.invite(ann, ['dave@example.com'], 'designer');
    await f.invite(ann, ['pending.person@example.com', VERY_LONG], 'designer');
    await createToken(f.services, ann.cred, 'continuous integration deploys', 30);
    mkdirSync(join(f.dir, 'in'));
  });

  const call = (who: TestUser, cols: number) => {
    const c = fx().call(who, { tty: true });
    c.io.columns = cols;
    return c;
  };
  const lines = (out: string) => out.trimEnd().split('\n');

  /** No line wider than the terminal; each value whole on one line. */
  function fits(out: string, cols: number, whole: string[]) {
    for (const l of lines(out)) expect(displayWidth(l), `${cols}: "${l}"`).toBeLessThanOrEqual(cols);
    for (const w of whole)
      expect(
        lines(out).some((l) => l.includes(w)),
        `${cols}: "${w}" whole in\n${out}`,
      ).toBe(true);
  }

  it.each([30, 80, 100, 120])('company list at %i columns: roles and statuses never split', async (cols) => {
    const c = call(bob, cols);
    await companyList(c.deps);
    fits(c.stdout(), cols, ['MANAGER', 'OWNER', 'Jones', 'Smith', String(ann.company.id)]);
    if (cols >= 80) fits(c.stdout(), cols, ['INVITED', 'ACTIVE', 'Smith Company']);
  });

  it.each([80, 100, 120])(
    'member list at %i columns: a long e-mail stays whole, NAME narrows or goes',
    async (cols) => {
      const c = call(ann, cols);
      await memberList({ ...c.deps, csv: false, all: false });
      fits(c.stdout(), cols, [LONG, VERY_LONG, 'pending.person@example.com', 'ADMINISTRATOR']);
      if (cols >= 100) fits(c.stdout(), cols, ['INVITED', 'PENDING', 'Ann Smith']);
    },
  );

  it('member list at 30 columns: roles stay whole', async () => {
    const c = call(bob, 30);
    await memberList({ ...c.deps, csv: false, all: false, company: 'Jones Company' });
    fits(c.stdout(), 30, ['bob@example.com', 'OWNER']);
  });

  it.each([30, 80, 100, 120])('member invite at %i columns', async (cols) => {
    const c = call(ann, cols);
    await memberInvite({ ...c.deps, emails: [`x${cols}@example.com`], role: 'designer' });
    fits(c.stdout(), cols, [`x${cols}@example.com`, 'PENDING']);
    if (cols >= 80) fits(c.stdout(), cols, ['DESIGNER']);
  });

  it.each([80, 100, 120])('member import errors at %i columns: the e-mail and code stay whole', async (cols) => {
    const p = join(fx().dir, 'in', `bad-${cols}.csv`);
    writeFileSync(p, `email,role\n${LONG},boss\nchristopher.someone@example.org,superuser\n`);
    const c = call(ann, cols);
    await memberImport({ ...c.deps, file: p, dryRun: true, continueOnError: true });
    fits(c.stdout(), cols, [LONG, 'christopher.someone@example.org', 'INVALID_INPUT']);
  });

  it.each([80, 100, 120])('audit list at %i columns: e-mails, actions, details words whole', async (cols) => {
    const c = call(ann, cols);
    await auditList({ ...c.deps, all: false });
    const out = c.stdout();
    if (process.env.SHOW_TABLES) console.log(out);
    fits(out, cols, ['dave@example.com', 'member.remove', 'member.invite', 'account.register']);
    // Two e-mails of 15 and 38 columns next to a time and an action need 91 columns.
    if (cols >= 100) fits(out, cols, [LONG]);
    const header = lines(out)[0]!;
    // Words of a wrapped column are never broken while a column could still be left out.
    if (header.includes('COMPANY')) fits(out, cols, ['Smith Company']);
    if (header.includes('DETAILS')) for (const w of ['role=DESIGNER', 'role=ADMINISTRATOR']) fits(out, cols, [w]);
  });

  it.each([80, 100, 120])('account token list at %i columns', async (cols) => {
    const c = call(ann, cols);
    await tokenList(c.deps);
    fits(c.stdout(), cols, ['ACTIVE', 'continuous']);
  });

  it.each([30, 80, 100, 120])('plan list at %i columns', async (cols) => {
    const c = call(ann, cols);
    await planList(c.deps);
    fits(c.stdout(), cols, ['ENTERPRISE', 'unlimited']);
  });
});
