import { beforeAll, describe, expect, it } from 'vitest';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run } from '../../../src/commands/staff/signout.js';
import { login } from '../../../src/domain/accounts.js';
import { createToken } from '../../../src/domain/api-tokens.js';
import { tokenStates } from '../../../src/domain/auth.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture, type TestUser } from '../../helpers/services.js';

// What test/commands/staff/tools.test.ts does not cover already: the line for someone
// else, the store afterwards (sessions and API tokens refused), an unknown e-mail.
describe.each(ENGINES)('staff signout run() on %s', (engine) => {
  const fx = useFixture(engine);
  let sue: TestUser, ann: TestUser, bob: TestUser;

  beforeAll(async () => {
    [sue, ann, bob] = await fx().registerAll([
      ['sue@example.com', 'Sue', 'Staff'],
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
    await fx().grantSupport(sue);
  });

  const signout = async (who: TestUser, email: string, json = false) => {
    const c = fx().call(who, { json });
    await run({ ...c.deps, email });
    return { out: c.stdout(), err: c.stderr() };
  };
  const states = async (tokens: string[]) => (await tokenStates(fx().services, tokens)).map((s) => s.state);

  it("revokes every session and API token of the user (and no one else's); the line counts them", async () => {
    const second = await login(fx().services, 'ann@example.com', TEST_PASSWORD, 'unit-test-device-cccc03');
    const api = await createToken(fx().services, ann.cred, 'ci');
    const r = await signout(sue, 'Ann@Example.com');
    expect(r).toEqual({
      out: '',
      err: '✓ Signed ann@example.com out everywhere: 3 sessions and tokens revoked.\n',
    });
    expect(await states([ann.token, second.token, api.token])).toEqual(['revoked', 'revoked', 'revoked']);
    expect(await states([bob.token, sue.token])).toEqual(['valid', 'valid']);
    // Every one of them is refused from now on, the API token as much as the sessions.
    for (const token of [ann.token, second.token, api.token]) {
      const c = fx().call({ ...ann, token });
      expect(await failure(accountShow(c.deps))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
    }
    // Audited: who signed whom out, and how much was revoked.
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'staff.signout' }, 1));
    expect(entry).toMatchObject({ actor_email: 'sue@example.com', company_id: null, target: 'ann@example.com' });
    expect(JSON.parse(entry!.details!)).toEqual({ revoked: 3 });
    // A revoked credential signs nobody out: AUTH_REQUIRED (exit 3) before anything else.
    expect(await failure(signout({ ...ann, token: api.token }, 'nobody@example.com'))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
    // Nothing left to revoke: still a success, counted as 0.
    const again = await signout(sue, 'ann@example.com', true);
    expect(JSON.parse(again.out)).toEqual({ email: 'ann@example.com', revoked: 0, self: false });
  });

  it('an e-mail without an account: NOT_FOUND, exit 5 (staff only)', async () => {
    expect(await failure(signout(sue, 'nobody@example.com'))).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(await failure(signout(bob, 'sue@example.com'))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: 'Only platform staff (SUPPORT) can sign users out.',
    });
    expect(await failure(signout(bob, 'nobody@example.com'))).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4 });
  });
});
