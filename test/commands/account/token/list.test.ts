import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../../src/commands/account/token/list.js';
import { createToken, revokeToken } from '../../../../src/domain/api-tokens.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../../helpers/services.js';

describe.each(ENGINES)('account token list run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser;
  const ids: Record<string, number> = {};
  const secrets: string[] = [];

  beforeAll(async () => {
    const f = fx();
    [ann, bob] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
    for (const [name, days] of [
      ['ci', undefined],
      ['deploy', 7],
      ['old', 1],
    ] as const) {
      const t = await createToken(f.services, ann.cred, name, days);
      ids[name] = t.id;
      secrets.push(t.token);
    }
    await revokeToken(f.services, ann.cred, String(ids.old));
    await createToken(f.services, bob.cred, 'bobs');
  });

  /** Lists as `who`, optionally with the clock moved on by `days`. */
  const list = async (who: TestUser | undefined, o: { json?: boolean; tty?: boolean; days?: number } = {}) => {
    const c = fx().call(who, o);
    const later = { ...fx().services, now: () => new Date(Date.now() + (o.days ?? 0) * 86_400_000) };
    await run({ ...c.deps, services: () => Promise.resolve(later) });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('--json: your API tokens (never sessions, never secrets) with status and times', async () => {
    const r = await list(ann, { json: true });
    const tokens = JSON.parse(r.out) as { id: number; name: string; status: string; expiresAt: string | null }[];
    expect(tokens.map((t) => [t.id, t.name, t.status])).toEqual([
      [ids.ci, 'ci', 'ACTIVE'],
      [ids.deploy, 'deploy', 'ACTIVE'],
      [ids.old, 'old', 'REVOKED'],
    ]);
    expect(Object.keys(tokens[0]!).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'name', 'status']);
    for (const s of secrets) expect(r.out).not.toContain(s);
    expect(r.err).toBe('');
  });

  it('a token past its expiry is EXPIRED (the session, 30 days, still lives)', async () => {
    const later = JSON.parse((await list(ann, { json: true, days: 8 })).out) as { name: string; status: string }[];
    expect(later.map((t) => `${t.name} ${t.status}`)).toEqual(['ci ACTIVE', 'deploy EXPIRED', 'old REVOKED']);
  });

  it('on a terminal: a table with local times and "never"; piped: tab-separated, ISO times', async () => {
    const tty = (await list(ann, { tty: true })).out.trimEnd().split('\n');
    expect(tty[0]).toMatch(/^ID\s+NAME\s+STATUS\s+CREATED\s+EXPIRES$/);
    expect(tty[1]).toMatch(new RegExp(`^${ids.ci}\\s+ci\\s+ACTIVE\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+never$`));
    const piped = (await list(ann)).out.trimEnd().split('\n');
    expect(piped).toHaveLength(3);
    expect(piped[0]!.split('\t')).toEqual([String(ids.ci), 'ci', 'ACTIVE', expect.stringMatching(/Z$/), 'never']);
  });

  it('only your own tokens; none is an empty list; signed out is exit 3', async () => {
    expect(JSON.parse((await list(bob, { json: true })).out).map((t: { name: string }) => t.name)).toEqual(['bobs']);
    const carol = await fx().register('carol@example.com', 'Carol', 'Brown');
    expect(await list(carol, { json: true })).toEqual({ out: '[]\n', err: '' });
    expect(await failure(list(undefined))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });
});
