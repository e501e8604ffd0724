import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/member/import.js';
import type { BulkTuning } from '../../../src/domain/bulk/job.js';
import { ENGINES, useFixture, type TestUser } from '../../helpers/services.js';

/** What `member import` says: numbers in --json, seat counts, advice that fits. */
describe.each(ENGINES)('member import reports on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, zed: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, zed] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['zed@example.com', 'Zed', 'Zed'],
    ]);
    await f.grantSupport(zed);
    await f.setPlan(zed.company.id, 'ENTERPRISE');
    await f.join(bob, ann, 'MANAGER');
  });

  const imp = async (
    who: TestUser,
    stdin: string,
    o: { json?: boolean; tuning?: BulkTuning; company?: string } = {},
  ) => {
    const c = fx().call(who, { json: o.json ?? false, stdin });
    const error = await run({
      ...c.deps,
      file: '-',
      company: o.company,
      dryRun: false,
      continueOnError: false,
      tuning: o.tuning,
    }).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string; exitCode: number },
    );
    return { error, out: c.stdout(), err: c.stderr() };
  };

  it('a chunked import of new members only: companies[].unchanged is 0, a number, as the total', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => `c${i}@example.org,DESIGNER`);
    const r = await imp(zed, ['email,role', ...rows].join('\n') + '\n', {
      json: true,
      tuning: { oneTransaction: 2, chunkRows: 2, pauseMs: 0 },
    });
    expect(r.error).toBeUndefined();
    const rep = JSON.parse(r.out) as { unchanged: number; run: { mode: string }; companies: Record<string, unknown>[] };
    expect(rep.run.mode).toBe('chunked');
    expect(rep.unchanged).toBe(0);
    expect(rep.companies).toEqual([
      { id: zed.company.id, name: 'Zed Company', invited: 6, updated: 0, removed: 0, unchanged: 0, failed: 0 },
    ]);
  });

  it("the seat error counts the company's members, not the plan's limit", async () => {
    // FREE allows 3: Ann and Bob are 2, so the first new row fits and the second does not.
    const r = await imp(ann, 'email,role\nn1@example.org,DESIGNER\nn2@example.org,DESIGNER\n', { json: true });
    expect(r.error?.code).toBe('SEAT_LIMIT');
    const rep = JSON.parse(r.out) as { errors: { line: number; message: string }[] };
    expect(rep.errors).toEqual([
      expect.objectContaining({
        line: 3,
        message:
          'Plan FREE of "Smith Company" allows 3 users; it has 2, and the invitation on an earlier line of the file takes the rest. Ask support to change the plan.',
      }),
    ]);
  });

  it("a MANAGER's rows are not bad lines to skip: the advice says who can import", async () => {
    const r = await imp(bob, 'email,role,company\nm1@example.org,DESIGNER,Smith Company\n');
    expect(r.error?.code).toBe('PERMISSION_DENIED');
    expect(r.error?.message).toContain('Only an OWNER or ADMINISTRATOR of a company (or SUPPORT) can import into it');
    expect(r.error?.message).not.toContain('--continue-on-error');
  });
});
