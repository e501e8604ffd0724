import { beforeAll, describe, expect, it } from 'vitest';
import { run as memberList, type ListOptions } from '../../../src/commands/member/list.js';
import { run as auditList } from '../../../src/commands/audit/list.js';
import { run as tokenList } from '../../../src/commands/account/token/list.js';
import { useFixture, type TestUser } from '../../helpers/services.js';

/**
 * An empty list says so on a terminal (stderr, as gh's "no open issues match your
 * search"); piped it prints nothing and --json prints []. Messages on a terminal wrap
 * between words, so the "… more" hint never splits an e-mail.
 */
describe('empty lists and hints on a terminal', () => {
  const fx = useFixture();
  let ann: TestUser;
  const LONG = 'alexandra.montgomery-smith@example.com';

  beforeAll(async () => {
    const f = fx();
    ann = await f.register('ann@example.com', 'Ann', 'Smith');
    await f.invite(ann, [LONG], 'designer');
  });

  const members = async (o: Partial<ListOptions> & { tty: boolean; cols?: number }) => {
    const c = fx().call(ann, { tty: o.tty });
    c.io.columns = o.tty ? (o.cols ?? 100) : undefined;
    await memberList({ ...c.deps, csv: false, all: false, ...o, json: o.json ?? false });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('member list --status INVITED with no match: a line on stderr on a terminal, nothing piped, [] with --json', async () => {
    expect(await members({ tty: true, status: 'invited' })).toEqual({
      out: '',
      err: 'No members match --status INVITED in "Smith Company".\n',
    });
    expect(await members({ tty: true, role: 'manager', status: 'PENDING' })).toEqual({
      out: '',
      err: 'No members match --role MANAGER --status PENDING in "Smith Company".\n',
    });
    expect(await members({ tty: true, after: LONG })).toEqual({
      out: '',
      err: `No more members after ${LONG} in "Smith Company".\n`,
    });
    expect(await members({ tty: false, status: 'INVITED' })).toEqual({ out: '', err: '' });
    expect(await members({ tty: false, status: 'INVITED', json: true })).toEqual({ out: '[]\n', err: '' });
  });

  it('audit list with no match says so, naming the filters and the company', async () => {
    const c = fx().call(ann, { tty: true });
    await auditList({ ...c.deps, all: false, actor: 'nobody@example.com', action: 'staff' });
    expect(c.stdout()).toBe('');
    expect(c.stderr()).toBe('No audit entries match --actor nobody@example.com --action staff in "Smith Company".\n');
    const piped = fx().call(ann);
    await auditList({ ...piped.deps, all: false, actor: 'nobody@example.com' });
    expect([piped.stdout(), piped.stderr()]).toEqual(['', '']);
  });

  it('account token list with no tokens says how to make one', async () => {
    const c = fx().call(ann, { tty: true });
    await tokenList(c.deps);
    expect(c.stdout()).toBe('');
    expect(c.stderr()).toBe('No API tokens. Create one with `platformctl account token create --name NAME`.\n');
  });

  it('the "… more" hint wraps between words: the e-mail in it stays whole', async () => {
    const r = await members({ tty: true, cols: 60, limit: 1, after: 'ann@example.com' });
    expect(r.out).toContain(LONG);
    const zed = await members({ tty: true, cols: 60, limit: 1 });
    const lines = zed.err.trimEnd().split('\n');
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(60);
    expect(lines.join(' ')).toBe(
      '… and 1 more member: add --after ann@example.com for the next 1, or --all for every one.',
    );
    expect(lines.some((l) => l.includes('ann@example.com'))).toBe(true);
  });
});
