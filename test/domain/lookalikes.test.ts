import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityWarnings, lookalikeKey, MAX_WARNINGS, spelled } from '../../src/domain/lookalikes.js';
import { openStore, parseLocation } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';

describe('lookalikeKey', () => {
  it.each([
    ['composed and decomposed accents', 'jos\u00e9@example.com', 'jose\u0301@example.com'],
    ['case', 'Ann@Example.com', 'ann@example.com'],
    ['a WORD JOINER', 'victim\u2060@example.com', 'victim@example.com'],
    ['a tag character', 'victim\u{e0041}@example.com', 'victim@example.com'],
    ['a zero-width space and a soft hyphen', 'vic\u200bti\u00adm@example.com', 'victim@example.com'],
    ['full-width letters', '\uff56\uff49\uff43@example.com', 'vic@example.com'],
    ['mathematical bold letters', '\u{1d42f}\u{1d422}\u{1d41c}@example.com', 'vic@example.com'],
    ['a ligature', 'of\ufb01ce@example.com', 'office@example.com'],
    ['the Kelvin sign', '\u212aim@example.com', 'kim@example.com'],
    // Found from outside: "İnfo" is stored lower-cased as "i\u0307nfo" and prints as "info".
    ['a Turkish dotted capital I', '\u0130nfo@example.com', 'info@example.com'],
    ['a dot above on j', 'j\u0307ohn@example.com', 'john@example.com'],
  ])('equates %s', (_what, a, b) => {
    expect(lookalikeKey(a)).toBe(lookalikeKey(b));
  });

  it.each([
    ['Cyrillic а for Latin a (confusables are not caught)', '\u0430nn@example.com', 'ann@example.com'],
    ['an accent', 'jose@example.com', 'jos\u00e9@example.com'],
    ['rn and m', 'rnary@example.com', 'mary@example.com'],
    ['a dot above on a letter without one', 'a\u0307nn@example.com', 'ann@example.com'],
  ])('keeps apart %s', (_what, a, b) => {
    expect(lookalikeKey(a)).not.toBe(lookalikeKey(b));
  });

  it('is its own fixed point, and a plain lower-case address is its own key (every 5th code point)', () => {
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp += 5) {
      const c = cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      const key = lookalikeKey('a' + c + 'b@example.com');
      if (lookalikeKey(key) !== key) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
    expect(lookalikeKey('ann.smith+tag@example.com')).toBe('ann.smith+tag@example.com');
  });

  it('spelled() writes every non-ASCII code point out', () => {
    expect(spelled('jose\u0301@x')).toBe('jose\\u{301}@x');
    expect(spelled('v\u2060\u{1f984}')).toBe('v\\u{2060}\\u{1f984}');
  });
});

describe('identityWarnings (local store, pages of 2)', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-lookalikes-'));
    store = await openStore(parseLocation(join(dir, 'platform.db')));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Rows as an older build stored them, straight into the tables. */
  async function seed(emails: string[], invitations: [number, string][]) {
    await store.write(async (tx) => {
      for (const [i, email] of emails.entries()) {
        const id = i + 1;
        await tx.run(
          `INSERT INTO users (id, email, first_name, last_name, password_hash, created_at, updated_at)
           VALUES (?, ?, 'T', 'U', 'x', 'now', 'now')`,
          [id, email],
        );
        await tx.run(
          `INSERT INTO companies (id, name, owner_id, plan_id, created_at, updated_at)
           VALUES (?, ?, ?, (SELECT id FROM plans WHERE is_default = 1), 'now', 'now')`,
          [id, `C${id}`, id],
        );
      }
      for (const [company, email] of invitations) {
        await tx.run(
          `INSERT INTO invitations (company_id, email, role, created_at, updated_at) VALUES (?, ?, 'MANAGER', 'now', 'now')`,
          [company, email],
        );
      }
    });
  }

  it('finds every look-alike group across page boundaries, plain twins through the index', async () => {
    await seed(
      [
        'a@example.com', // 1
        'b@example.com', // 2
        'jos\u00e9@example.com', // 3
        'c@example.com', // 4
        'A\u2060@example.com', // 5: looks like user 1
        'jose\u0301@example.com', // 6: looks like user 3
        'd@example.com', // 7
      ],
      [
        [1, 'b\u200b@example.com'], // looks like user 2
        [1, 'z@example.com'],
        [2, 'z@example.com'], // the same address in two companies: not a look-alike
        [3, 'Z@example.com'], // but another spelling of it is
        [4, 'q@example.com'],
      ],
    );
    const r = await identityWarnings(store, { pageSize: 2, lookupSize: 2 });
    const groups = r.warnings
      .filter((w) => w.kind === 'LOOKALIKE_EMAILS')
      .map((w) =>
        w.kind === 'LOOKALIKE_EMAILS' ? w.holders.map((h) => ('userId' in h ? h.userId : `i${h.companyId}`)) : [],
      );
    expect(groups).toEqual([
      [1, 5],
      [3, 6],
      [2, 'i1'],
      ['i3', 'i1', 'i2'],
    ]);
    // Each not-normalised or refused row once: user 5 (refused), user 6 (NFD), two invitations.
    const rows = r.warnings.filter((w) => w.kind !== 'LOOKALIKE_EMAILS').map((w) => [w.kind, w.table, w.id]);
    expect(rows).toEqual([
      ['NOW_REFUSED', 'users', 5],
      ['NOT_NORMALISED', 'users', 6],
      ['NOW_REFUSED', 'invitations', 1],
      ['NOT_NORMALISED', 'invitations', 3],
    ]);
    expect(r.total).toBe(8);
  });

  it('a clean store has no warnings; the listing is capped, the count is not', async () => {
    await seed(['a@example.com', 'b@example.com'], []);
    expect(await identityWarnings(store, { pageSize: 1 })).toEqual({ warnings: [], total: 0 });
    await store.write((tx) =>
      tx.run(`UPDATE users SET first_name = 'T\u3164'`).then(() => tx.run(`UPDATE companies SET name = 'C\u202e'`)),
    );
    const r = await identityWarnings(store);
    expect(r.total).toBe(4);
    expect(MAX_WARNINGS).toBeGreaterThanOrEqual(r.total);
    expect(r.warnings.map((w) => w.kind)).toEqual(['NOW_REFUSED', 'NOW_REFUSED', 'NOW_REFUSED', 'NOW_REFUSED']);
  });
});
