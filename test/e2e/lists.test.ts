import { LATEST_VERSION } from '../../src/store/migrations/index.js';
import { show } from '../../src/domain/accounts.js';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, engines, useStore, type TestStore, type User } from './harness.js';

/**
 * What the list commands need a process for: a pipe closed under them (status 141, as the
 * shell sees it), sqld's response-size limit through the real client with a very large
 * company, and store paths a process prints. Their rules (the OWNER first then e-mail
 * order, filters, --limit/--after/--before and the "N more" line, one JSON document,
 * export → import changing nothing, CSV cells neutralised, audit list filters and
 * formats) are checked through run() on both engines in
 * test/commands/member/{list,export,export-snapshot,lists-argv}.test.ts and
 * test/commands/audit/list.test.ts; each command's exit codes as a process in
 * e2e/{member,export,audit,import}.test.ts.
 */

type Member = { email: string; firstName: string | null; lastName: string | null; role: string; status: string };

/**
 * Zed (an e-mail that sorts last: the OWNER still comes first) is platform staff and
 * owns "Zed Company" on the unlimited ENTERPRISE plan, filled by direct SQL with
 * `registered` accounts and `pending` invitations whose e-mails interleave.
 */
async function bigCompany(
  t: TestStore,
  registered: number,
  pending: number,
  o: Parameters<TestStore['fillCompany']>[1] = {},
) {
  const zed = await t.seed('zed@example.com', 'Zed', 'Zed');
  await zed.grantStaff('zed@example.com');
  const id = (await zed.as((svc, cred) => show(svc, cred))).currentCompany!.id;
  await zed.setPlan(String(id), 'ENTERPRISE');
  const total = registered + pending;
  // A permutation of 0..total-1 (37 is prime to total): accounts and invitations interleave in e-mail order.
  await t.fillCompany(id, {
    registered,
    pending,
    email: (i) => `p${String((i * 37) % total).padStart(6, '0')}@example.com`,
    ...o,
  });
  return { zed, id };
}

/** A bash script run once: the statuses and stderr sizes of many `platformctl … | head` pipelines. */
async function pipelines(t: TestStore, user: User, runs: [name: string, args: string, times: number][]) {
  const base = `node '${BIN}' --store '${t.store}' --config-dir '${user.configDir}'`;
  const script = runs
    .map(
      ([name, args, times]) =>
        `for i in $(seq ${times}); do ${base} ${args} 2>"$T/err" | head -1 >/dev/null; echo "${name} \${PIPESTATUS[0]} $(wc -c < "$T/err")"; done`,
    )
    .join('\n');
  const out = await execa('bash', ['-c', `unset PLATFORMCTL_TOKEN PLATFORMCTL_STORE PLATFORMCTL_DEBUG\n${script}`], {
    env: { T: t.dir },
    extendEnv: true,
    reject: false,
    timeout: 120_000,
  });
  expect(out.exitCode, out.stderr).toBe(0);
  return out.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [name, status, errBytes] = l.split(' ');
      return { name: name!, status: Number(status), errBytes: Number(errBytes) };
    });
}

describe.each(engines())('closed pipes on %s', (engine) => {
  const fresh = useStore(engine);

  // Every command writes through one sink (systemIO: process.stdout.write, then a drain
  // between pages) and ends through one handler (exitQuietlyWhenOutputCloses, installed
  // by main); the row writers (CSV, JSON, table) differ only in the text they hand it.
  // So one streamed command with stdout closed, one with both streams closed (the other
  // writer), and stderr closed before a message prove it; each runs more than once, as
  // the moment `head` goes varies. On each engine, because the process leaves in the
  // middle of a read (a local file's, or an open request to sqld) and the store must be
  // left clean (store check runs after the test).
  it('writing into a closed pipe ends quietly with status 141: nothing on stderr, whether stdout, both streams or stderr closed', async () => {
    const t = await fresh();
    const { zed } = await bigCompany(t, 100, 2900);
    const results = await pipelines(t, zed, [
      ['export', 'member export', 3],
      ['both', 'member list 2>&1', 2],
    ]);
    expect(results.map((r) => r.name)).toEqual(['export', 'export', 'export', 'both', 'both']);
    for (const r of results) {
      expect(r.errBytes, `${r.name}: stderr`).toBe(0);
      expect(r.status, r.name).toBe(141);
    }

    // stderr closed before the first message: the same quiet 141 (the change itself was committed first).
    const child = execa(
      'node',
      [
        BIN,
        '--store',
        t.store,
        '--config-dir',
        zed.configDir,
        'member',
        'invite',
        'new@example.com',
        '--role',
        'MANAGER',
      ],
      {
        stdout: 'ignore',
        stderr: 'pipe',
        reject: false,
      },
    );
    child.stderr.destroy();
    const closed = await child;
    expect(closed.exitCode).toBe(141);
    const invited = await t.query((r) =>
      r.tx.get<{ role: string }>(`SELECT role FROM invitations WHERE email = 'new@example.com'`),
    );
    expect(invited).toEqual({ role: 'MANAGER' });
  });
});

