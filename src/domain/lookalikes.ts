import type { Store } from '../store/types.js';
import { Repo } from '../store/repo.js';
import { withoutRefused } from '../text.js';
import {
  checkCompanyName,
  checkEmail,
  checkPersonName,
  isRefusal,
  refusalMessage,
  type Refusal,
} from './validation.js';

// Identity text stored before the input rule was complete (docs/identity.md): accounts
// that look like one another, and names and e-mails input would now refuse or store
// differently. Neither breaks a store rule, so `store check` reports them as warnings
// (exit 0), beside its problems (exit 7).

/** An account or a pending invitation that holds an e-mail address. */
export type EmailHolder = { userId: number; email: string } | { companyId: number; email: string; pending: true };

export type CheckWarning =
  | {
      kind: 'LOOKALIKE_EMAILS';
      /** What the e-mails have in common: NFKC, lower case, without invisible characters. */
      key: string;
      holders: EmailHolder[];
      message: string;
    }
  | {
      kind: 'NOW_REFUSED' | 'NOT_NORMALISED';
      table: 'users' | 'companies' | 'invitations';
      /** users.id or companies.id; for an invitation, its company's id. */
      id: number;
      field: 'email' | 'first_name' | 'last_name' | 'name';
      value: string;
      message: string;
    };

export interface IdentityReport {
  warnings: CheckWarning[];
  /** How many there were; at most `MAX_WARNINGS` look-alike groups and as many others are listed. */
  total: number;
}

export const MAX_WARNINGS = 1000;

/**
 * What two e-mail addresses have in common when they look the same: NFKC (compatibility
 * forms: full-width, ligatures, mathematical letters), without what text.ts refuses
 * (invisible, format, control, unassigned characters), lower case, without a dot above
 * on a dotted letter (Turkish "İ" lower-cased); repeated until stable.
 * Not caught: letters of other scripts that look alike (Cyrillic "а" for Latin "a") and
 * look-alike ASCII ("rn" and "m", "l" and "1"): see docs/identity.md.
 */
export function lookalikeKey(email: string): string {
  let s = email;
  for (let prev = ''; s !== prev;) {
    prev = s;
    // A dot above on a letter that already has one (i, j: Unicode's Soft_Dotted) cannot be
    // seen: "İnfo" lower-cased is "i\u0307nfo", which prints as "info".
    s = withoutRefused(s.normalize('NFKC'))
      .toLowerCase()
      .replace(/(\p{Soft_Dotted})\u0307/gu, '$1');
  }
  return s;
}

/** Spells every non-ASCII code point as \u{…}, so two look-alikes read differently. */
export function spelled(text: string): string {
  return Array.from(text, (c) => (/^[\x20-\x7e]$/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`)).join('');
}

/**
 * Reads every user, company and pending invitation once, in keyset pages (one short read
 * transaction each), and reports look-alike e-mails and identity text input would now
 * refuse or change. Memory grows with the number of e-mails that are not already in
 * their look-alike form (key = e-mail), not with the store: a plain lower-case address
 * is its own key, and two different plain addresses never collide, so every look-alike
 * group holds at least one address that is not plain; the plain one is found through
 * the e-mail indexes.
 */
export async function identityWarnings(
  store: Store,
  { pageSize = 1000, lookupSize = 400 } = {},
): Promise<IdentityReport> {
  // Look-alikes first, each kind of list capped on its own: a store with many rows
  // stored unnormalised must not crowd the look-alike accounts out of the listing.
  const lookalikes: CheckWarning[] = [];
  const rows: CheckWarning[] = [];
  let total = 0;
  const add = (w: CheckWarning) => {
    total++;
    const list = w.kind === 'LOOKALIKE_EMAILS' ? lookalikes : rows;
    if (list.length < MAX_WARNINGS) list.push(w);
  };
  const recheck = (
    table: 'users' | 'companies' | 'invitations',
    id: number,
    field: 'email' | 'first_name' | 'last_name' | 'name',
    value: string,
    checked: string | Refusal,
    who: string,
  ) => {
    if (isRefusal(checked)) {
      add({ kind: 'NOW_REFUSED', table, id, field, value, message: `${who}: ${refusalMessage(checked)}` });
    } else if (checked !== value) {
      add({
        kind: 'NOT_NORMALISED',
        table,
        id,
        field,
        value,
        message:
          `${who}: ${field === 'email' ? 'e-mail' : field.replace('_', ' ')} "${spelled(value)}" ` +
          `is stored in a form input no longer produces; ` +
          `typed today it becomes "${spelled(checked)}" (NFC, trimmed${field === 'email' ? ', lower case' : ''})`,
      });
    }
  };

  // key → the holders of e-mails that are not their own key
  const unplain = new Map<string, EmailHolder[]>();
  const note = (h: EmailHolder) => {
    const key = lookalikeKey(h.email);
    if (key === h.email) return;
    const list = unplain.get(key);
    if (list) list.push(h);
    else unplain.set(key, [h]);
  };

  for (let after = 0; ;) {
    const page = await store.read((tx) => new Repo(tx).usersPage(after, pageSize));
    for (const u of page) {
      const who = `user ${u.id}`;
      recheck('users', u.id, 'email', u.email, checkEmail(u.email), who);
      recheck('users', u.id, 'first_name', u.first_name, checkPersonName('First name', u.first_name), who);
      recheck('users', u.id, 'last_name', u.last_name, checkPersonName('Last name', u.last_name), who);
      note({ userId: u.id, email: u.email });
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  for (let after = 0; ;) {
    const page = await store.read((tx) => new Repo(tx).companiesPage(after, pageSize));
    for (const c of page) recheck('companies', c.id, 'name', c.name, checkCompanyName(c.name), `company ${c.id}`);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  for (let after = { companyId: 0, email: '' }; ;) {
    const page = await store.read((tx) => new Repo(tx).invitationsPage(after, pageSize));
    for (const i of page) {
      recheck(
        'invitations',
        i.company_id,
        'email',
        i.email,
        checkEmail(i.email),
        `invitation to company ${i.company_id}`,
      );
      note({ companyId: i.company_id, email: i.email, pending: true });
    }
    if (page.length < pageSize) break;
    const last = page[page.length - 1]!;
    after = { companyId: last.company_id, email: last.email };
  }

  // The plain holders of the keys: accounts and invitations whose e-mail is the key itself.
  const keys = [...unplain.keys()];
  for (let i = 0; i < keys.length; i += lookupSize) {
    const chunk = keys.slice(i, i + lookupSize);
    const found = await store.read((tx) => new Repo(tx).emailHolders(chunk));
    for (const u of found.users) unplain.get(u.email)!.unshift({ userId: u.id, email: u.email });
    for (const inv of found.invitations)
      unplain.get(inv.email)!.push({ companyId: inv.company_id, email: inv.email, pending: true });
  }
  for (const [key, holders] of unplain) {
    // One invitation per company and e-mail: the same address invited to two companies
    // is not a look-alike, but two spellings of it are.
    if (new Set(holders.map((h) => h.email)).size < 2) continue;
    const who = holders
      .map(
        (h) => ('userId' in h ? `user ${h.userId}` : `invitation to company ${h.companyId}`) + ` "${spelled(h.email)}"`,
      )
      .join(', ');
    add({
      kind: 'LOOKALIKE_EMAILS',
      key,
      holders,
      message: `look-alike e-mails (the same once normalised, lower-cased and stripped of invisible characters): ${who}`,
    });
  }
  return { warnings: [...lookalikes, ...rows], total };
}
