import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, type Engine } from './harness.js';

/**
 * Security as a real process shows it: the password only on standard input, secrets
 * never printed nor in the store's bytes, the files it writes private. That no command
 * prints a password, session or API token, and that the store keeps tokens as SHA-256
 * hashes, is checked through each command's run() on both engines in
 * test/commands/account/secrets.test.ts (register, login, password change, token create,
 * show, token list, audit list) and session-credentials.test.ts; the messages of refused
 * tokens in newcomer-rules.test.ts and session-credentials.test.ts; a PLATFORMCTL_TOKEN
 * refused by a process: newcomer.test.ts.
 */

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const mode = (path: string) => statSync(path).mode & 0o777;

describe.each(engines())('security on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  // --password refused as a flag and never echoed: password.test.ts, for register, login
  // and password change alike. Throttling of failed logins: throttle.test.ts and
  // session.test.ts; a weaker scrypt hash redone at login: session.test.ts.

  it('no password, session or API token in outputs or the store bytes; config.json 0600 in a 0700 --config-dir, the store 0600', async () => {
    const t = await fresh();
    const password = 'pw-Unique-7f3a9c-secret';
    const configDir = join(t.dir, 'config-ann');
    const outputs: string[] = [];
    const run = async (args: string[], o: { input?: string; token?: string } = {}) => {
      const r = await t.run(args, { configDir, ...o });
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    // The process creates the store and the config file (production scrypt cost).
    await run(
      [
        'account',
        'register',
        '--email',
        'ann@example.com',
        '--first-name',
        'Ann',
        '--last-name',
        'Secure',
        '--password-stdin',
      ],
      { input: password + '\n' },
    );
    const configFile = join(configDir, 'config.json');
    expect(mode(configFile)).toBe(0o600);
    expect(mode(configDir), 'the config directory holds sessions: private').toBe(0o700);
    const cfg = JSON.parse(readFileSync(configFile, 'utf8'));
    // Sessions are kept under the store's identity (docs/sessions.md), whatever its location's spelling.
    const [key] = Object.keys(cfg.sessions);
    expect(key).toMatch(/^[0-9a-f]{32}:ann@example\.com$/);
    expect(cfg.sessions[key!]).toMatchObject({ email: 'ann@example.com' });
    const session: string = cfg.sessions[key!].token;
    expect(session).toMatch(/^pcs_/);
    if (engine === 'local') {
      expect(mode(t.store)).toBe(0o600);
      for (const side of ['-wal', '-shm']) if (existsSync(t.store + side)) expect(mode(t.store + side)).toBe(0o600);
    }

    // The one place an API token is printed: token create's stdout (not kept in `outputs`).
    const created = await t.run(['--json', 'account', 'token', 'create', '--name', 'ci'], { configDir });
    expect(created.exitCode, created.stderr).toBe(0);
    const apiToken: string = JSON.parse(created.stdout).token;
    expect(apiToken).toMatch(/^pct_/);
    expect(created.stderr).toBe('');
    await run(['account', 'show']);
    await run(['--json', 'audit', 'list', '--limit', '1000'], { token: apiToken });
    expect(outputs.join('\n')).toContain('account.register');
    const secrets = [password, apiToken, session];
    for (const s of secrets) for (const o of outputs) expect(o).not.toContain(s);

    // The store, read as bytes: the live file and its log locally, a backup for both engines.
    const backup = join(t.dir, 'scan.db');
    await run(['store', 'backup', backup]);
    const files = [backup, ...(engine === 'local' ? [t.store, `${t.store}-wal`].filter(existsSync) : [])];
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const s of secrets) expect(bytes.includes(Buffer.from(s)), `${s} in ${f}`).toBe(false);
    }
    // Tokens are kept as SHA-256 hashes.
    const db = new Database(backup, { readonly: true });
    const hashes = (db.prepare('SELECT token_hash FROM tokens').all() as { token_hash: string }[]).map(
      (r) => r.token_hash,
    );
    db.close();
    expect(hashes).toContain(sha256(apiToken));
    expect(hashes).toContain(sha256(session));
  });
});
