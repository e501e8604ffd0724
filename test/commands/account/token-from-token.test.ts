import { beforeAll, describe, expect, it } from 'vitest';
import { run as create } from '../../../src/commands/account/token/create.js';
import { run as list } from '../../../src/commands/account/token/list.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

/** Personal API tokens are created from a session; a token never creates tokens (docs/rules.md). */
describe.each(ENGINES)('account token create run() from a token on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser;

  beforeAll(async () => {
    ann = await fx().register('ann@example.com', 'Ann', 'Smith');
  });

  const names = async (who: TestUser) => {
    const c = fx().call(who, { json: true });
    await list(c.deps);
    return (JSON.parse(c.stdout()) as { name: string }[]).map((t) => t.name);
  };

  it('a session creates one (the secret on stdout); that token creating another is PERMISSION_DENIED (exit 4), nothing printed or made', async () => {
    const c = fx().call(ann, { json: true });
    await create({ ...c.deps, name: 'ci', expiresIn: 1 });
    const token = (JSON.parse(c.stdout()) as { token: string }).token;
    expect(token).toMatch(/^pct_/);

    const viaToken = fx().call({ ...ann, token });
    expect(await failure(create({ ...viaToken.deps, name: 'forever' }))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message:
        'A personal API token cannot create tokens. Sign in with `platformctl account login` and create it from that session.',
    });
    expect(viaToken.stdout()).toBe('');
    expect(await names(ann)).toEqual(['ci']);
  });
});
