import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, register } from '../../src/domain/accounts.js';
import { changePassword } from '../../src/domain/password-change.js';
import { grantStaff, signOutEverywhere, unlockAccount } from '../../src/domain/staff.js';
import type { Services } from '../../src/domain/services.js';
import {
  ACCOUNT_LIMIT,
  FORGET_HOURS,
  LOCK_MINUTES,
  SOURCE_LIMIT,
  TOKEN_CHECK_LIMIT,
  afterFailure,
  countersOf,
  lockedUntil,
  tryAgain,
} from '../../src/domain/throttle.js';
import type { ThrottleRow } from '../../src/store/repo.js';
import { openStore } from '../../src/store/open.js';
import { FAST_KDF } from '../helpers/kdf.js';

const PW = 'correct horse battery';
const MINUTE = 60_000;
/** A source id as device-id.ts makes them; `n` tells them apart. */
const device = (n: number | string) => `device-${String(n).padStart(16, '0')}`;

const row = (over: Partial<ThrottleRow>): ThrottleRow => ({
  email: 'ann@example.com',
  source: device(1),
  failures: 0,
  locked_until: null,
  last_success_at: null,
  updated_at: '2026-12-01T12:00:00.000Z',
  ...over,
});

describe('the throttle policy (pure)', () => {
  const now = new Date('2026-12-01T12:00:00.000Z');
  const inMinutes = (m: number) => new Date(now.getTime() + m * MINUTE).toISOString();

  it('locks a source at its SOURCE_LIMIT-th failure, and an unknown source also at the account ceiling', () => {
    let c = countersOf([row({ failures: SOURCE_LIMIT - 2 })], device(1));
    expect(afterFailure(c, 'ann@example.com', device(1), now).lockedUntil).toBeNull();
    c = countersOf([row({ failures: SOURCE_LIMIT - 1 })], device(1));
    expect(afterFailure(c, 'ann@example.com', device(1), now).lockedUntil).toBe(inMinutes(LOCK_MINUTES));
    // A fresh source, but the account's unknown-source counter is one short of the ceiling.
    c = countersOf([row({ source: '*', failures: ACCOUNT_LIMIT - 1 })], device(2));
    const f = afterFailure(c, 'ann@example.com', device(2), now);
    expect(f.lockedUntil).toBe(inMinutes(LOCK_MINUTES));
    expect(f.rows.map((r) => [r.source, r.failures])).toEqual([
      [device(2), 1],
      ['*', ACCOUNT_LIMIT],
    ]);
  });

  it('a known source neither counts on nor waits for the account counter', () => {
    const rows = [
      row({ last_success_at: '2026-11-01T00:00:00.000Z', failures: 1 }),
      row({ source: '*', failures: ACCOUNT_LIMIT + 3, locked_until: inMinutes(10) }),
    ];
    const c = countersOf(rows, device(1));
    expect(lockedUntil(c, now)).toBeNull();
    const f = afterFailure(c, 'ann@example.com', device(1), now);
    expect(f.rows.map((r) => r.source)).toEqual([device(1)]);
    expect(f.lockedUntil).toBeNull();
    // An unknown source waits for it; a password change from anywhere never does.
    const stranger = countersOf(rows, device(9));
    expect(lockedUntil(stranger, now)).toBe(inMinutes(10));
    expect(lockedUntil(stranger, now, true)).toBeNull();
  });

  it('after a lock has passed, one more failure locks again; a quiet counter is forgotten after FORGET_HOURS', () => {
    const expired = row({ failures: SOURCE_LIMIT, locked_until: inMinutes(-1), updated_at: inMinutes(-16) });
    const c = countersOf([expired], device(1));
    expect(lockedUntil(c, now)).toBeNull();
    expect(afterFailure(c, 'ann@example.com', device(1), now).lockedUntil).toBe(inMinutes(LOCK_MINUTES));
    const old = row({
      failures: SOURCE_LIMIT,
      locked_until: inMinutes(-60),
      updated_at: inMinutes(-FORGET_HOURS * 60),
    });
    const f = afterFailure(countersOf([old], device(1)), 'ann@example.com', device(1), now);
    expect(f.rows[0]!.failures).toBe(1);
    expect(f.lockedUntil).toBeNull();
  });

  it('says when to try again in local time, with the minutes left', () => {
    const until = inMinutes(14.2);
    const d = new Date(until);
    const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    expect(tryAgain(until, now)).toBe(`try again after ${local} local time (in 15 minutes)`);
    expect(tryAgain(inMinutes(0.5), now)).toMatch(/\(in 1 minute\)$/);
  });
});

