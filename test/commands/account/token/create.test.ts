import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../../src/commands/account/token/create.js';
import { hashToken } from '../../../../src/domain/tokens.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../../helpers/services.js';

describe.each(ENGINES)('account token create run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser;

  beforeAll(async () => {
    ann = await fx().register('ann@example.com', 'Ann', 'Smith');
  });

  const create = async (
    who: TestUser | undefined,
    name: string,
    o: { expiresIn?: number; json?: boolean; tty?: boolean } = {},
  ) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, name, expiresIn: o.expiresIn });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('the secret alone on stdout (for $(…)), what was made and the advice on stderr; only its hash is stored', async () => {
    const r = await create(ann, 'ci', { tty: true });
    expect(r.out).toMatch(/^pct_[A-Za-z0-9_-]{43}\n$/);
    const secret = r.out.trim();
    expect(r.err).toMatch(
      /^✓ Created token \d+ "ci"\.\n! Copy it now: it is shown only once\. Use it as PLATFORMCTL_TOKEN\.\n$/,
    );
    const stored = await fx().read((rp) =>
      rp.tx.all<Record<string, unknown>>(`SELECT * FROM tokens WHERE kind = 'api'`),
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: 'ci', token_hash: hashToken(secret), expires_at: null });
    expect(JSON.stringify(stored)).not.toContain(secret);
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'token.create' }, 1));
    expect(entry).toMatchObject({ actor_email: 'ann@example.com', target: String(stored[0]!.id) });
    expect(JSON.parse(entry!.details!)).toEqual({ name: 'ci', expiresAt: null });
    expect(JSON.stringify(entry)).not.toContain(secret);
  });

  it('--expires-in DAYS sets the expiry, said on stderr; --json: id, name, token, createdAt, expiresAt', async () => {
    const before = Date.now();
    const r = JSON.parse((await create(ann, ' deploy ', { expiresIn: 90, json: true })).out) as Record<string, unknown>;
    expect(r).toEqual({
      id: expect.any(Number),
      name: 'deploy',
      token: expect.stringMatching(/^pct_/),
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    const days = (Date.parse(r.expiresAt as string) - Date.parse(r.createdAt as string)) / 86_400_000;
    expect(days).toBe(90);
    expect(Date.parse(r.createdAt as string)).toBeGreaterThanOrEqual(before - 1000);
    expect((await create(ann, 'nightly', { expiresIn: 1 })).err).toMatch(
      /^✓ Created token \d+ "nightly", expires \d{4}-\d\d-\d\dT/,
    );
  });

  it('days outside 1 to 3650 and bad names are INVALID_INPUT (exit 2), and nothing is made', async () => {
    const count = async () => (await fx().read((rp) => rp.apiTokens(ann.id))).length;
    const before = await count();
    for (const expiresIn of [0, -1, 3651, 1.5, Number.NaN])
      expect(await failure(create(ann, 'x', { expiresIn })), String(expiresIn)).toMatchObject({
        code: 'INVALID_INPUT',
        exitCode: 2,
        message: '--expires-in must be a whole number of days from 1 to 3650.',
      });
    for (const name of ['', '   ', 'ci\u001b[31m', 'x'.repeat(101)])
      expect(await failure(create(ann, name)), JSON.stringify(name)).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await count()).toBe(before);
  });

  it('a personal API token never creates tokens (exit 4); signed out is exit 3', async () => {
    const secret = (await create(ann, 'ci-2')).out.trim();
    expect(await failure(create({ ...ann, token: secret }, 'child'))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message:
        'A personal API token cannot create tokens. Sign in with `platformctl account login` and create it from that session.',
    });
    expect(await failure(create(undefined, 'ci'))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });
});
