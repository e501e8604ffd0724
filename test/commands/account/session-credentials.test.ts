import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as listTokens } from '../../../src/commands/account/token/list.js';
import { createToken, revokeToken } from '../../../src/domain/api-tokens.js';
import type { Credential } from '../../../src/domain/auth.js';
import { hashToken } from '../../../src/domain/tokens.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

const ENV_HINT =
  'Unset PLATFORMCTL_TOKEN to use your saved sessions, or create a new token (`platformctl account token create`).';

/**
 * What the store keeps of sessions and personal API tokens (hashes only), and how a
 * command refuses one it no longer accepts: from PLATFORMCTL_TOKEN (unset it) or saved
 * (sign in again). The command run here is `account token list`; the rule is the same
 * for every command (src/domain/auth.ts).
 */
describe.each(ENGINES)('session and API token credentials on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser;

  beforeAll(async () => {
    ann = await fx().register('ann@example.com', 'Ann', 'Smith');
  });

  /** `account token list` with this credential (fromEnv: it came from PLATFORMCTL_TOKEN). */
  const list = async (cred: Credential, o: { json?: boolean } = {}) => {
    const c = fx().call(undefined, { json: o.json ?? false });
    await listTokens({ ...c.deps, credential: () => cred });
    return { out: c.stdout(), err: c.stderr() };
  };
  const expire = (token: string) =>
    fx().sql(`UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE token_hash = :h`, {
      h: hashToken(token),
    });

  it('secrets are stored only as SHA-256 hashes: no session or API token in any table (nor, locally, in the file or its log)', async () => {
    const api = (await createToken(fx().services, ann.cred, 'ci', 1)).token;
    const tables = await fx().read((rp) =>
      rp.tx.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`),
    );
    let dump = '';
    for (const { name } of tables)
      dump += JSON.stringify(await fx().read((rp) => rp.tx.all(`SELECT * FROM "${name}"`))) + '\n';
    // The dump does see the tokens: their hashes are there.
    expect(dump).toContain(hashToken(api));
    expect(dump).toContain(hashToken(ann.token));
    const files = engine === 'local' ? [fx().path, `${fx().path}-wal`].filter((f) => existsSync(f)) : [];
    const bytes = files.map((f) => readFileSync(f).toString('latin1') + readFileSync(f).toString('utf8')).join('');
    for (const secret of [ann.token, api])
      for (const haystack of [dump, bytes]) {
        expect(haystack).not.toContain(secret);
        expect(haystack).not.toContain(secret.slice(4, 24));
      }
    const rows = await fx().read((rp) =>
      rp.tx.all<{ kind: string; token_hash: string }>(
        `SELECT kind, token_hash FROM tokens WHERE user_id = :u ORDER BY id`,
        {
          u: ann.id,
        },
      ),
    );
    expect(rows.map((r) => r.kind)).toEqual(['session', 'api']);
    for (const r of rows) expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an expired API token from PLATFORMCTL_TOKEN: exit 3, to unset it or make a new one; listed as EXPIRED', async () => {
    const t = await createToken(fx().services, ann.cred, 'nightly', 1);
    await expire(t.token);
    expect(await failure(list({ token: t.token, fromEnv: true }))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: `The token in PLATFORMCTL_TOKEN has expired. ${ENV_HINT}`,
    });
    const tokens = JSON.parse((await list(ann.cred, { json: true })).out) as { id: number; status: string }[];
    expect(tokens.find((x) => x.id === t.id)?.status).toBe('EXPIRED');
  });

  it('a revoked API token from PLATFORMCTL_TOKEN: exit 3, "was revoked", to unset it', async () => {
    const t = await createToken(fx().services, ann.cred, 'deploy');
    expect(JSON.parse((await list({ token: t.token, fromEnv: true }, { json: true })).out)).not.toEqual([]);
    await revokeToken(fx().services, ann.cred, String(t.id));
    expect(await failure(list({ token: t.token, fromEnv: true }))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: `The token in PLATFORMCTL_TOKEN was revoked. ${ENV_HINT}`,
    });
  });

  it('an expired saved session: exit 3, to sign in again', async () => {
    const bob = await fx().register('bob@example.com', 'Bob', 'Jones');
    expect((await list(bob.cred, { json: true })).out).toBe('[]\n');
    await expire(bob.token);
    expect(await failure(list(bob.cred))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: 'Your session or token has expired. Sign in again with `platformctl account login`.',
    });
  });
});
