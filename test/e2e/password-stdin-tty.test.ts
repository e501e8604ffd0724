import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD } from './harness.js';
import { PtySession } from './pty.js';

const ENTER = '\r';
const REFUSED =
  /error: --password-stdin reads the password from standard input, which is a terminal: leave out --password-stdin to be asked with hidden input, or pipe the password in\./;

/**
 * What a newcomer at a real terminal met: the prompts and the stdin readers, driven
 * through a pseudo-terminal with only the streams that matter taken off it.
 */
describe.each(engines())('terminal behaviour of prompts and stdin readers on %s', (engine) => {
  const fresh = useStore(engine);

  it('--password-stdin with a terminal on stdin is refused at once (exit 2), nothing read nor echoed', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const runs: [string[], string][] = [
      [['account', 'login', '--email', 'ann@example.com', '--password-stdin'], join(t.dir, 'other')],
      [['password', 'change', '--password-stdin'], ann.configDir],
      [
        [
          'account',
          'register',
          '--email',
          'bob@example.com',
          '--first-name',
          'B',
          '--last-name',
          'J',
          '--password-stdin',
        ],
        join(t.dir, 'bob'),
      ],
    ];
    for (const [args, dir] of runs) {
      // Nothing is typed: the refusal must come without waiting for input or Ctrl-D.
      const r = await new PtySession(t, args, dir).end();
      expect(r.exitCode, r.output).toBe(2);
      expect(r.output).toMatch(REFUSED);
    }
    expect(await t.query((r) => r.userByEmail('bob@example.com'))).toBeUndefined();
    // The other stdin readers refuse a terminal the same way.
    for (const cmd of ['import', 'sync']) {
      const r = await new PtySession(t, ['member', cmd, '-'], ann.configDir).end();
      expect(r.exitCode, r.output).toBe(2);
      expect(r.output).toMatch(new RegExp(`member ${cmd} - reads the rows from standard input, which is a terminal`));
    }
  });

  it('prompts when stdin and stderr are terminals, even with stdout piped; names stderr when it is not one', async () => {
    const t = await fresh();
    await t.seed('ann@example.com');
    const piped = new PtySession(t, ['account', 'login', '--email', 'ann@example.com'], join(t.dir, 'a'), '| cat');
    await piped.expect(/\? PASSWORD/);
    piped.write(PASSWORD + ENTER);
    const p = await piped.end();
    expect(p.exitCode, p.output).toBe(0);
    expect(p.output).toMatch(/Signed in as ann@example.com/);

    const errFile = join(t.dir, 'err.txt');
    const noErr = new PtySession(
      t,
      ['account', 'login', '--email', 'ann@example.com'],
      join(t.dir, 'b'),
      `2>${errFile}`,
    );
    const n = await noErr.end();
    expect(n.exitCode).toBe(2);
    expect(readFileSync(errFile, 'utf8')).toBe(
      'error: The password cannot be asked: standard error, where prompts are drawn, is not a terminal. Pass --password-stdin and write it to standard input.\n',
    );
  });

  it('a refused answer is not shown as taken; the hint says the input is hidden; one tick glyph', async () => {
    const t = await fresh();
    const reg = new PtySession(
      t,
      ['account', 'register', '--email', 'ann@example.com', '--first-name', 'Ann', '--last-name', 'Smith'],
      join(t.dir, 'ann'),
    );
    await reg.expect(/\? PASSWORD \(input is hidden\)/);
    reg.write('short' + ENTER);
    await reg.expect(/Password must be at least 8 characters long\./);
    reg.write(PASSWORD + ENTER);
    await reg.expect(/\? CONFIRM PASSWORD/);
    reg.write(PASSWORD + ENTER);
    const r = await reg.end();
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).not.toMatch(/masked|✔/);
    // The only tick before the refusal would be one for the refused answer.
    const refusal = r.output.indexOf('Password must be at least 8 characters long.');
    expect(r.output.slice(0, refusal)).not.toMatch(/✓/);
    expect(r.output).toMatch(/✓ PASSWORD/);
    expect(r.output).toMatch(/✓ Registered ann@example.com/);
  });

  it('Ctrl-Z at a prompt, then SIGCONT (as `fg` sends), resumes the prompt instead of cancelling', async () => {
    const t = await fresh();
    await t.seed('ann@example.com');
    const s = new PtySession(t, ['account', 'login', '--email', 'ann@example.com'], join(t.dir, 'a'));
    await s.expect(/\? PASSWORD/);
    s.write('\u001a');
    // Under `script` nothing does job control, so the stop itself is discarded by the
    // kernel (an orphaned process group); what matters is what the prompt does on SIGCONT.
    await new Promise((resolve) => setTimeout(resolve, 300));
    s.signal('SIGCONT');
    await s.expect(/\? PASSWORD/);
    s.write(PASSWORD + ENTER);
    const r = await s.end();
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/Signed in as ann@example.com/);
    expect(r.output).not.toMatch(/Cancelled/);
    expect(r.output).not.toContain(PASSWORD);
  });
});