// On sqld the company must be bigger than one answer may be (10 MB): 60,000 members with
// long names, through the real client and process. A local file has no such limit: the
// order, filters and paging of a company larger than a page are checked on both engines
// in test/commands/member/{list,export}.test.ts (the 1,000,000-member runs are the
// benchmark's: scripts/bench/lists.mjs).
describe('large lists on libsql', () => {
  const fresh = useStore('libsql');
  const total = 60_000;

  it(`a company of ${total.toLocaleString('en')} members with long names lists, filters and exports with no response-size failure`, async () => {
    const t = await fresh();
    const long = (i: number) => `${'Long'.repeat(24)}${String(i).padStart(4, '0')}`.slice(-100);
    const { zed } = await bigCompany(t, total / 3, total - total / 3, {
      email: (i) => `${'a.very.long.mailbox.name'.repeat(2)}.${String((i * 37) % total).padStart(6, '0')}@example.com`,
      name: long,
      lastName: long,
    });
    // The company as one response is over sqld's limit: one query for the whole list fails.
    const whole = t.query((r) =>
      r.tx.all(`SELECT m.email, u.first_name, u.last_name, m.role, m.status FROM memberships m
                JOIN users u ON u.id = m.user_id WHERE m.company_id = (SELECT id FROM companies WHERE name = 'Zed Company')
                UNION ALL SELECT email, NULL, NULL, role, 'PENDING' FROM invitations`),
    );
    await expect(whole).rejects.toThrow(/larger than its limit \(sqld's --max-response-size/);
    const list = await zed.run(['--json', 'member', 'list']);
    expect(list.exitCode, list.stderr).toBe(0);
    const members = JSON.parse(list.stdout) as Member[];
    expect(members).toHaveLength(total + 1);
    // The 8th account is ACTIVE (fillCompany alternates ACTIVE and INVITED): its name is listed.
    expect(members.filter((m) => m.firstName === long(8) && m.lastName === long(8))).toHaveLength(1);
    const admins = await zed.run(['--json', 'member', 'list', '--role', 'ADMINISTRATOR']);
    expect(admins.exitCode, admins.stderr).toBe(0);
    expect(JSON.parse(admins.stdout)).toHaveLength(total / 3);
    const out = await zed.run(['member', 'export']);
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.stdout.split('\n')).toHaveLength(total + 2);
  });
});

describe.each(engines())('terminal text on %s', (engine) => {
  const fresh = useStore(engine);

  it('store paths holding ESC, OSC and U+202E are shown escaped in store init and store backup messages', async () => {
    const t = await fresh();
    const evil = 'evil\x1b]0;pwned\x07\u202egpj.db';
    const escaped = 'evil\\u{1b}]0;pwned\\u{7}\\u{202e}gpj.db';
    if (engine === 'local') {
      const init = await t.run(['--store', `${t.dir}/${evil}`, 'store', 'init']);
      expect(init.exitCode, init.stderr).toBe(0);
      expect(init.stderr).toBe(
        `✓ Store ${t.dir}/${escaped} is ready (schema version ${LATEST_VERSION}, migrated from 0).`,
      );
    }
    expect((await t.run(['store', 'init'])).exitCode).toBe(0); // the store the harness checks and backs up
    const backup = await t.run(['store', 'backup', `${t.dir}/${evil}.bak`]);
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(backup.stderr).toMatch(/^✓ Backed up \S+ to /);
    expect(backup.stderr.endsWith(` to ${t.dir}/${escaped}.bak.`)).toBe(true);
    expect(backup.stderr).not.toMatch(/[\x1b\x07\u202e]/);
  });
});
