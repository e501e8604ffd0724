import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, actionFilter } from '../../src/domain/audit.js';
import { PlatformError } from '../../src/errors.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Actions written by the source: literal 'group.action' strings, and the bulk job's `member.${kind}…`. */
function writtenActions(): string[] {
  const found = new Set<string>();
  for (const f of files(join(SRC, 'domain'))) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/'((?:account|company|member|password|plan|staff|token)\.[a-z_]+(?:\.[a-z_]+)?)'/g))
      found.add(m[1]!);
    for (const m of text.matchAll(/`member\.\$\{this\.opts\.kind\}((?:\.[a-z_]+)?)`/g))
      for (const kind of ['import', 'sync']) found.add(`member.${kind}${m[1]}`);
  }
  return [...found].sort();
}

const refusal = (value: string) => {
  try {
    actionFilter(value);
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    expect((e as PlatformError).exitCode).toBe(2);
    return (e as PlatformError).message;
  }
  throw new Error(`--action ${value} was accepted`);
};

describe('audit list --action', () => {
  it('knows every action the program writes', () => {
    const written = writtenActions();
    expect(written).toContain('member.import.start');
    expect(written).toContain('member.sync.stop');
    expect(written.filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it('accepts each of them as one action, and groups as prefixes', () => {
    for (const a of AUDIT_ACTIONS) expect(actionFilter(a)).toEqual({ action: a });
    expect(actionFilter('member.import.start')).toEqual({ action: 'member.import.start' });
    expect(actionFilter('MEMBER')).toEqual({ actionPrefix: 'member.' });
    expect(actionFilter('member.*')).toEqual({ actionPrefix: 'member.' });
    expect(actionFilter('member.import.*')).toEqual({ actionPrefix: 'member.import.' });
    // Spelled as the command is (found at a terminal: `--action member.set-role` was refused).
    expect(actionFilter('member.set-role')).toEqual({ action: 'member.set_role' });
  });

  it('refuses anything else (exit 2), with the closest actions or the groups', () => {
    expect(refusal('bogus')).toMatch(
      /"bogus" is neither\. Groups: account, company, member, password, plan, staff, token\./,
    );
    expect(refusal('member.invited')).toMatch(/Did you mean [a-z, ]*member\.invite\b/);
    expect(refusal('import.start')).toContain('member.import.start');
    expect(refusal('member;drop')).toMatch(/is neither/);
    // An action that is also a group is suggested once (found from outside: "member.import, member.import").
    const near = /Did you mean ([^?]*)\?/.exec(refusal('member.import*'))![1]!.split(', ');
    expect(near).toContain('member.import');
    expect(near).toEqual([...new Set(near)]);
  });
});
