import { describe, expect, it } from 'vitest';
import { engines, useStore, type Engine } from './harness.js';

/**
 * No id is ever reused, and nothing of a deleted company is shown to a later one: its
 * audit entries stay, with the name it had, for SUPPORT only (docs/security.md).
 * The regression: SQLite gave the next company the deleted one's id, and with it the
 * deleted company's audit log.
 */
interface Entry {
  action: string;
  actor: string | null;
  company: { id: number; name: string | null } | null;
  target: string | null;
}

describe.each(engines())('ids on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it("a deleted account's ids are never given again; its company's audit log goes to SUPPORT only", async () => {
    const t = await fresh();
    const [sue, ann] = await Promise.all([
      t.seed('sue@example.com', 'Sue', 'Port'),
      t.seed('ann@example.com', 'Ann', 'Smith'),
    ]);
    await sue.grantStaff('sue@example.com');
    const before = await ann.json(['account', 'show']);
    const annId = before.user.id as number;
    const smithId = before.currentCompany.id as number;
    expect((await ann.run(['member', 'invite', 'pat@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    // Ann is the newest user and hers the newest company: the ids SQLite would hand out next.
    expect((await ann.run(['--yes', 'account', 'delete'])).exitCode).toBe(0);

    const zed = await t.register('zed@example.com', 'Zed', 'Smith');
    const after = await zed.json(['account', 'show']);
    expect(after.user.id).toBeGreaterThan(annId);
    expect(after.currentCompany.id).toBeGreaterThan(smithId);
    // Same name as the deleted company, its own id.
    expect(after.currentCompany.name).toBe('Smith Company');

    const mine = await zed.json<Entry[]>(['audit', 'list', '--limit', '1000']);
    expect(mine.map((e) => [e.action, e.target, e.company?.id])).toEqual([
      ['account.register', 'zed@example.com', after.currentCompany.id],
    ]);
    const byId = await zed.run(['audit', 'list', '--company', String(smithId)]);
    expect(byId.exitCode).toBe(5);

    // SUPPORT keeps the deleted company's entries, with the name it had.
    const all = await sue.json<Entry[]>(['audit', 'list', '--limit', '1000']);
    const old = all.filter((e) => e.company?.id === smithId);
    expect(old.map((e) => e.action).sort()).toEqual(['account.delete', 'account.register', 'member.invite']);
    expect(old.every((e) => e.company?.name === 'Smith Company')).toBe(true);
    expect(old.find((e) => e.action === 'account.delete')).toMatchObject({ actor: 'ann@example.com' });
  });
});
