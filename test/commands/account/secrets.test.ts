import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run as accountLogin } from '../../../src/commands/account/login.js';
import { run as accountRegister } from '../../../src/commands/account/register.js';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run as tokenCreate } from '../../../src/commands/account/token/create.js';
import { run as tokenList } from '../../../src/commands/account/token/list.js';
import { run as auditList } from '../../../src/commands/audit/list.js';
import type { Deps } from '../../../src/commands/command.js';
import { run as passwordChange } from '../../../src/commands/password/change.js';
import { deviceId } from '../../../src/device-id.js';
import type { Credential } from '../../../src/domain/auth.js';
import { scriptedPrompter } from '../scripted-prompter.js';
import { ENGINES, useFixture } from '../../helpers/services.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * No password, session or API token appears in what the commands print (but the one
 * place an API token is meant to be shown: `token create`), in the audit log, or in the
 * store, which keeps tokens as SHA-256 hashes. Each command's run() on both engines; the
 * same seen from a real process (the password on stdin, the store's bytes after the CLI
 * wrote them, a backup): test/e2e/security.test.ts.
 */
describe.each(ENGINES)('secrets never printed nor stored on %s', (engine) => {
  const fx = useFixture(engine);

  it('register, login, password change, token create, show, token list and audit list (text and --json)', async () => {
    const password = 'pw-Unique-7f3a9c-secret';
    const next = `new-${password}`;
    const cfg = await fx().config('ann');
    const outputs: string[] = [];
    const keep = (c: { stdout: () => string; stderr: () => string }) => outputs.push(c.stdout(), c.stderr());
    const noPrompts = scriptedPrompter([]).prompter;
    const base = (stdin: string, json = false) => {
      const c = fx().callAs(cfg, { stdin, json });
      return { c, common: { io: c.io, services: c.deps.services, config: () => cfg, storeKey: () => fx().storeKey } };
    };

    const reg = base(password + '\n');
    await accountRegister({
      ...reg.common,
      prompter: noPrompts,
      source: () => deviceId(cfg.dir),
      json: false,
      email: 'ann@example.com',
      firstName: 'Ann',
      lastName: 'Secure',
      passwordStdin: true,
    });
    keep(reg.c);
    const registered = cfg.session(fx().storeKey)!.token;

    // Signed in twice: for people, then for scripts.
    const sessions: string[] = [];
    for (const json of [false, true]) {
      const signIn = base(password + '\n', json);
      await accountLogin({
        ...signIn.common,
        prompter: noPrompts,
        source: () => deviceId(cfg.dir),
        json,
        email: 'ann@example.com',
        passwordStdin: true,
      });
      keep(signIn.c);
      sessions.push(cfg.session(fx().storeKey)!.token);
    }
    const session = sessions[1]!;
    expect(new Set([registered, ...sessions]).size).toBe(3);

    const change = fx().callAs(cfg, { stdin: `${password}\n${next}\n${next}\n` });
    await passwordChange({
      ...change.deps,
      prompter: noPrompts,
      passwordStdin: true,
      source: () => deviceId(cfg.dir),
    });
    keep(change);
    expect(change.stderr()).toMatch(/^✓ Password changed/);

    const created = fx().callAs(cfg, { json: true });
    await tokenCreate({ ...created.deps, name: 'ci' });
    const apiToken: string = JSON.parse(created.stdout()).token;
    expect(apiToken).toMatch(/^pct_/);

    const as = (cred: Credential, json: boolean) => {
      const c = fx().call(undefined, { json });
      const deps: Deps = { ...c.deps, credential: () => cred };
      return { c, deps };
    };
    for (const cred of [{ token: session }, { token: apiToken, fromEnv: true }])
      for (const json of [false, true]) {
        for (const cmd of [
          (d: Deps) => accountShow(d),
          (d: Deps) => tokenList(d),
          (d: Deps) => auditList({ ...d, all: false, limit: 1000 }),
        ]) {
          const { c, deps } = as(cred, json);
          await cmd(deps);
          keep(c);
        }
      }
    // The company's audit log was seen (sign-ins and password changes are not a company's).
    expect(outputs.join('\n')).toContain('account.register');

    const secrets = [password, next, registered, ...sessions, apiToken];
    for (const s of secrets) for (const o of outputs) expect(o).not.toContain(s);

    // The store: every table, and locally the file and its log as bytes.
    const tables = await fx().read((r) =>
      r.tx.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`),
    );
    let dump = '';
    for (const { name } of tables)
      dump += JSON.stringify(await fx().read((r) => r.tx.all(`SELECT * FROM "${name}"`))) + '\n';
    const files = engine === 'local' ? [fx().path, `${fx().path}-wal`].filter((f) => existsSync(f)) : [];
    for (const s of secrets) {
      expect(dump, s).not.toContain(s);
      for (const f of files) expect(readFileSync(f).includes(Buffer.from(s)), `${s} in ${f}`).toBe(false);
    }
    // Tokens are kept as their SHA-256 hashes.
    const hashes = await fx().read((r) =>
      r.tx.all<{ token_hash: string }>(`SELECT token_hash FROM tokens ORDER BY id`),
    );
    expect(hashes.map((h) => h.token_hash)).toEqual(
      expect.arrayContaining([registered, ...sessions, apiToken].map(sha256)),
    );
  });
});
