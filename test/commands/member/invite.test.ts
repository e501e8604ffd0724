import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/member/invite.js';
import { register } from '../../../src/domain/accounts.js';
import type { Services } from '../../../src/domain/services.js';
import { openStore } from '../../../src/store/open.js';
import { bufferIO } from '../../helpers/io.js';

describe('member invite run()', () => {
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
  });
  afterAll(async () => {
    await env.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const invite = (tty: boolean, emails: string[]) => {
    const b = bufferIO({ tty });
    const done = run({
      io: b.io,
      services: () => Promise.resolve(env),
      credential: () => ({ token }),
      json: false,
      emails,
      role: 'designer',
    });
    return done.then(() => b);
  };

  it('on a terminal prints the invited as an aligned table with a header, the summary on stderr', async () => {
    const b = await invite(true, ['bob@example.com']);
    expect(b.stdout()).toBe('EMAIL            ROLE      STATUS\nbob@example.com  DESIGNER  PENDING\n');
    expect(b.stderr()).toMatch(/^✓ Invited 1 member\(s\) to "Smith Company" as DESIGNER \(2\/3 users\)\.\n$/);
  });

  it('piped: tab-separated rows without a header', async () => {
    const b = await invite(false, ['carol.with.a.long.name@example.com']);
    expect(b.stdout()).toBe('carol.with.a.long.name@example.com\tDESIGNER\tPENDING\n');
  });
});
