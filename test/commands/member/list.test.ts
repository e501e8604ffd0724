import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type ListOptions } from '../../../src/commands/member/list.js';
import { register } from '../../../src/domain/accounts.js';
import type { Services } from '../../../src/domain/services.js';
import { openStore } from '../../../src/store/open.js';
import { bufferIO } from '../../helpers/io.js';

/** Ann's company with 60 pending invitations (p00…p59) and 60 audit entries, made by SQL. */
describe('member list run(): a terminal gets a screenful, scripts get everything', () => {
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

  const list = async (tty: boolean, o: Partial<ListOptions> = {}) => {
    const b = bufferIO({ tty });
    b.io.columns = 120;
    await run({
      io: b.io,
      services: () => Promise.resolve(env),
      credential: () => ({ token }),
      json: false,
      csv: false,
      all: false,
      ...o,
    });
    return { out: b.stdout(), err: b.stderr() };
  };

  it('on a terminal: a header, the first 50 (the OWNER first), and how to see the rest on stderr', async () => {
    const r = await list(true);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATUS$/);
    expect(lines[1]).toMatch(/^ann@example\.com\s+Ann Smith\s+OWNER\s+ACTIVE$/);
    expect(lines[50]).toMatch(/^p48@example\.com\s+DESIGNER\s+PENDING$/);
    expect(r.err).toBe('… and 11 more members: add --after p48@example.com for the next 11, or --all for every one.\n');
    const next = await list(true, { after: 'p48@example.com' });
    expect(next.out.trimEnd().split('\n')).toHaveLength(12);
    expect(next.err).toBe('');
  });

  it('--all on a terminal, piped, --json and --csv: everyone, and no note', async () => {
    for (const o of [{ tty: true, all: true }, { tty: false }, { tty: true, json: true }, { tty: false, csv: true }]) {
      const r = await list(o.tty, o);
      expect(r.err, JSON.stringify(o)).toBe('');
      if (o.json) expect(JSON.parse(r.out), JSON.stringify(o)).toHaveLength(61);
      else expect(r.out.trimEnd().split('\n'), JSON.stringify(o)).toHaveLength(o.csv || o.tty ? 62 : 61);
    }
  });
});
