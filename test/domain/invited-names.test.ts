import { beforeAll, describe, expect, it } from 'vitest';
import { update } from '../../src/domain/accounts.js';
import { switchCompany } from '../../src/domain/companies.js';
import { listMembers } from '../../src/domain/members.js';
import { failure, useFixture, type TestUser } from '../helpers/services.js';

/**
 * Found from outside: any user could rename their company like yours and invite you; you
 * never accepted, yet every `--company "Smith Company"` (and every `company` cell of your
 * import and sync files, and so your CI drift check) became AMBIGUOUS (exit 2). An
 * invitation grants nothing, names included: among same-named companies only those you
 * accepted count, except for `company switch` and `company leave`, which act on invitations.
 */
describe('company names and invitations nobody accepted', () => {
  const fx = useFixture();
  let ann: TestUser, eve: TestUser;

  beforeAll(async () => {
    [ann, eve] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['eve@example.com', 'Eve', 'Evans'],
    ]);
    await update(fx().services, eve.cred, { companyName: 'Smith Company' });
    await fx().invite(eve, ['ann@example.com'], 'designer');
  });

  it("a stranger's same-named company Ann was only invited to does not make her references ambiguous", async () => {
    const { company } = await listMembers(fx().services, ann.cred, { company: 'Smith Company' });
    expect(company.id).toBe(ann.company.id);
  });

  it('company switch, which accepts invitations, still sees both and asks for an id', async () => {
    const e = await failure(switchCompany(fx().services, ann.cred, 'Smith Company'));
    expect(e).toMatchObject({ code: 'AMBIGUOUS', exitCode: 2 });
    expect(e.message).toContain(`${eve.company.id} (owner eve@example.com)`);
  });
});
