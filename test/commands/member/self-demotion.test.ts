import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run as setRole, type SetRoleOptions } from '../../../src/commands/member/set-role.js';
import { run as remove, type RemoveOptions } from '../../../src/commands/member/remove.js';
import { register } from '../../../src/domain/accounts.js';
import { switchCompany } from '../../../src/domain/companies.js';
import { invite, listMembers } from '../../../src/domain/members.js';
import type { Services } from '../../../src/domain/services.js';
import { CONFIRMATIONS, confirmer } from '../../../src/io/confirm.js';
import { bufferIO } from '../../helpers/io.js';
import { ENGINES, Fixture } from '../../helpers/services.js';
import { scriptedPrompter, type Step } from '../scripted-prompter.js';

/**
 * An ADMINISTRATOR demoting or removing themselves cannot undo it: set-role asks first
 * (`YES, CHANGE MY ROLE` / `NO, IT'S MISTAKE`), remove says it is yourself; --yes answers,
 * and without a terminal nothing happens (exit 2). Anyone else's change asks nothing new.
 */
describe.each(ENGINES)('member set-role / remove on oneself on %s', (engine) => {
  let fx: Fixture;
  let svc: Services;
  let ann: string;
  let bob: string;

  beforeEach(async () => {
    fx = await Fixture.open(engine);
    svc = fx.services;
    const pw = 'correct horse battery';
    ann = (
      await register(
        svc,
        { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', password: pw },
        'unit-test-register-01',
      )
    ).token;
    bob = (
      await register(
        svc,
        { email: 'bob@example.com', firstName: 'Bob', lastName: 'Jones', password: pw },
        'unit-test-register-01',
      )
    ).token;
    await register(
      svc,
      { email: 'cat@example.com', firstName: 'Cat', lastName: 'Brown', password: pw },
      'unit-test-register-01',
    );
    await invite(svc, { token: ann }, { emails: ['bob@example.com', 'cat@example.com'], role: 'ADMINISTRATOR' });
    await switchCompany(svc, { token: bob }, 'Smith Company');
  });
  afterEach(async () => {
    await fx.close();
  });

  const roleOf = async (email: string) =>
    (await listMembers(svc, { token: ann }, { company: 'Smith Company' })).members.find((m) => m.email === email)?.role;

  const setRoleOpts = (token: string, tty: boolean, steps: Step[], yes = false, email = 'bob@example.com') => {
    const b = bufferIO({ tty });
    const p = scriptedPrompter(steps);
    const o: SetRoleOptions = {
      io: b.io,
      services: async () => svc,
      credential: () => ({ token }),
      json: false,
      confirm: confirmer(b.io, p.prompter, yes),
      email,
      role: 'MANAGER',
    };
    return { o, b, p };
  };

  it('set-role: demoting yourself asks, with the two answers; no keeps you ADMINISTRATOR (exit 8)', async () => {
    const no = setRoleOpts(bob, true, [
      {
        kind: 'choose',
        message:
          'Change your own role in "Smith Company" from ADMINISTRATOR to MANAGER? You will no longer manage its members and cannot undo this yourself.',
        answer: false,
        answers: [CONFIRMATIONS.demoteSelf.yes, CONFIRMATIONS.demoteSelf.no],
      },
    ]);
    await expect(setRole(no.o)).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'Nothing was changed; you are still ADMINISTRATOR in "Smith Company".',
    });
    expect(CONFIRMATIONS.demoteSelf).toEqual({ yes: 'YES, CHANGE MY ROLE', no: "NO, IT'S MISTAKE" });
    expect(await roleOf('bob@example.com')).toBe('ADMINISTRATOR');

    const yes = setRoleOpts(bob, true, [{ kind: 'choose', message: /^Change your own role/, answer: true }]);
    await setRole(yes.o);
    expect(yes.p.left()).toBe(0);
    expect(yes.b.stderr()).toBe('✓ bob@example.com is now MANAGER in "Smith Company" (was ADMINISTRATOR).\n');
    expect(await roleOf('bob@example.com')).toBe('MANAGER');
  });

  it('set-role: without a terminal, --yes is needed (exit 2, nothing changed); with it, no question', async () => {
    const none = setRoleOpts(bob, false, []);
    await expect(setRole(none.o)).rejects.toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      message: expect.stringContaining('pass --yes'),
    });
    expect(await roleOf('bob@example.com')).toBe('ADMINISTRATOR');
    const yes = setRoleOpts(bob, false, [], true);
    await setRole(yes.o);
    expect(await roleOf('bob@example.com')).toBe('MANAGER');
  });

  it("set-role: someone else's role, or your own when you keep managing, asks nothing", async () => {
    const other = setRoleOpts(bob, false, [], false, 'cat@example.com');
    await setRole(other.o);
    expect(await roleOf('cat@example.com')).toBe('MANAGER');
    const same = setRoleOpts(bob, false, [], false);
    same.o.role = 'administrator';
    await setRole(same.o);
    expect(same.b.stderr()).toBe('✓ bob@example.com is already ADMINISTRATOR in "Smith Company".\n');
  });

  it('remove: removing yourself says so and that you cannot undo it; someone else is asked as before', async () => {
    const b = bufferIO({ tty: true });
    const p = scriptedPrompter([
      {
        kind: 'choose',
        message:
          'Remove yourself (ADMINISTRATOR) from "Smith Company"? You will lose access to it and cannot undo this yourself.',
        answer: false,
        answers: [CONFIRMATIONS.removeMember.yes, CONFIRMATIONS.removeMember.no],
      },
      {
        kind: 'choose',
        message: 'Remove cat@example.com (ADMINISTRATOR, INVITED) from "Smith Company"? They will lose access to it.',
        answer: true,
      },
    ]);
    const o = (email: string): RemoveOptions => ({
      io: b.io,
      services: async () => svc,
      credential: () => ({ token: bob }),
      json: false,
      confirm: confirmer(b.io, p.prompter, false),
      email,
    });
    await expect(remove(o('bob@example.com'))).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'Nothing was changed; you are still a member of "Smith Company".',
    });
    await remove(o('cat@example.com'));
    expect(p.left()).toBe(0);
    expect(await roleOf('bob@example.com')).toBe('ADMINISTRATOR');
    expect(await roleOf('cat@example.com')).toBeUndefined();
  });
});
