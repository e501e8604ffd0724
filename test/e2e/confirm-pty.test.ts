import { describe, expect, it } from 'vitest';
import { useStore, PASSWORD } from './harness.js';
import { PtySession } from './pty.js';

const ENTER = '\r';
const DOWN = '\u001b[B';
const CTRL_C = '\u0003';

/**
 * Confirmations as a person meets them, in a real pseudo-terminal: the list starts on
 * NO, IT'S MISTAKE; no letter moves it (`y` + Enter must not delete an account); ↓ and
 * Enter answer yes; `account delete` then wants the e-mail typed. No or Ctrl-C: exit 8
 * with a calm line, not an error.
 */
// The subject is the terminal dialogue, the same on any engine: run on the local store only.
// What a confirmed or refused command does to the store is covered on both engines without a
// terminal (confirm.test.ts: account delete with and without --yes; company.test.ts: leave;
// member.test.ts: member remove; self-demotion.test.ts: --yes).
describe('confirmations on a terminal (local store: the dialogue does not depend on the engine)', () => {
  const fresh = useStore('local');

  it('account delete: y + Enter and Ctrl-C change nothing (exit 8, calm); ↓ Enter and the typed e-mail delete', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');

    const y = new PtySession(t, ['account', 'delete'], ann.configDir);
    // (The terminal is 80 columns wide: the question wraps.)
    await y.expect(
      /Delete the account ann@example.com and your company "Smith Company"\?\s+This\s+cannot\s+be\s+undone\./,
    );
    await y.expect(/❯ NO, IT'S MISTAKE\s+YES, DELETE IT/);
    y.write('y');
    y.write(ENTER);
    const r1 = await y.end();
    expect(r1.exitCode, r1.output).toBe(8);
    expect(r1.output).toMatch(/✓ Delete the account [^✓]*undone\. NO, IT'S MISTAKE\r?\n/);
    expect(r1.output).toMatch(/\nNothing was changed; your account was not deleted\.\r?\n$/);
    expect(r1.output).not.toMatch(/error:|To confirm/);

    const ctrlC = new PtySession(t, ['account', 'delete'], ann.configDir);
    await ctrlC.expect(/YES, DELETE IT/);
    ctrlC.write(CTRL_C);
    const r2 = await ctrlC.end();
    expect(r2.exitCode, r2.output).toBe(8);
    expect(r2.output).toMatch(/Cancelled; nothing was changed\./);
    expect(r2.output).not.toMatch(/error:/);
    expect((await ann.json(['account', 'show'])).currentCompany.name).toBe('Smith Company');

    const yes = new PtySession(t, ['account', 'delete'], ann.configDir);
    await yes.expect(/❯ NO, IT'S MISTAKE/);
    yes.write(DOWN);
    await yes.expect(/❯ YES, DELETE IT/); // redrawn with the cursor on it
    yes.write(ENTER);
    await yes.expect(/To confirm, type your e-mail address \(ann@example\.com\):/);
    yes.write('ann@example.org' + ENTER);
    // Refused on the open prompt (never shown as taken): the reason under it, the text kept to correct.
    await yes.expect(/That is not ann@example\.com\./);
    yes.write('\u0015' + 'ann@example.com' + ENTER);
    const r3 = await yes.end();
    expect(r3.exitCode, r3.output).toBe(0);
    expect(r3.output).toMatch(/Deleted the account ann@example.com and the company "Smith Company"/);
    const login = await t.run(['account', 'login', '--email', ann.email, '--password-stdin'], {
      input: PASSWORD + '\n',
    });
    expect(login.exitCode).toBe(3);
  });

  it('account delete: YES, DELETE IT then Enter on an empty proof stops there (exit 8), nothing deleted', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const s = new PtySession(t, ['account', 'delete'], ann.configDir);
    await s.expect(/❯ NO, IT'S MISTAKE/);
    s.write(DOWN);
    await s.expect(/❯ YES, DELETE IT/);
    s.write(ENTER);
    await s.expect(/To confirm, type your e-mail address/);
    s.write(ENTER);
    const r = await s.end();
    expect(r.exitCode, r.output).toBe(8);
    expect(r.output).toMatch(/Nothing was changed; your account was not deleted\./);
    expect((await ann.json(['account', 'show'])).currentCompany.name).toBe('Smith Company');
  });

  it('company leave and member remove: y + Enter is no (exit 8); ↓ Enter is yes, with no proof to type', async () => {
    const t = await fresh();
    const [ann, bob] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
    ]);
    const invite = await ann.run(['member', 'invite', 'bob@example.com', 'cat@example.com', '--role', 'MANAGER']);
    expect(invite.exitCode, invite.stderr).toBe(0);

    const stay = new PtySession(t, ['company', 'leave', 'Smith Company'], bob.configDir);
    await stay.expect(/Leave "Smith Company" \(your role: MANAGER\)\?[^]*❯ NO, IT'S MISTAKE\s+YES, LEAVE IT/);
    stay.write('y' + ENTER);
    const r1 = await stay.end();
    expect(r1.exitCode, r1.output).toBe(8);
    expect(r1.output).toMatch(/Nothing was changed; you are still a member of "Smith Company"\./);
    expect(r1.output).not.toMatch(/error:/);

    const leave = new PtySession(t, ['company', 'leave', 'Smith Company'], bob.configDir);
    await leave.expect(/YES, LEAVE IT/);
    leave.write(DOWN);
    await leave.expect(/❯ YES, LEAVE IT/);
    leave.write(ENTER);
    const r2 = await leave.end();
    expect(r2.exitCode, r2.output).toBe(0);
    expect(r2.output).toMatch(/You left "Smith Company"/);
    expect(r2.output).not.toMatch(/To confirm/);

    const keep = new PtySession(t, ['member', 'remove', 'cat@example.com'], ann.configDir);
    await keep.expect(/Remove cat@example.com \(MANAGER, PENDING\) from "Smith Company"\?[^]*YES, REMOVE/);
    keep.write('Y' + ENTER);
    const r3 = await keep.end();
    expect(r3.exitCode, r3.output).toBe(8);
    expect(r3.output).toMatch(/Nothing was changed; cat@example.com was not removed from "Smith Company"\./);

    const remove = new PtySession(t, ['member', 'remove', 'cat@example.com'], ann.configDir);
    await remove.expect(/YES, REMOVE/);
    remove.write(DOWN);
    await remove.expect(/❯ YES, REMOVE/);
    remove.write(ENTER);
    const r4 = await remove.end();
    expect(r4.exitCode, r4.output).toBe(0);
    expect(r4.output).toMatch(/Removed cat@example.com from "Smith Company"/);
    const members = await ann.json(['member', 'list']);
    expect(members.map((m: { email: string }) => m.email)).toEqual(['ann@example.com']);
  });
});
