import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/errors.js';
import { invite, listMembers } from '../../src/domain/members.js';
import { parseAssignableRole } from '../../src/domain/roles.js';
import type { Services } from '../../src/domain/services.js';
import { hashToken, newToken } from '../../src/domain/tokens.js';
import { openStore, parseLocation } from '../../src/store/open.js';
import { Repo } from '../../src/store/repo.js';
import type { Store } from '../../src/store/types.js';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const ts = NOW.toISOString();

/** A user with a main company on FREE and a session token, written straight to the store (no scrypt). */
async function seedUser(store: Store, email: string, last: string) {
  return store.write(async (tx) => {
    const r = new Repo(tx);
    const userId = await r.insertUser({
      email,
      firstName: 'T',
      lastName: last,
      phone: null,
      passwordHash: 'unused',
      now: ts,
    });
    const plan = (await r.defaultPlan())!;
    const companyId = await r.insertCompany({ name: `${last} Company`, ownerId: userId, planId: plan.id, now: ts });
    await r.insertMembership({ companyId, userId, role: 'OWNER', status: 'ACTIVE', invitedBy: null, now: ts });
    await r.setCurrentCompany(userId, companyId);
    const token = newToken('session');
    await r.insertToken({ userId, kind: 'session', name: null, hash: hashToken(token), now: ts, expiresAt: null });
    return { token: { token }, companyId };
  });
}

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

describe('member invite (domain, local store)', () => {
  let dir: string;
  let store: Store;
  let env: Services;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-members-'));
    store = await openStore(parseLocation(join(dir, 'platform.db')));
    env = { store, now: () => NOW };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const auditCount = () =>
    store.read(async (tx) => (await tx.get<{ n: number }>('SELECT count(*) AS n FROM audit_log'))!.n);

  it('names a duplicate before counting seats, and writes nothing (no member, no audit entry)', async () => {
    const ann = await seedUser(store, 'ann@example.com', 'Smith');
    await seedUser(store, 'bob@example.com', 'Jones');
    await invite(env, ann.token, { emails: ['bob@example.com', 'p1@example.com'], role: 'designer' });
    const before = await auditCount();
    // FREE allows 3 and the company has 3: the duplicate is still what is reported.
    const e = await failure(
      invite(env, ann.token, { emails: ['new@example.com', 'BOB@example.com'], role: 'DESIGNER' }),
    );
    expect(e.code).toBe('ALREADY_EXISTS');
    expect(e.message).toBe('bob@example.com is already a member of "Smith Company" (DESIGNER, INVITED).');
    expect((await listMembers(env, ann.token, {})).members.map((m) => m.email)).toEqual([
      'ann@example.com',
      'bob@example.com',
      'p1@example.com',
    ]);
    expect(await auditCount()).toBe(before);
  });

  it('refuses more e-mails than free seats with SEAT_LIMIT naming plan and limit, inviting none of them', async () => {
    const ann = await seedUser(store, 'ann@example.com', 'Smith');
    const e = await failure(
      invite(env, ann.token, { emails: ['a@example.com', 'b@example.com', 'c@example.com'], role: 'MANAGER' }),
    );
    expect(e.code).toBe('SEAT_LIMIT');
    expect(e.exitCode).toBe(6);
    expect(e.message).toMatch(/^Plan FREE of "Smith Company" allows 3 users; it has 1, so 3 more would exceed it/);
    expect(e.details).toEqual({ plan: 'FREE', maxUsers: 3, users: 1, adding: 3 });
    expect((await listMembers(env, ann.token, {})).members).toHaveLength(1);
    // The same e-mail twice is one invitation.
    const ok = await invite(env, ann.token, {
      emails: ['a@example.com', 'A@example.com ', 'b@example.com'],
      role: 'manager',
    });
    expect(ok.invited).toEqual([
      { email: 'a@example.com', status: 'PENDING' },
      { email: 'b@example.com', status: 'PENDING' },
    ]);
    expect(ok.users).toBe(3);
  });

  it('accepts role names in any case and never OWNER', () => {
    expect(parseAssignableRole(' administrator ')).toBe('ADMINISTRATOR');
    expect(parseAssignableRole('Designer')).toBe('DESIGNER');
    for (const r of ['owner', 'OWNER', 'Owner'])
      expect(() => parseAssignableRole(r)).toThrow(/Nobody can be given the OWNER role/);
    expect(() => parseAssignableRole('boss')).toThrow(/Unknown role "boss"/);
  });
});
