import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type SyncOptions } from '../../../src/commands/member/sync.js';
import { listMembers } from '../../../src/domain/members.js';
import { confirmer } from '../../../src/io/confirm.js';
import { ENGINES, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/** A sync larger than one transaction is refused before its plan is printed, with counts and fitting advice. */
describe.each(ENGINES.flatMap((e) => [[e, 'memory'] as const, [e, 'file'] as const]))(
  'member sync beyond the one-transaction size on %s, rows in %s',
  (engine, work) => {
    const fx = useFixture(engine);
    let ann: TestUser;

    beforeAll(async () => {
      const f = fx();
      [ann] = await f.registerAll([['ann@example.com', 'Ann', 'Smith']]);
      await f.grantSupport(ann);
      await f.setPlan(ann.company.id, 'ENTERPRISE');
      await f.invite(
        ann,
        Array.from({ length: 12 }, (_, i) => `old${i}@example.org`),
        'MANAGER',
      );
    });

    const members = async () => (await listMembers(fx().services, ann.cred, {})).members.length;

    const sync = async (rows: string[], over: Partial<SyncOptions> = {}) => {
      const file = join(fx().dir, `f${Math.random()}.csv`);
      writeFileSync(file, ['email,role', ...rows].join('\n') + '\n');
      const c = fx().call(ann);
      const opts: SyncOptions = {
        ...c.deps,
        confirm: confirmer(c.io, scriptedPrompter([]).prompter, true),
        file,
        prune: true,
        dryRun: false,
        check: false,
        tuning: { oneTransaction: 5, memoryMb: work === 'file' ? 0 : undefined },
        ...over,
      };
      const error = await run(opts).then(
        () => undefined,
        (e: unknown) => e as { exitCode: number; message: string },
      );
      return { error, out: c.stdout(), err: c.stderr() };
    };

    it('mostly removals: states the counts and the limit, prints no plan, and does not advise importing', async () => {
      const r = await sync(['ann@example.com,OWNER', 'new0@example.org,DESIGNER']);
      expect(r.error?.exitCode).toBe(2);
      expect(r.error?.message).toContain(
        'This sync would make 13 changes (1 to invite, 0 to re-role, 12 to remove); a sync applies at most 5 on this store, in one transaction. Nothing was changed.',
      );
      expect(r.error?.message).toContain('Remove in steps of at most 5');
      expect(r.error?.message).not.toContain('Import the additions');
      expect(r.out).toBe('');
      expect(await members()).toBe(13);
    });

    it('mostly additions: import them first, then sync', async () => {
      const rows = ['ann@example.com,OWNER', ...Array.from({ length: 12 }, (_, i) => `old${i}@example.org,MANAGER`)];
      for (let i = 0; i < 8; i++) rows.push(`new${i}@example.org,DESIGNER`);
      const r = await sync(rows);
      expect(r.error?.message).toContain('(8 to invite, 0 to re-role, 0 to remove)');
      expect(r.error?.message).toContain('Import the additions and re-roles first with `member import`');
      expect(r.out).toBe('');
      expect(await members()).toBe(13);
    });

    it('--dry-run still prints the whole plan, and says that applying it would be refused', async () => {
      const r = await sync(['ann@example.com,OWNER'], { dryRun: true });
      expect(r.error).toBeUndefined();
      expect(r.out.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(12);
      expect(r.err).toContain('a sync applies at most 5 on this store');
    });
  },
);
