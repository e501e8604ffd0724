import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

/**
 * What staff do for users, through the real CLI on each engine: staff signout (a saved
 * session and a PLATFORMCTL_TOKEN refused afterwards), the support contact reaching
 * `billing show` in another process, the last SUPPORT user's account delete without a
 * terminal, and a token (PLATFORMCTL_TOKEN) that may not mint another; each refusal's
 * exit status. The rules and messages are checked in run() tests on both engines:
 * test/commands/staff/{signout,tools,grant}.test.ts, staff/contact/set.test.ts,
 * account/delete-last-staff.test.ts, account/token-from-token.test.ts.
 */

const err = (r: { exitCode: number; stderr: string }) => [r.exitCode, r.stderr];

describe.each(engines())('staff tools on %s', (engine) => {
  const fresh = useStore(engine);

  it('account delete, account token create, staff contact set and staff signout: stdout, stderr and each exit code', async () => {
    const t = await fresh();
    const [ann, sue] = await Promise.all([t.seed('ann@example.com'), t.seed('sue@example.com', 'Sue', 'Port')]);
    await sue.grantStaff('sue@example.com');

    // The last SUPPORT user: refused before anything is asked, without a terminal.
    expect(err(await sue.run(['account', 'delete']))).toEqual([
      6,
      'error: sue@example.com is the last SUPPORT user; grant SUPPORT to someone else first (`platformctl staff grant EMAIL`), then delete your account.',
    ]);

    // A session creates a token; the token (PLATFORMCTL_TOKEN) creates none: exit 4, nothing on stdout.
    const token = (await ann.json(['account', 'token', 'create', '--name', 'ci'])).token as string;
    const minted = await ann.run(['account', 'token', 'create', '--name', 'forever'], { token });
    expect(err(minted)).toEqual([
      4,
      'error: A personal API token cannot create tokens. Sign in with `platformctl account login` and create it from that session.',
    ]);
    expect(minted.stdout).toBe('');

    // The support contact: staff only (4); something else is refused (2), escaped even in a --json error.
    expect((await ann.run(['staff', 'contact', 'set', 'ann@example.com'])).exitCode).toBe(4);
    const hostile = await sue.run(['--json', 'staff', 'contact', 'set', 'https://evil.example/\u001b]8;;x\u0007']);
    expect(hostile.exitCode).toBe(2);
    expect(JSON.parse(hostile.stderr).error.code).toBe('INVALID_INPUT');
    expect(hostile.stderr).not.toContain('\u001b');
    expect(await sue.json(['staff', 'contact', 'set', 'https://example.com/billing'])).toEqual({
      supportContact: 'https://example.com/billing',
      previous: null,
      changed: true,
    });
    expect(err(await ann.run(['billing', 'show']))).toEqual([
      0,
      'To change the plan, contact support: https://example.com/billing',
    ]);

    // staff signout: SUPPORT only (4); afterwards the saved session and the token are refused (3).
    expect(err(await ann.run(['staff', 'signout', 'sue@example.com']))).toEqual([
      4,
      'error: Only platform staff (SUPPORT) can sign users out.',
    ]);
    expect(await sue.json(['staff', 'signout', 'Ann@Example.com'])).toEqual({
      email: 'ann@example.com',
      revoked: 2,
      self: false,
    });
    const session = await ann.run(['--json', 'account', 'show']);
    expect(session.exitCode).toBe(3);
    expect(JSON.parse(session.stderr).error.code).toBe('AUTH_REQUIRED');
    expect((await t.run(['staff', 'signout', 'nobody@example.com'], { token })).exitCode).toBe(3);
    expect((await sue.run(['staff', 'signout', 'nobody@example.com'])).exitCode).toBe(5);
  }, 150_000);
});