describe('sign-in throttle through login() and password change', () => {
  let dir: string;
  let svc: Services;
  let clock: Date;
  const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * MINUTE));
  /** The error code of an attempt, or 'OK'. */
  const attempt = (email: string, password: string, source: string) =>
    login(svc, email, password, source).then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-throttle-'));
    clock = new Date('2026-12-01T12:00:00.000Z');
    svc = {
      store: await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' }),
      now: () => clock,
      kdf: FAST_KDF,
    };
    // Ann registers from her desktop: it is known to her account from then on.
    await register(
      svc,
      { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', password: PW },
      device('desktop'),
    );
  });
  afterEach(async () => {
    await svc.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one source is locked by its own failures only; the owner on another device is not', async () => {
    for (let i = 1; i < SOURCE_LIMIT; i++)
      expect(await attempt('ann@example.com', 'wrong', device(1))).toBe('BAD_CREDENTIALS');
    expect(await attempt('ann@example.com', 'wrong', device(1))).toBe('THROTTLED');
    // Even the right password is refused there, and the refusal counts nothing more.
    expect(await attempt('ann@example.com', PW, device(1))).toBe('THROTTLED');
    expect(await attempt('ann@example.com', PW, device(2))).toBe('OK');
    advance(LOCK_MINUTES);
    expect(await attempt('ann@example.com', 'wrong', device(1))).toBe('THROTTLED');
    advance(LOCK_MINUTES);
    expect(await attempt('ann@example.com', PW, device(1))).toBe('OK');
    expect(await attempt('ann@example.com', 'wrong', device(1))).toBe('BAD_CREDENTIALS');
  });

  it('strangers rotating sources hit the account ceiling; a device that signed in before still signs in', async () => {
    expect(await attempt('ann@example.com', PW, device('laptop'))).toBe('OK');
    const answers: string[] = [];
    for (let i = 0; i < ACCOUNT_LIMIT; i++) answers.push(await attempt('ann@example.com', 'guess', device(`s${i}`)));
    expect(answers).toEqual([...Array<string>(ACCOUNT_LIMIT - 1).fill('BAD_CREDENTIALS'), 'THROTTLED']);
    expect(await attempt('ann@example.com', PW, device('new-phone'))).toBe('THROTTLED');
    expect(await attempt('ann@example.com', PW, device('laptop'))).toBe('OK');
    // Signing in does not reset the strangers' counter (it would tell them someone signed in).
    expect(await attempt('ann@example.com', PW, device('new-phone'))).toBe('THROTTLED');
    advance(LOCK_MINUTES);
    expect(await attempt('ann@example.com', 'guess', device('s-late'))).toBe('THROTTLED');
  });

  it('the device an account was registered from is known, as after a sign-in: strangers at the ceiling do not hold it back', async () => {
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await attempt('ann@example.com', 'guess', device(`s${i}`));
    expect(await attempt('ann@example.com', PW, device('new-phone'))).toBe('THROTTLED');
    expect(await attempt('ann@example.com', PW, device('desktop'))).toBe('OK');
  });

  it('an e-mail without an account is answered and throttled exactly like one with a wrong password', async () => {
    const run = async (email: string) => {
      const out: string[] = [];
      for (let i = 0; i < SOURCE_LIMIT + 1; i++) out.push(await attempt(email, 'guess', device('x')));
      for (let i = 0; i < ACCOUNT_LIMIT; i++) out.push(await attempt(email, 'guess', device(`r${i}`)));
      return out;
    };
    const known = await run('ann@example.com');
    const unknown = await run('nobody@example.com');
    expect(unknown).toEqual(known);
    expect(known).toContain('THROTTLED');
    // The messages are the same words too.
    const messages: string[] = [];
    for (const e of ['ann@example.com', 'nobody@example.com'])
      messages.push(
        await login(svc, e, 'guess', device('x')).then(
          () => 'signed in',
          (err: Error) => err.message,
        ),
      );
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).toMatch(
      /^Too many failed sign-ins for this e-mail; try again after .* local time \(in \d+ minutes?\), or ask support to unlock it\.$/,
    );
  });

  it('wrong current passwords count toward the throttle and revoke the session at TOKEN_CHECK_LIMIT', async () => {
    const { token } = await login(svc, 'ann@example.com', PW, device('laptop'));
    const change = (current: string, source = device('laptop')) =>
      changePassword(svc, { token }, current, 'a new password', 'a new password', source).then(
        () => 'OK',
        (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
      );
    for (let i = 1; i < TOKEN_CHECK_LIMIT; i++)
      expect(await change(`wrong ${i}`, device(`elsewhere-${i}`))).toBe(
        'BAD_CREDENTIALS: Current password is incorrect.',
      );
    expect(await change('wrong 5', device('elsewhere-5'))).toMatch(
      /^BAD_CREDENTIALS: Current password is incorrect\. That was the 5th wrong current password through this session, so it was revoked/,
    );
    // The right one is too late: the session is gone.
    expect(await change(PW)).toMatch(/^AUTH_REQUIRED/);
  });

  it("a password change is held back by its own device's lock, never by strangers' failures", async () => {
    const { token } = await login(svc, 'ann@example.com', PW, device('laptop'));
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await attempt('ann@example.com', 'guess', device(`s${i}`));
    expect(await attempt('ann@example.com', PW, device('stranger'))).toBe('THROTTLED');
    await expect(
      changePassword(svc, { token }, PW, 'a new password', 'a new password', device('laptop')),
    ).resolves.toMatchObject({ changed: true });
    // This device's own failures lock its changes (and its sign-ins) like any source's.
    for (let i = 1; i < SOURCE_LIMIT; i++) await attempt('ann@example.com', 'typo', device('laptop'));
    const change = (current: string) =>
      changePassword(svc, { token }, current, 'x-new-password', 'x-new-password', device('laptop')).then(
        () => 'OK',
        (e: { code: string }) => e.code,
      );
    expect(await change('typo')).toBe('THROTTLED');
    expect(await change('a new password')).toBe('THROTTLED');
  });

  it('staff unlock lifts every lock at once; staff signout revokes every session and token', async () => {
    const staff = await register(
      svc,
      { email: 'sue@example.com', firstName: 'Sue', lastName: 'Port', password: PW },
      'unit-test-register-01',
    );
    await grantStaff(svc, { token: staff.token }, 'sue@example.com');
    const { token } = await login(svc, 'ann@example.com', PW, device('laptop'));
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await attempt('ann@example.com', 'guess', device(`s${i}`));
    for (let i = 0; i < SOURCE_LIMIT; i++) await attempt('ann@example.com', 'typo', device('laptop'));
    expect(await attempt('ann@example.com', PW, device('laptop'))).toBe('THROTTLED');
    expect(await attempt('ann@example.com', PW, device('phone'))).toBe('THROTTLED');
    await expect(unlockAccount(svc, { token }, 'ann@example.com')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await unlockAccount(svc, { token: staff.token }, 'ann@example.com')).toMatchObject({ unlocked: true });
    expect(await attempt('ann@example.com', PW, device('laptop'))).toBe('OK');
    expect(await attempt('ann@example.com', PW, device('phone'))).toBe('OK');

    await expect(signOutEverywhere(svc, { token }, 'ann@example.com')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const out = await signOutEverywhere(svc, { token: staff.token }, 'ann@example.com');
    expect(out).toMatchObject({ email: 'ann@example.com', self: false });
    expect(out.revoked).toBeGreaterThanOrEqual(4);
    await expect(
      changePassword(svc, { token }, PW, 'a new password', 'a new password', device('laptop')),
    ).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    await expect(unlockAccount(svc, { token: staff.token }, 'nobody@example.com')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
