import { describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '../../src/domain/api-tokens.js';
import { engines, useStore } from './harness.js';

/**
 * What a newcomer met without a terminal, as a real process: a PLATFORMCTL_TOKEN from the
 * environment that the store refuses, and a --store the program cannot parse. The rules
 * they found are checked through each command's run() on both engines:
 * test/commands/account/newcomer-rules.test.ts (every refused-credential message,
 * register refusing a taken e-mail before the password, the current password refused as
 * the new one), status.test.ts (account status's states and exit 3),
 * test/commands/store/store-open.test.ts (unknown URL schemes, a path with a colon).
 * The same commands' exit codes through the CLI: account.test.ts, password.test.ts,
 * session.test.ts.
 */
describe.each(engines())('a newcomer without a terminal, on %s', (engine) => {
  const fresh = useStore(engine);

  it('a PLATFORMCTL_TOKEN the store refuses: exit 3, saying to unset it or make a new token, not to sign in', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const api = await ann.as(async (svc, cred) => {
      const token = await createToken(svc, cred, 'ci');
      await revokeToken(svc, cred, String(token.id));
      return token.token;
    });
    const revoked = await t.run(['account', 'show'], { token: api });
    expect([revoked.exitCode, revoked.stdout, revoked.stderr]).toEqual([
      3,
      '',
      'error: The token in PLATFORMCTL_TOKEN was revoked. Unset PLATFORMCTL_TOKEN to use your saved sessions, or create a new token (`platformctl account token create`).',
    ]);
  });
});

// Parsing --store happens before any store is opened: the engine does not matter.
describe('a --store platformctl cannot use', () => {
  const fresh = useStore('local', { check: false });

  it('a URL scheme platformctl does not speak: exit 2 with the schemes it does', async () => {
    const t = await fresh();
    const r = await t.run(['--store', 'ftp://x', 'account', 'status']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([
      2,
      '',
      'error: The store location has an unknown URL scheme "ftp:". A store is a path, file:<path>, or a URL with libsql:, http:, https:, ws: or wss:.',
    ]);
  });
});
