import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/member/import.js';
import type { BulkTuning } from '../../../src/domain/bulk/job.js';
import { PlatformError } from '../../../src/errors.js';
import { ENGINES, useFixture, writeHooked, type TestUser } from '../../helpers/services.js';

/**
 * What a run's record (bulk_runs.counts) and its audit entries (member.import,
 * member.import.stop) say it came to: the lines it reached, with the failures of applying
 * and the lines repeating them, on both engines. (The report on stdout: import.test.ts.)
 */
describe.each(ENGINES)('member import run records on %s', (engine) => {
  const fx = useFixture(engine);
  let sue: TestUser;

  beforeAll(async () => {
    [sue] = await fx().registerAll([['sue@example.com', 'Sue', 'Staff']]);
    await fx().grantSupport(sue);
  });

  /**
   * Runs `member import` (JSON, --continue-on-error) on `stdin` with a store whose write
   * transactions go through `hook(n)` first (n from 1: the run record, then each chunk).
   */
  const imp = async (
    who: TestUser,
    stdin: string,
    tuning: BulkTuning,
    hook: (n: number) => Promise<void>,
    continueOnError = true,
    company?: string,
  ) => {
    const services = fx().services;
    const store = writeHooked(services.store, hook);
    const c = fx().call(who, { json: true, stdin });
    const error = await run({
      ...c.deps,
      services: () => Promise.resolve({ ...services, store }),
      file: '-',
      company,
      format: undefined,
      dryRun: false,
      continueOnError,
      tuning,
    }).then(
      () => undefined,
      (e: unknown) => e as PlatformError,
    );
    return { error, out: c.stdout(), err: c.stderr() };
  };

  /** The newest run's record (or run `id`'s), and its audit entries by action. */
  const lastRun = async (id?: number) =>
    fx().read(async (r) => {
      const run = (await r.tx.get<{
        id: number;
        status: string;
        error: string | null;
        rows: number;
        last_line: number;
        counts: string;
      }>(
        `SELECT id, status, error, rows, last_line, counts FROM bulk_runs WHERE id = coalesce(:id, (SELECT max(id) FROM bulk_runs))`,
        {
          id: id ?? null,
        },
      ))!;
      const entries = await r.tx.all<{ action: string; details: string }>(
        `SELECT action, details FROM audit_log WHERE run_id = :id AND action LIKE 'member.import%' ORDER BY id`,
        { id: run.id },
      );
      return {
        id: run.id,
        status: run.status,
        error: run.error,
        rows: run.rows,
        lastLine: run.last_line,
        counts: JSON.parse(run.counts) as Record<string, number>,
        entries: Object.fromEntries(entries.map((e) => [e.action, JSON.parse(e.details) as Record<string, unknown>])),
      };
    });

  // Line 2 is refused on reading, 4 and 8 repeat line 3 (unchanged), 6 is a bad e-mail.
  const file = (p: string) =>
    [
      'email,role',
      `${p}bad-role@example.org,BOSS`,
      `${p}1@example.org,DESIGNER`,
      `${p}1@example.org,DESIGNER`,
      `${p}2@example.org,DESIGNER`,
      'not-an-email,DESIGNER',
      `${p}3@example.org,DESIGNER`,
      `${p}1@example.org,designer`,
    ].join('\n') + '\n';

  it('a chunked run stopped midway: its record and stop entry count the lines it reached, not the whole file', async () => {
    const ann = await fx().register(`ann-${engine}@example.com`, 'Ann', 'Aa');
    await fx().setPlan(ann.company.id, 'ENTERPRISE', sue);
    // One change per chunk: the run record, chunk 1 (lines up to 3), then chunk 2 fails.
    const r = await imp(ann, file('a'), { oneTransaction: 1, chunkRows: 1, pauseMs: 0 }, async (n) => {
      if (n === 3) throw new PlatformError('STORE_UNAVAILABLE', 'The store went away.');
    });
    expect(r.error?.code, String(r.error)).toBe('STORE_UNAVAILABLE');
    const run = await lastRun();
    expect(run).toMatchObject({ status: 'failed', rows: 1, lastLine: 3 });
    // Lines 2-3: one invitation, one failure; nothing unchanged yet (line 4 was not reached).
    const counts = { invited: 1, updated: 0, removed: 0, unchanged: 0, failed: 1 };
    expect(run.counts).toEqual(counts);
    expect(run.entries['member.import.stop']).toMatchObject({ applied: 1, lastLine: 3, ...counts });
    // --json still gets its document: what the run applied, and the run (failed) with its id.
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      invited: 1,
      updated: 0,
      unchanged: 0,
      failed: 1,
      applied: true,
      dryRun: false,
      run: { id: run.id, mode: 'chunked', status: 'failed' },
      companies: [{ id: ann.company.id, invited: 1, updated: 0, unchanged: 0, failed: 1 }],
    });
    expect((doc.errors as { line: number }[]).map((e) => e.line)).toEqual([2]);
  });

  it('a stopped run whose record could not be written either (the store gone): --json says its run is still running', async () => {
    const ace = await fx().register(`ace-${engine}@example.com`, 'Ace', 'Ac');
    await fx().setPlan(ace.company.id, 'ENTERPRISE', sue);
    // The run record, chunk 1, then every write fails: chunk 2 and the stop record.
    const r = await imp(ace, file('c'), { oneTransaction: 1, chunkRows: 1, pauseMs: 0 }, async (n) => {
      if (n >= 3) throw new PlatformError('STORE_UNAVAILABLE', 'The store went away.');
    });
    expect(r.error?.code, String(r.error)).toBe('STORE_UNAVAILABLE');
    expect(r.error?.message).toContain('the record is `running`');
    const run = await lastRun();
    expect(run.status).toBe('running');
    expect(JSON.parse(r.out)).toMatchObject({ invited: 1, run: { id: run.id, mode: 'chunked', status: 'running' } });
  });

  it('a chunked run that completes: every line, the failures of applying and their repeats included', async () => {
    // FREE: 3 users. Planning sees Bea alone: room for b1 and b2, none for b3 (line 7).
    // Before the import writes someone takes a seat, so b2 (line 5) finds none when applied.
    const bea = await fx().register(`bea-${engine}@example.com`, 'Bea', 'Bb');
    const r = await imp(bea, file('b'), { oneTransaction: 1, chunkRows: 1, pauseMs: 0 }, async (n) => {
      if (n === 1) await fx().invite(bea, ['someone@example.org'], 'DESIGNER');
    });
    expect(r.error, String(r.error)).toBeUndefined();
    const rep = JSON.parse(r.out) as { invited: number; unchanged: number; failed: number };
    const run = await lastRun();
    // Done: it reached the last line (8), where its counts end too.
    expect(run).toMatchObject({ status: 'done', lastLine: 8 });
    const counts = { invited: 1, updated: 0, removed: 0, unchanged: 2, failed: 4 };
    expect(run.counts).toEqual(counts);
    expect(rep).toMatchObject({ invited: 1, unchanged: 2, failed: 4 });
    expect(run.entries['member.import']).toMatchObject({ invited: 1, updated: 0, unchanged: 2, failed: 4 });
  });

  it('one transaction: a failure of applying and the line repeating it count as failed, not unchanged', async () => {
    const cy = await fx().register(`cy-${engine}@example.com`, 'Cy', 'Cc');
    const stdin =
      'email,role\nq1@example.org,DESIGNER\nq2@example.org,DESIGNER\nq1@example.org,DESIGNER\nq2@example.org,designer\n';
    const r = await imp(cy, stdin, {}, async (n) => {
      if (n === 1) await fx().invite(cy, ['someone@example.org'], 'DESIGNER');
    });
    expect(r.error, String(r.error)).toBeUndefined();
    const run = await lastRun();
    const counts = { invited: 1, updated: 0, removed: 0, unchanged: 1, failed: 2 };
    expect(run).toMatchObject({ status: 'done', lastLine: 5, counts });
    expect(run.entries['member.import']).toMatchObject({ invited: 1, unchanged: 1, failed: 2 });
  });

  it('stopped by a row that failed as it was applied: the stop counts that row; a re-run with nothing it can apply says so', async () => {
    // FREE: 3 users. Planning sees Dee alone: room for d1 and d2. Before the second chunk
    // someone takes a seat, so d2 (line 3) fails as it is applied and, without
    // --continue-on-error, stops the run after line 2.
    const dee = await fx().register(`dee-${engine}@example.com`, 'Dee', 'Dd');
    const input = 'email,role\nd1@example.org,DESIGNER\nd2@example.org,DESIGNER\nd1@example.org,DESIGNER\n';
    const tuning = { oneTransaction: 1, chunkRows: 1, pauseMs: 0 };
    const r = await imp(
      dee,
      input,
      tuning,
      async (n) => {
        if (n === 3) await fx().invite(dee, ['someone@example.org'], 'DESIGNER');
      },
      false,
    );
    expect(r.error?.code, String(r.error)).toBe('SEAT_LIMIT');
    const run = await lastRun();
    expect(run).toMatchObject({ status: 'failed', rows: 1, lastLine: 2 });
    const counts = { invited: 1, updated: 0, removed: 0, unchanged: 0, failed: 1 };
    expect(run.counts).toEqual(counts);
    expect(run.entries['member.import.stop']).toMatchObject({ applied: 1, lastLine: 2, ...counts });
    // The document counts the row that stopped it, and lists it.
    const doc = JSON.parse(r.out) as { errors: { line: number; code: string }[] } & Record<string, unknown>;
    expect(doc).toMatchObject({ invited: 1, failed: 1, run: { id: run.id, status: 'failed' } });
    expect(doc.errors.map((e) => [e.line, e.code])).toEqual([[3, 'SEAT_LIMIT']]);

    // The same input again, skipping bad rows: d1 is in, d2 still finds no seat. Nothing
    // is left to apply, and the stopped run's record says that, not "every change applied".
    const again = await imp(dee, input, tuning, async () => undefined);
    expect(again.error, String(again.error)).toBeUndefined();
    expect(JSON.parse(again.out)).toMatchObject({ invited: 0, unchanged: 2, failed: 1, run: null });
    expect(again.err).toContain(
      `Nothing was left to apply of interrupted run ${run.id} of the same input (1 row still fails): its record says so now.`,
    );
    expect(await lastRun(run.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/; a re-run of the same input found nothing more to apply \(1 row fails\)$/),
    });
  });

  it("a row that finds no seat as it is applied: the message counts the store's members, not the invitations rolled back with it", async () => {
    // FREE: 3 users. Planning sees Flo alone: room for f1 and f2, in one chunk. Before it
    // writes someone takes a seat: f1 takes the last one, f2 finds none and, without
    // --continue-on-error, the chunk (f1 too) is rolled back. Flo's company then holds 2.
    const flo = await fx().register(`flo-${engine}@example.com`, 'Flo', 'Fl');
    const input = 'email,role\nf1@example.org,DESIGNER\nf2@example.org,DESIGNER\n';
    const r = await imp(
      flo,
      input,
      { oneTransaction: 1, chunkRows: 2, pauseMs: 0 },
      async (n) => {
        if (n === 1) await fx().invite(flo, ['someone@example.org'], 'DESIGNER');
      },
      false,
    );
    expect(r.error?.code, String(r.error)).toBe('SEAT_LIMIT');
    expect(r.error?.message).toContain(
      'Plan FREE of "Fl Company" allows 3 users; it has 2, and the invitation before this line in the same transaction ' +
        'would take the rest (it was not applied either).',
    );
    const held = await fx().read((rr) =>
      rr.tx.get<{ n: number }>(
        `SELECT (SELECT count(*) FROM memberships WHERE company_id = :c) + (SELECT count(*) FROM invitations WHERE company_id = :c) AS n`,
        { c: flo.company.id },
      ),
    );
    expect(held?.n).toBe(2);
  });

  it('a run of the same input that is still going is not finished by another one', async () => {
    const eve = await fx().register(`eve-${engine}@example.com`, 'Eve', 'Ee');
    await fx().setPlan(eve.company.id, 'ENTERPRISE', sue);
    const input = 'email,role\n' + Array.from({ length: 4 }, (_, i) => `e${i}@example.org,DESIGNER\n`).join('');
    const tuning = { oneTransaction: 1, chunkRows: 1, pauseMs: 0 };
    // A first run stops after its first chunk (its record: failed, 1 of 4).
    await imp(eve, input, tuning, async (n) => {
      if (n === 3) throw new PlatformError('STORE_UNAVAILABLE', 'The store went away.');
    });
    const first = await lastRun();
    expect(first).toMatchObject({ status: 'failed', rows: 1 });
    // A second run plans; before it writes, the first moves on (as a run still going
    // would: it updates its record with every chunk). The second applies the rest and
    // leaves the first's record alone. (The time of that update: after the second run
    // planned, before it starts applying.)
    await new Promise((r) => setTimeout(r, 5)); // a time of its own, not the stop's millisecond
    const moved = new Date().toISOString();
    const r = await imp(eve, input, tuning, async (n) => {
      if (n === 1)
        await fx().sql(`UPDATE bulk_runs SET status = 'running', error = NULL, updated_at = :t WHERE id = :id`, {
          t: moved,
          id: first.id,
        });
    });
    expect(r.error, String(r.error)).toBeUndefined();
    const rep = JSON.parse(r.out) as { invited: number; run: { finished: number[] } };
    expect(rep).toMatchObject({ invited: 3, run: { finished: [] } });
    expect(await lastRun(first.id)).toMatchObject({ status: 'running', error: null });
    const second = await lastRun();
    expect(second.entries['member.import']).not.toHaveProperty('finished');
  });

  it('run again with --company written otherwise (its id, not its name): still the same import, which it finishes', async () => {
    const fay = await fx().register(`fay-${engine}@example.com`, 'Fay', 'Ff');
    await fx().setPlan(fay.company.id, 'ENTERPRISE', sue);
    const input = 'email,role\n' + Array.from({ length: 4 }, (_, i) => `f${i}@example.org,DESIGNER\n`).join('');
    const tuning = { oneTransaction: 1, chunkRows: 1, pauseMs: 0 };
    const named = 'Ff Company';
    await imp(
      fay,
      input,
      tuning,
      async (n) => {
        if (n === 3) throw new PlatformError('STORE_UNAVAILABLE', 'The store went away.');
      },
      true,
      named,
    );
    const first = await lastRun();
    expect(first).toMatchObject({ status: 'failed', rows: 1 });
    const r = await imp(fay, input, tuning, async () => undefined, true, String(fay.company.id));
    expect(r.error, String(r.error)).toBeUndefined();
    expect(JSON.parse(r.out)).toMatchObject({ invited: 3, unchanged: 1, run: { finished: [first.id] } });
    // Said once it is true, not when the run starts.
    expect(r.err).toContain(`finished interrupted run ${first.id} of the same input`);
    expect(await lastRun(first.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/finished by run /),
    });
  });

  it('a run held up long enough to be taken over by a later run stops at its next chunk, exit 6, leaving its record as the later run wrote it', async () => {
    const gus = await fx().register(`gus-${engine}@example.com`, 'Gus', 'Gg');
    await fx().setPlan(gus.company.id, 'ENTERPRISE', sue);
    const input = 'email,role\n' + Array.from({ length: 3 }, (_, i) => `g${i}@example.org,DESIGNER\n`).join('');
    // Before its second chunk, a later run (99, say) has marked it finished.
    const r = await imp(gus, input, { oneTransaction: 1, chunkRows: 1, pauseMs: 0 }, async (n) => {
      if (n === 3)
        await fx().sql(
          `UPDATE bulk_runs SET status = 'failed', error = 'interrupted; finished by run 99' WHERE id = (SELECT max(id) FROM bulk_runs)`,
        );
    });
    expect(r.error).toMatchObject({ code: 'CONFLICT', exitCode: 6 });
    expect(r.error?.message).toMatch(
      /^Import run \d+ stopped after 1 of 3 changes \(input lines up to 2\): run 99 of the same input took it over .* Nothing more was changed by this one\.$/,
    );
    const run = await lastRun();
    expect(run).toMatchObject({ status: 'failed', error: 'interrupted; finished by run 99', rows: 1 });
    expect(run.entries).not.toHaveProperty(['member.import.stop']);
    expect(
      await fx().read((r2) => r2.tx.all(`SELECT email FROM invitations WHERE email LIKE 'g_@example.org'`)),
    ).toHaveLength(1);
  });

  it('a chunked run whose every row turned out applied meanwhile still writes its summary after its start entry', async () => {
    const hal = await fx().register(`hal-${engine}@example.com`, 'Hal', 'Hh');
    await fx().setPlan(hal.company.id, 'ENTERPRISE', sue);
    const emails = Array.from({ length: 3 }, (_, i) => `h${i}@example.org`);
    const input = 'email,role\n' + emails.map((e) => `${e},DESIGNER\n`).join('');
    const r = await imp(hal, input, { oneTransaction: 1, chunkRows: 1, pauseMs: 0 }, async (n) => {
      if (n === 1) await fx().invite(hal, emails, 'DESIGNER');
    });
    expect(r.error, String(r.error)).toBeUndefined();
    const run = await lastRun();
    expect(run.status).toBe('done');
    expect(run.entries).toHaveProperty(['member.import.start']);
    expect(run.entries['member.import']).toMatchObject({ invited: 0, updated: 0, unchanged: 3, failed: 0 });
  });

  /** A stopped run's record made to look as a killed one's: running, last moved `ago` ms back. */
  const asKilled = (id: number, ago: number) =>
    fx().sql(`UPDATE bulk_runs SET status = 'running', error = NULL, updated_at = :t WHERE id = :id`, {
      t: new Date(Date.now() - ago).toISOString(),
      id,
    });

  it('a run marked running that moved moments ago: the re-run waits to see whether it is still going', async () => {
    const ivy = await fx().register(`ivy-${engine}@example.com`, 'Ivy', 'Ii');
    await fx().setPlan(ivy.company.id, 'ENTERPRISE', sue);
    const tuning = { oneTransaction: 1, chunkRows: 1, pauseMs: 0 };
    const stop = async (n: number) => {
      if (n === 3) throw new PlatformError('STORE_UNAVAILABLE', 'The store went away.');
    };
    // Killed 4.7 s ago: the re-run waits out the rest of 5 s, then finishes it.
    const a = 'email,role\n' + ['i1', 'i2', 'i3'].map((x) => `${x}@example.org,DESIGNER\n`).join('');
    await imp(ivy, a, tuning, stop);
    const killed = await lastRun();
    await asKilled(killed.id, 4700);
    const r = await imp(ivy, a, tuning, async () => undefined);
    expect(r.err).toMatch(
      new RegExp(`Run ${killed.id} of the same input moved its record less than 5 s ago: waiting 1 s`),
    );
    expect(JSON.parse(r.out)).toMatchObject({ run: { finished: [killed.id] } });
    // Still going: it moves its record while the re-run waits, and is left to finish itself.
    const b = 'email,role\n' + ['j1', 'j2', 'j3'].map((x) => `${x}@example.org,DESIGNER\n`).join('');
    await imp(ivy, b, tuning, stop);
    const going = await lastRun();
    await asKilled(going.id, 4700);
    const moves = setTimeout(() => void asKilled(going.id, 0), 100);
    try {
      const r2 = await imp(ivy, b, tuning, async () => undefined);
      expect(JSON.parse(r2.out)).toMatchObject({ run: { finished: [] } });
    } finally {
      clearTimeout(moves);
    }
    expect(await lastRun(going.id)).toMatchObject({ status: 'running', error: null });
  });

  it("a run stopped because its actor's session was revoked still writes its stop entry", async () => {
    const jon = await fx().register(`jon-${engine}@example.com`, 'Jon', 'Jj');
    await fx().setPlan(jon.company.id, 'ENTERPRISE', sue);
    const input = 'email,role\n' + ['k1', 'k2', 'k3'].map((x) => `${x}@example.org,DESIGNER\n`).join('');
    const r = await imp(jon, input, { oneTransaction: 1, chunkRows: 1, pauseMs: 0 }, async (n) => {
      if (n === 3)
        await fx().sql(`UPDATE tokens SET revoked_at = :t WHERE user_id = :u`, {
          t: new Date().toISOString(),
          u: jon.id,
        });
    });
    expect(r.error).toMatchObject({ exitCode: 3 });
    const run = await lastRun();
    expect(run).toMatchObject({ status: 'failed', rows: 1 });
    expect(run.entries['member.import.stop']).toMatchObject({ status: 'failed', applied: 1, lastLine: 2 });
  });

  it("a re-run that finishes a stopped run while rows still fail says so in the stopped run's record", async () => {
    // TEAM: 10 users. Kim, l3 (invited) and the planned l1, l2 fit; before the second
    // chunk others fill the company, so the strict run stops at l2. The re-run with
    // --continue-on-error applies l3's new role, and l2 still finds no seat.
    const kim = await fx().register(`kim-${engine}@example.com`, 'Kim', 'Kk');
    await fx().setPlan(kim.company.id, 'TEAM', sue);
    await fx().invite(kim, ['l3@example.org'], 'DESIGNER');
    const input = 'email,role\nl1@example.org,DESIGNER\nl2@example.org,DESIGNER\nl3@example.org,MANAGER\n';
    const tuning = { oneTransaction: 1, chunkRows: 1, pauseMs: 0 };
    const others = Array.from({ length: 7 }, (_, i) => `other${i}@example.org`);
    const r1 = await imp(
      kim,
      input,
      tuning,
      async (n) => {
        if (n === 3) await fx().invite(kim, others, 'DESIGNER');
      },
      false,
    );
    expect(r1.error?.code, String(r1.error)).toBe('SEAT_LIMIT');
    const stopped = await lastRun();
    expect(stopped).toMatchObject({ status: 'failed', rows: 1 });
    const r = await imp(kim, input, tuning, async () => undefined);
    expect(JSON.parse(r.out)).toMatchObject({ invited: 0, updated: 1, failed: 1, run: { finished: [stopped.id] } });
    expect((await lastRun(stopped.id)).error).toMatch(/; finished by run \d+ \(1 row fails\)$/);
  });

  it('a one-transaction run whose every change was made by someone else meanwhile records no run, and settles a stopped one', async () => {
    const lea = await fx().register(`lea-${engine}@example.com`, 'Lea', 'Ll');
    await fx().setPlan(lea.company.id, 'ENTERPRISE', sue);
    const emails = ['m1', 'm2', 'm3'].map((x) => `${x}@example.org`);
    const input = 'email,role\n' + emails.map((e) => `${e},DESIGNER\n`).join('');
    // A chunked run of the file stops after its first chunk.
    await imp(lea, input, { oneTransaction: 1, chunkRows: 1, pauseMs: 0 }, async (n) => {
      if (n === 3) throw new PlatformError('STORE_UNAVAILABLE', 'The store went away.');
    });
    const stopped = await lastRun();
    expect(stopped).toMatchObject({ status: 'failed', rows: 1 });
    // The re-run plans two invitations; before it writes, someone else makes them.
    const r = await imp(lea, input, {}, async (n) => {
      if (n === 1) await fx().invite(lea, emails.slice(1), 'DESIGNER');
    });
    expect(r.error, String(r.error)).toBeUndefined();
    expect(JSON.parse(r.out)).toMatchObject({ invited: 0, unchanged: 3, run: null });
    expect((await lastRun()).id, 'no record of a run that changed nothing').toBe(stopped.id);
    expect(await lastRun(stopped.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/; a re-run of the same input found every change applied$/),
    });
    expect(r.err).toContain(
      `Nothing was left to apply of interrupted run ${stopped.id} of the same input: its record says so now.`,
    );
  });

  it('Ctrl-C once the last change is written: the run completes (exit 0) and says nothing was left to stop', async () => {
    const lia = await fx().register(`lia-${engine}@example.com`, 'Lia', 'Li');
    await fx().setPlan(lia.company.id, 'ENTERPRISE', sue);
    const input = (p: string) => 'email,role\n' + [0, 1, 2].map((i) => `${p}${i}@example.org,DESIGNER\n`).join('');
    const tuning = { oneTransaction: 1, chunkRows: 1, pauseMs: 0 };
    // The same run once, to count its write transactions (record, chunks, summary).
    let writes = 0;
    const counted = await imp(lia, input('c'), tuning, async (n) => void (writes = n));
    expect(counted.error, String(counted.error)).toBeUndefined();
    // Again with other e-mails: Ctrl-C arrives as its last transaction (the summary) begins.
    const r = await imp(lia, input('l'), tuning, async (n) => {
      if (n === writes) process.emit('SIGINT');
    });
    expect(r.error, String(r.error)).toBeUndefined();
    expect(JSON.parse(r.out)).toMatchObject({ invited: 3, failed: 0, applied: true });
    expect(r.err).toContain('Ctrl-C: stopping at the next safe point');
    expect(r.err).toContain('The interruption came once the work was done: nothing was left to stop.');
    expect(await lastRun()).toMatchObject({ status: 'done' });
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
