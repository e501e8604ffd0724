import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite, removeMember, setRole } from '../../src/domain/members.js';
import type { Services } from '../../src/domain/services.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { countingProxy } from '../helpers/counting-proxy.js';
import { useFixture, type TestUser } from '../helpers/services.js';

/**
 * On sqld a write transaction holds the write lock from its BEGIN IMMEDIATE to its
 * COMMIT, and every HTTP round trip in between keeps every other writer waiting (each
 * ~4.4 ms on an idle machine, far more under load: docs/bulk.md). An administrator's
 * write takes the lock with its first request (the session's reads), asks what it needs
 * in one more, and sends its writes with the COMMIT: the lock is held for two round
 * trips, not one per statement.
 */
describe('an administrator write on sqld holds the write lock for two round trips', () => {
  const fx = useFixture('libsql');
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let store: Store;
  let svc: Services;
  let ann: TestUser;

  beforeAll(async () => {
    proxy = await countingProxy(Number(new URL(fx().location).port));
    store = await openStore({ engine: 'libsql', url: proxy.url, key: proxy.url, display: proxy.url });
    svc = { ...fx().services, store };
    ann = await fx().register('ann@example.com', 'Ann', 'Smith');
    await fx().register('bob@example.com', 'Bob', 'Jones');
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
  });

  /** The requests from the one that takes the lock (BEGIN IMMEDIATE) to the one that commits, both included. */
  async function underLock(write: () => Promise<unknown>): Promise<number> {
    const from = proxy.bodies.length;
    await write();
    // The bodies arrive as the requests end; the last one (closing the stream) may trail.
    await new Promise((r) => setTimeout(r, 50));
    const bodies = proxy.bodies.slice(from);
    const begin = bodies.findIndex((b) => b.includes('BEGIN IMMEDIATE'));
    const commit = bodies.findIndex((b, i) => i >= begin && /"COMMIT"/.test(b));
    expect(begin, 'a write transaction was sent').toBeGreaterThanOrEqual(0);
    expect(commit, 'and committed').toBeGreaterThanOrEqual(begin);
    return commit - begin + 1;
  }

  it.each([
    ['invite a registered user', () => invite(svc, ann.cred, { emails: ['bob@example.com'], role: 'DESIGNER' })],
    ['invite an e-mail', () => invite(svc, ann.cred, { emails: ['new@example.com'], role: 'DESIGNER' })],
    ['re-role a member', () => setRole(svc, ann.cred, { email: 'bob@example.com', role: 'MANAGER' })],
    ['re-role an invitation', () => setRole(svc, ann.cred, { email: 'new@example.com', role: 'MANAGER' })],
    ['remove a member', () => removeMember(svc, ann.cred, { email: 'bob@example.com' })],
    ['remove an invitation', () => removeMember(svc, ann.cred, { email: 'new@example.com' })],
  ])('%s: three requests from BEGIN to COMMIT', async (_, write) => {
    expect(await underLock(write)).toBe(3);
  });
});
