import { invalid } from '../errors.js';
import { isPrintable, printable } from '../text.js';

function cleanText(field: string, value: string, max: number, { required = true } = {}): string {
  const v = value.normalize('NFC').trim();
  if (!isPrintable(v)) throw invalid(`${field} must not contain control characters.`);
  if (required && v.length === 0) throw invalid(`${field} must not be empty.`);
  if ([...v].length > max) throw invalid(`${field} must be at most ${max} characters long.`);
  return v;
}

/** Normalises and validates a first or last name. */
export function personName(field: string, value: string): string {
  return cleanText(field, value, 100);
}

/** Normalises and validates a company name. */
export function companyName(value: string): string {
  return cleanText('Company name', value, 120);
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

/** Trims and lower-cases an e-mail address so comparisons are case-insensitive. */
export function email(value: string): string {
  const v = value.trim().toLowerCase();
  // U+FFFD is what bytes that are not UTF-8 decode to (a Latin-1 file, say): such an
  // address is a misread one, never the one meant.
  if (v.length > 254 || !isPrintable(v) || v.includes('\ufffd') || !EMAIL.test(v) || v.split('@')[0]!.length > 64) {
    throw invalid(`Invalid e-mail address "${printable(value.trim())}".`);
  }
  return v;
}
