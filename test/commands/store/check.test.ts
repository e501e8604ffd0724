import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/store/check.js';
import { MAX_WARNINGS } from '../../../src/domain/lookalikes.js';
import { LATEST_VERSION } from '../../../src/store/migrations/index.js';
import { ENGINES, Fixture } from '../../helpers/services.js';

describe.each(ENGINES)('store check run() on %s', (engine) => {
  const fixtures: Fixture[] = [];
  afterEach(async () => {
    for (const f of fixtures.splice(0)) await f.close();
  });
  const fixture = async () => {
    const f = await Fixture.open(engine);
    fixtures.push(f);
    return f;
  };
  const check = async (f: Fixture, json = false) => {
    const c = f.call(undefined, { json });
    const outcome = await run({ io: c.io, json, store: () => Promise.resolve(f.store) }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string; exitCode?: number },
    );
    return { error: outcome, out: c.stdout(), err: c.stderr() };
  };

  it('a healthy store: nothing on stdout, "healthy" on stderr; --json: the report with ok true', async () => {
    const f = await fixture();
    const [ann, bob] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
    await f.join(bob, ann, 'manager');
    await f.invite(ann, ['pending@example.com'], 'designer');
    const r = await check(f);
    expect(r).toEqual({
      error: undefined,
      out: '',
      err: `✓ Store ${f.location} is healthy (schema version ${LATEST_VERSION}).\n`,
    });
    const j = await check(f, true);
    expect(j.error).toBeUndefined();
    expect(JSON.parse(j.out)).toEqual({
      ok: true,
      engine,
      store: f.location,
      schemaVersion: LATEST_VERSION,
      problems: [],
      warnings: [],
      warningCount: 0,
    });
    expect(j.err).toBe('');
  });

  it('broken rules: one problem a line on stdout, then STORE_CORRUPT (exit 7); --json prints the report and fails too', async () => {
    const f = await fixture();
    const [ann, bob] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
    // Ann's current company becomes Bob's, where she is no member; Bob's company loses every membership.
    await f.sql(`UPDATE users SET current_company_id = :c WHERE id = :u`, { c: bob.company.id, u: ann.id });
    await f.sql(`DELETE FROM memberships WHERE company_id = :c`, { c: bob.company.id });
    const problems = [
      `company ${bob.company.id} has 0 OWNER memberships`,
      `user ${ann.id}: current company ${bob.company.id} is not one of theirs`,
      `user ${bob.id}: current company ${bob.company.id} is not one of theirs`,
    ];
    const r = await check(f);
    expect(r.error).toMatchObject({ code: 'STORE_CORRUPT', exitCode: 7, message: 'Store check found 3 problems.' });
    expect(r.out).toBe(problems.map((p) => p + '\n').join(''));
    expect(r.err).toBe('');
    const j = await check(f, true);
    expect(j.error).toMatchObject({ code: 'STORE_CORRUPT', exitCode: 7 });
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, problems, warnings: [], warningCount: 0 });
  });

  it('every store rule is checked: seats over the plan, a PENDING invitation of a registered e-mail, the default plan', async () => {
    const f = await fixture();
    const [ann] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
    const now = new Date().toISOString();
    await f.sql(
      `INSERT INTO invitations (company_id, email, role, created_at, updated_at)
       SELECT :c, value, 'DESIGNER', :now, :now FROM json_each(:emails)`,
      { c: ann.company.id, now, emails: JSON.stringify(['bob@example.com', 'p1@example.com', 'p2@example.com']) },
    );
    await f.sql(`UPDATE plans SET is_default = 0`);
    const r = await check(f);
    expect(r.error).toMatchObject({ code: 'STORE_CORRUPT', message: 'Store check found 3 problems.' });
    expect(r.out.trimEnd().split('\n')).toEqual([
      `company ${ann.company.id} has 4 members but plan FREE allows 3`,
      `invitation of bob@example.com to company ${ann.company.id} is PENDING but that e-mail has an account`,
      'plans: 0 default plans (want 1)',
    ]);
  });

  it('an older schema is a problem that names `store init`', async () => {
    const f = await fixture();
    await f.sql(`UPDATE platformctl_meta SET value = '1' WHERE key = 'schema_version'`);
    const r = await check(f);
    expect(r.error).toMatchObject({ code: 'STORE_CORRUPT', exitCode: 7 });
    expect(r.out).toBe(
      `schema version 1 is older than ${LATEST_VERSION}; run \`platformctl store init\` to migrate it\n`,
    );
  });

  it('look-alike and now-refused identity text are warnings (exit 0): spelled out on stdout, counted on stderr', async () => {
    const f = await fixture();
    await f.registerAll([
      ['victim@example.com', 'Vic', 'Tim'],
      ['victim2@example.com', 'Vic', 'Copy'],
      ['ann@example.com', 'Ann', 'Smith'],
    ]);
    // What an older build accepted, written as it would have been.
    for (const [from, to] of [['victim2@example.com', 'victim\u2060@example.com']]) {
      await f.sql(`UPDATE users SET email = :to WHERE email = :from`, { from, to });
      await f.sql(`UPDATE memberships SET email = :to WHERE email = :from`, { from, to });
    }
    await f.sql(`UPDATE users SET first_name = 'Ann\u3164' WHERE email = 'ann@example.com'`);
    const r = await check(f);
    expect(r.error).toBeUndefined();
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^warning: /);
    expect(r.out).toContain('victim\\u{2060}@example.com');
    expect(r.out).not.toMatch(/[\u2060\u3164]/);
    expect(r.err).toBe(
      `✓ Store ${f.location} is healthy (schema version ${LATEST_VERSION}).\n` +
        '! 3 warnings: look-alike or now-refused identity text; see docs/identity.md.\n',
    );
    const j = JSON.parse((await check(f, true)).out);
    expect(j).toMatchObject({ ok: true, problems: [], warningCount: 3 });
    expect(j.warnings.map((w: { kind: string }) => w.kind).sort()).toEqual([
      'LOOKALIKE_EMAILS',
      'NOW_REFUSED',
      'NOW_REFUSED',
    ]);
  });

  it(`more than ${MAX_WARNINGS} warnings of a kind: the first ${MAX_WARNINGS} listed, then how many more`, async () => {
    const f = await fixture();
    const [ann] = await f.registerAll([['ann@example.com', 'Ann', 'Smith']]);
    await f.sql(`UPDATE companies SET plan_id = (SELECT id FROM plans WHERE name = 'ENTERPRISE')`);
    // Pending invitations stored in upper case (input would lower-case them): NOT_NORMALISED each.
    const emails = Array.from({ length: MAX_WARNINGS + 2 }, (_, i) => `P${i}@EXAMPLE.COM`);
    await f.sql(
      `INSERT INTO invitations (company_id, email, role, created_at, updated_at)
       SELECT :c, value, 'DESIGNER', 'now', 'now' FROM json_each(:emails)`,
      { c: ann.company.id, emails: JSON.stringify(emails) },
    );
    const r = await check(f);
    expect(r.error).toBeUndefined();
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(MAX_WARNINGS + 1);
    expect(lines[MAX_WARNINGS]).toBe('warning: … and 2 more not listed');
    expect(r.err).toMatch(new RegExp(`^! ${(MAX_WARNINGS + 2).toLocaleString('en-US')} warnings:`, 'm'));
    const j = JSON.parse((await check(f, true)).out);
    expect([j.warnings.length, j.warningCount]).toEqual([MAX_WARNINGS, MAX_WARNINGS + 2]);
  });
});
