import { invalid } from '../errors.js';
import { codePointName, printable, printableAddress, refusedCodePoint } from '../text.js';

// Identity text: what is refused and why is docs/identity.md; the character rule itself
// is src/text.ts (one rule for input and for display).

/**
 * Why a value was refused, without the message: the checks below return one, so a caller
 * that checks very many values (store check, the Unicode-range test) pays for messages
 * only when it shows them; the throwing validators turn it into INVALID_INPUT.
 */
export type Refusal =
  | { reason: 'hidden'; field: string; codePoint: number; value: string }
  | { reason: 'empty' | 'too-long'; field: string; max: number }
  | { reason: 'email-syntax'; typed: string }
  | { reason: 'email-hidden'; typed: string; codePoint: number }
  | { reason: 'email-compat'; typed: string; char: string };

/** True when a check refused its value. */
export function isRefusal(r: string | Refusal): r is Refusal {
  return typeof r !== 'string';
}

/** The one-line message for a refusal (values escaped by printable). */
export function refusalMessage(r: Refusal): string {
  switch (r.reason) {
    case 'hidden':
      return `${r.field} must not contain control, invisible or unassigned characters (found ${codePointName(r.codePoint)}): "${printable(r.value)}".`;
    case 'empty':
      return `${r.field} must not be empty.`;
    case 'too-long':
      return `${r.field} must be at most ${r.max} characters long.`;
    case 'email-syntax':
      return `Invalid e-mail address "${printableAddress(r.typed)}".`;
    case 'email-hidden':
      return `Invalid e-mail address "${printableAddress(r.typed)}": it holds ${codePointName(r.codePoint)}, a control, invisible or unassigned character.`;
    case 'email-compat':
      return (
        `Invalid e-mail address "${printableAddress(r.typed)}": "${printableAddress(r.char)}" ` +
        `(${codePointName(r.char.codePointAt(0)!)}) is a compatibility form ` +
        `(full-width, ligature, superscript …); type the plain character.`
      );
  }
}

function orThrow(r: string | Refusal): string {
  if (isRefusal(r)) throw invalid(refusalMessage(r));
  return r;
}

/** Names: NFC, trimmed, nothing text.ts refuses in a name, not empty, at most `max` code points. */
function checkName(field: string, value: string, max: number): string | Refusal {
  const v = value.normalize('NFC').trim();
  const cp = refusedCodePoint(v, 'name');
  if (cp !== undefined) return { reason: 'hidden', field, codePoint: cp, value: v };
  if (v.length === 0) return { reason: 'empty', field, max };
  if ([...v].length > max) return { reason: 'too-long', field, max };
  return v;
}

/** Normalises and validates a first or last name. */
export function personName(field: string, value: string): string {
  return orThrow(checkPersonName(field, value));
}

/** personName() without the throw. */
export function checkPersonName(field: string, value: string): string | Refusal {
  return checkName(field, value, 100);
}

/** Normalises and validates a company name. */
export function companyName(value: string): string {
  return orThrow(checkCompanyName(value));
}

/** companyName() without the throw. */
export function checkCompanyName(value: string): string | Refusal {
  return checkName('Company name', value, 120);
}

/** Plan names are short upper-case identifiers. */
export function planName(value: string): string {
  const v = value.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]{0,39}$/.test(v))
    throw invalid(`Invalid plan name "${printable(value)}": use letters, digits, "-" or "_" (at most 40).`);
  return v;
}

/** Phone numbers: digits with the usual separators, an optional leading +; empty clears. */
export function phone(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  if (!/^\+?[0-9][0-9 ().-]{2,30}$/.test(v) || v.replace(/\D/g, '').length < 3 || v.replace(/\D/g, '').length > 20) {
    throw invalid(`Invalid phone number "${printable(v)}": use digits, spaces, ( ) - . and an optional leading +.`);
  }
  return v;
}

const EMAIL =
  /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** U+0020..U+007E (see checkEmail). */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Trims, NFC-normalises and lower-cases an e-mail address, so one mailbox is one account
 * however it was typed (composed or decomposed accents, upper or lower case). Refused:
 * anything not `local@ascii-domain`; control, invisible (format, default-ignorable) and
 * unassigned characters anywhere, with no exception (a name's ZWJ/ZWNJ included);
 * compatibility forms in the local part (full-width letters, ligatures, superscripts:
 * what NFKC would change), which are look-alikes of plain letters and never what a mail
 * server stores; U+FFFD. Non-ASCII local parts (RFC 6531) are otherwise allowed.
 */
export function email(value: string): string {
  return orThrow(checkEmail(value));
}

/** email() without the throw: the stored form, or why it is refused. */
export function checkEmail(value: string): string | Refusal {
  const typed = value.trim();
  // Printable ASCII, nearly every address, is its own NFC and NFKC and holds no refused
  // character: only case and syntax apply (a bulk import checks 100,000 addresses).
  const ascii = PRINTABLE_ASCII.test(typed);
  // Lower-casing can undo NFC in principle (a capital whose lower case decomposes), so
  // normalise again after it.
  const v = ascii ? typed.toLowerCase() : typed.normalize('NFC').toLowerCase().normalize('NFC');
  const at = v.lastIndexOf('@');
  // U+FFFD is what bytes that are not UTF-8 decode to (a Latin-1 file, say): such an
  // address is a misread one, never the one meant.
  if (v.length > 254 || v.includes('\ufffd') || !EMAIL.test(v) || at > 64) return { reason: 'email-syntax', typed };
  if (ascii) return v;
  const cp = refusedCodePoint(v, 'email');
  if (cp !== undefined) return { reason: 'email-hidden', typed, codePoint: cp };
  const local = v.slice(0, at);
  if (local.normalize('NFKC') !== local) {
    return { reason: 'email-compat', typed, char: Array.from(local).find((c) => c.normalize('NFKC') !== c) ?? local };
  }
  return v;
}
