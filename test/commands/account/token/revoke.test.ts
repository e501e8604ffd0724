import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../../src/commands/account/token/revoke.js';
import { show } from '../../../../src/domain/accounts.js';
import { createToken } from '../../../../src/domain/api-tokens.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../../helpers/services.js';

describe.each(ENGINES)('account token revoke run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser;

  beforeAll(async () => {
    [ann, bob] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
  });

  const revoke = async (who: TestUser | undefined, id: string, o: { json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, id });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('revokes your token: one line on stderr, audited; the token no longer signs anyone in (exit 3)', async () => {
    const t = await createToken(fx().services, ann.cred, 'ci');
    expect(await show(fx().services, { token: t.token })).toMatchObject({ user: { email: 'ann@example.com' } });
    expect(await revoke(ann, ` ${t.id} `)).toEqual({ out: '', err: `✓ Revoked token ${t.id} "ci".\n` });
    expect(await failure(show(fx().services, { token: t.token }))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: 'Your session or token was revoked. Sign in again with `platformctl account login`.',
    });
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'token.revoke' }, 1));
    expect(entry).toMatchObject({ actor_email: 'ann@example.com', target: String(t.id) });
    expect(JSON.parse(entry!.details!)).toEqual({ name: 'ci' });
    expect(await failure(revoke(ann, String(t.id)))).toMatchObject({
      code: 'CONFLICT',
      exitCode: 6,
      message: `Token ${t.id} is already revoked.`,
    });
  });

  it('--json: the id, name and revoked; a token may revoke itself', async () => {
    const t = await createToken(fx().services, ann.cred, 'self');
    expect(JSON.parse((await revoke({ ...ann, token: t.token }, String(t.id), { json: true })).out)).toEqual({
      id: t.id,
      name: 'self',
      revoked: true,
    });
  });

  it("someone else's token, a session's id, or no such id are all NOT_FOUND (exit 5), word for word alike", async () => {
    const bobs = await createToken(fx().services, bob.cred, 'bobs');
    const session = (
      await fx().read((rp) => rp.tx.all<{ id: number }>(`SELECT id FROM tokens WHERE kind = 'session'`))
    )[0]!;
    for (const id of [bobs.id, session.id, 999_999])
      expect(await failure(revoke(ann, String(id))), String(id)).toMatchObject({
        code: 'NOT_FOUND',
        exitCode: 5,
        message: `No personal API token with id ${id}.`,
      });
    expect(await show(fx().services, { token: bobs.token })).toMatchObject({ user: { email: 'bob@example.com' } });
  });

  it('an id that is not a number is INVALID_INPUT (exit 2); signed out is exit 3', async () => {
    for (const id of ['abc', '1e3', '-1', ''])
      expect(await failure(revoke(ann, id)), id).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
    expect((await failure(revoke(ann, 'abc'))).message).toBe('Invalid token id "abc".');
    expect(await failure(revoke(undefined, '1'))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });
});
