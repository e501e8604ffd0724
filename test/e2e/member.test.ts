import { describe, expect, it } from 'vitest';
import { show } from '../../src/domain/accounts.js';
import { engines, useStore } from './harness.js';

type Member = { email: string; firstName: string | null; lastName: string | null; role: string; status: string };

/**
 * The member commands as a process, on each engine: each one succeeds once, and each
 * refusal's exit code (2, 4, 5, 6) is seen once per command, with the error on stderr
 * (as JSON under --json) and nothing on stdout. Who may do what, every message and what
 * the store holds afterwards are checked in unit tests of the commands' run() on both
 * engines: test/commands/member/{invite,list,set-role,remove,member-rules}.test.ts.
 */
describe.each(engines())('member on %s', (engine) => {
  const fresh = useStore(engine);

  it('invite, list, set-role and remove through the real CLI: success, and every exit code a refusal carries', async () => {
    const t = await fresh();
    const [ann, mgr] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'mgr@example.com', first: 'Meg', last: 'Manager' },
    ]);
    const smith = (await ann.as((svc, cred) => show(svc, cred))).currentCompany!.id;
    const S = ['--company', 'Smith Company'];

    // Piped: the invited on stdout, the summary on stderr. Smith Company (FREE) is now full.
    const invited = await ann.run(['member', 'invite', 'mgr@example.com', 'p@example.com', '--role', 'Manager']);
    expect(invited.exitCode, invited.stderr).toBe(0);
    expect(invited.stdout).toBe('mgr@example.com\tMANAGER\tINVITED\np@example.com\tMANAGER\tPENDING');
    expect(invited.stderr).toBe('✓ Invited 2 members to "Smith Company" as MANAGER (3/3 users).');

    const [notYet, badRole, dup, ownerRole, giveOwner, noRole, ownerRemove, noRemove, ask, badStatus] =
      await Promise.all([
        mgr.run(['member', 'list', ...S]),
        ann.run(['member', 'invite', 'z@example.com', '--role', 'boss']),
        ann.run(['--json', 'member', 'invite', 'new1@example.com', 'mgr@example.com', '--role', 'DESIGNER']),
        ann.run(['member', 'set-role', 'ann@example.com', '--role', 'ADMINISTRATOR']),
        ann.run(['member', 'set-role', 'mgr@example.com', '--role', 'owner']),
        ann.run(['member', 'set-role', 'nobody@example.com', '--role', 'DESIGNER']),
        ann.run(['member', 'remove', 'ann@example.com', '--yes']),
        ann.run(['member', 'remove', 'nobody@example.com', '--yes']),
        // Standard input is not a terminal: remove cannot ask, and needs --yes.
        ann.run(['member', 'remove', 'p@example.com']),
        ann.run(['member', 'list', '--status', 'gone']),
      ]);
    // An invitation grants nothing until it is accepted (exit 4, with the way out).
    expect(notYet.exitCode).toBe(4);
    expect(notYet.stderr).toBe(
      `error: You are invited to "Smith Company" but have not accepted yet: switch to it first with \`platformctl company switch ${smith}\` (or leave it).`,
    );
    expect([badRole, giveOwner, ask, badStatus].map((r) => r.exitCode)).toEqual([2, 2, 2, 2]);
    expect(badRole.stderr).toBe('error: Unknown role "boss": use one of ADMINISTRATOR, MANAGER, DESIGNER.');
    expect(giveOwner.stderr).toBe(
      'error: Nobody can be given the OWNER role: a company has exactly one OWNER, its creator.',
    );
    expect(ask.stderr).toMatch(/^error: Remove p@example.com \(MANAGER, PENDING\) from "Smith Company"\?.*pass --yes/);
    expect(badStatus.stderr).toBe('error: Unknown status "gone": use one of ACTIVE, INVITED, PENDING.');
    expect([dup, ownerRole, ownerRemove].map((r) => r.exitCode)).toEqual([6, 6, 6]);
    expect(dup.stdout).toBe('');
    expect(JSON.parse(dup.stderr)).toEqual({
      error: {
        code: 'ALREADY_EXISTS',
        message: 'mgr@example.com is already a member of "Smith Company" (MANAGER, INVITED).',
      },
    });
    expect(ownerRole.stderr).toBe(
      'error: ann@example.com is the OWNER of "Smith Company"; the OWNER\'s role cannot be changed.',
    );
    expect(ownerRemove.stderr).toBe('error: ann@example.com is the OWNER of "Smith Company" and cannot be removed.');
    expect([noRole, noRemove].map((r) => r.exitCode)).toEqual([5, 5]);
    expect(noRemove.stderr).toBe('error: nobody@example.com is not a member of "Smith Company".');
    for (const r of [notYet, badRole, ownerRole, giveOwner, noRole, ownerRemove, noRemove, ask, badStatus])
      expect(r.stdout).toBe('');

    // Accepted, a MANAGER may look but changes nothing (exit 4).
    expect((await mgr.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
    const [denied, deniedJson, deniedRemove] = await Promise.all([
      mgr.run(['member', 'invite', 'x@example.com', '--role', 'DESIGNER']),
      mgr.run(['--json', 'member', 'set-role', 'p@example.com', '--role', 'DESIGNER']),
      mgr.run(['member', 'remove', 'p@example.com', '--yes']),
    ]);
    expect([denied, deniedJson, deniedRemove].map((r) => r.exitCode)).toEqual([4, 4, 4]);
    expect(denied.stderr).toBe(
      'error: Only an OWNER or ADMINISTRATOR of "Smith Company" can invite members; your role there is MANAGER.',
    );
    expect(JSON.parse(deniedJson.stderr).error.code).toBe('PERMISSION_DENIED');
    expect(deniedJson.stdout).toBe('');

    const changed = await ann.run(['member', 'set-role', 'MGR@example.com', '--role', 'designer']);
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(changed.stdout).toBe('');
    expect(changed.stderr).toBe('✓ mgr@example.com is now DESIGNER in "Smith Company" (was MANAGER).');
    expect(await mgr.json<Member[]>(['member', 'list'])).toEqual([
      { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', role: 'OWNER', status: 'ACTIVE' },
      { email: 'mgr@example.com', firstName: 'Meg', lastName: 'Manager', role: 'DESIGNER', status: 'ACTIVE' },
      { email: 'p@example.com', firstName: null, lastName: null, role: 'MANAGER', status: 'PENDING' },
    ]);

    // --yes removes without asking: the pending invitation (as JSON), and the member whose current company it was.
    const [removed, removedMgr] = await Promise.all([
      ann.run(['--json', 'member', 'remove', 'p@example.com', '--yes']),
      ann.run(['member', 'remove', 'mgr@example.com', '--yes']),
    ]);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({
      removed: true,
      company: { id: smith, name: 'Smith Company' },
      email: 'p@example.com',
      role: 'MANAGER',
      status: 'PENDING',
    });
    expect(removed.stderr).toBe('');
    expect(removedMgr.exitCode, removedMgr.stderr).toBe(0);
    expect(removedMgr.stderr).toBe('✓ Removed mgr@example.com from "Smith Company".');

    // Left with no current company: company commands say so (exit 5) until they choose one.
    const [gone, goneWrite, rest] = await Promise.all([
      mgr.run(['member', 'list']),
      mgr.run(['--json', 'member', 'invite', 'y@example.com', '--role', 'DESIGNER']),
      ann.run(['member', 'list']),
    ]);
    expect([gone, goneWrite].map((r) => r.exitCode)).toEqual([5, 5]);
    expect(gone.stderr).toMatch(/^error: You have no current company: you were removed from it, or it was deleted\./);
    expect(JSON.parse(goneWrite.stderr).error.code).toBe('NOT_FOUND');
    expect(goneWrite.stdout).toBe('');
    expect(rest.exitCode, rest.stderr).toBe(0);
    expect(rest.stdout).toBe('ann@example.com\tAnn Smith\tOWNER\tACTIVE');
  }, 150_000);
});
