import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runAudit } from '../../../src/commands/audit/list.js';
import { register } from '../../../src/domain/accounts.js';
import type { Services } from '../../../src/domain/services.js';
import { openStore } from '../../../src/store/open.js';
import { bufferIO } from '../../helpers/io.js';

/** Ann's company with 60 pending invitations (p00…p59) and 60 audit entries, made by SQL. */
describe('audit list run(): a terminal gets a screenful, scripts get everything', () => {
  let dir: string;
  let env: Services;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
    env = { store: await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' }), now: () => new Date() };
    token = (
      await register(env, {
        email: 'ann@example.com',
        firstName: 'Ann',
        lastName: 'Smith',
        password: 'correct horse battery',
      })
    ).token;
    await env.store.write(async (tx) => {
      await tx.run(`UPDATE companies SET plan_id = (SELECT id FROM plans WHERE max_users IS NULL)`);
      const emails = JSON.stringify(Array.from({ length: 60 }, (_, i) => `p${String(i).padStart(2, '0')}@example.com`));
      await tx.run(
        `INSERT INTO invitations (company_id, email, role, created_at, updated_at)
         SELECT 1, value, 'DESIGNER', 'now', 'now' FROM json_each(:emails)`,
        { emails },
      );
      await tx.run(
        `INSERT INTO audit_log (at, actor_email, company_id, company_name, action, target)
         SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'ann@example.com', 1, 'Smith Company', 'member.invite', value FROM json_each(:emails)`,
        { emails },
      );
    });
  });
  afterAll(async () => {
    await env.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('audit list: 50 newest on a terminal with local times and the --before to continue; everything piped', async () => {
    const b = bufferIO({ tty: true });
    b.io.columns = 150;
    const base = {
      io: b.io,
      services: () => Promise.resolve(env),
      credential: () => ({ token }),
      json: false,
      all: false,
    };
    await runAudit(base);
    const lines = b.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d\s+ann@example\.com\s+Smith Company\s+member\.invite\s+p59@example\.com$/,
    );
    expect(b.stderr()).toMatch(/^… and 11 more entries: add --before \d+ for the next 11, or --all for every one\.\n$/);
    const piped = bufferIO();
    await runAudit({ ...base, io: piped.io });
    expect(piped.stdout().trimEnd().split('\n')).toHaveLength(61);
    expect(piped.stdout().split('\t')[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
