import type * as ScryptKdfModule from 'scrypt-kdf';
import { randomBytes } from 'node:crypto';
import { PlatformError, invalid } from '../errors.js';
import type { KdfParams, Services } from './services.js';

/** scrypt cost for new hashes in production: N=2^17, r=8, p=1 (~0.5 s, 128 MiB). */
export const SCRYPT_PARAMS: Readonly<KdfParams> = { logN: 17, r: 8, p: 1 };

/** The scrypt cost the services were built with: production's unless a test injected its own. */
export function kdfOf(svc: Services): KdfParams {
  return svc.kdf ?? SCRYPT_PARAMS;
}
const MIN_PASSWORD_LENGTH = 8;
/** Longer inputs are refused rather than truncated; scrypt cost does not grow with length. */
export const MAX_PASSWORD_LENGTH = 4096;

/** NFKC-normalises a password; its length is counted in code points. */
export function normalizePassword(pw: string): string {
  return pw.normalize('NFKC');
}

export function passwordLength(pw: string): number {
  return [...normalizePassword(pw)].length;
}

/**
 * Rules for a new password: at least 8 code points, at most MAX. `label` names it in the
 * message: registration says "Password", a password change "New password".
 */
export function checkNewPassword(pw: string, label = 'New password'): void {
  const n = passwordLength(pw);
  if (n < MIN_PASSWORD_LENGTH) throw invalid(`${label} must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  if (n > MAX_PASSWORD_LENGTH) throw invalid(`${label} must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
}

/**
 * The password-change checks of docs/rules.md, in its order, stopping at the
 * first that fails: length, then match; the current password is checked by the caller
 * afterwards because it needs the stored hash.
 */
export function checkPasswordChange(next: string, confirm: string): void {
  if (passwordLength(next) < MIN_PASSWORD_LENGTH)
    throw invalid(`New password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  if (normalizePassword(next) !== normalizePassword(confirm))
    throw invalid('New password and confirmation do not match.');
  checkNewPassword(next);
}

type ScryptKdf = typeof ScryptKdfModule;
/** scrypt-kdf's typings name functions, but its module exports one default class. */
async function scrypt(): Promise<ScryptKdf> {
  const m = (await import('scrypt-kdf')) as ScryptKdf & { default?: ScryptKdf };
  return m.default ?? m;
}

/** Hashes a password with scrypt-kdf; the parameters travel inside the hash. */
export async function hashPassword(pw: string, params: KdfParams = SCRYPT_PARAMS): Promise<string> {
  const s = await scrypt();
  const key = await s.kdf(Buffer.from(normalizePassword(pw), 'utf8'), params);
  return Buffer.from(key).toString('base64');
}

/**
 * The most a stored hash may ask of one verification: 4 times today's memory and work.
 * Its parameters travel inside the hash, and whoever can write the store (or a server
 * answering for it) could otherwise make a sign-in run for hours or take gigabytes.
 */
const MAX_KDF_MEMORY = 4 * 128 * SCRYPT_PARAMS.r * 2 ** SCRYPT_PARAMS.logN;
const MAX_KDF_WORK = 4 * SCRYPT_PARAMS.p * SCRYPT_PARAMS.r * 2 ** SCRYPT_PARAMS.logN;
const withinBounds = (p: KdfParams) =>
  p.logN <= 30 && 128 * p.r * 2 ** p.logN <= MAX_KDF_MEMORY && p.p * p.r * 2 ** p.logN <= MAX_KDF_WORK;

/** Verifies a password against a stored hash; a malformed or out-of-bounds hash never matches. */
export async function verifyPassword(hash: string, pw: string): Promise<boolean> {
  const s = await scrypt();
  try {
    const stored = Buffer.from(hash, 'base64');
    if (!withinBounds(s.viewParams(stored))) return false;
    return await s.verify(stored, Buffer.from(normalizePassword(pw), 'utf8'));
  } catch {
    return false;
  }
}

/** True when a hash was made with weaker parameters than `params` (today's) and should be redone. */
export async function needsRehash(hash: string, params: KdfParams = SCRYPT_PARAMS): Promise<boolean> {
  const s = await scrypt();
  try {
    const p = s.viewParams(Buffer.from(hash, 'base64'));
    return p.logN < params.logN || p.r < params.r || p.p < params.p;
  } catch {
    return true;
  }
}

/**
 * What an unknown e-mail's password is verified against, so that signing in with one costs
 * exactly what a wrong password for a real account costs: one scrypt verification with
 * the same parameters, and nothing else (no hash is made for it). For production's
 * parameters it is this constant: the hash of 32 random bytes that were thrown away, so
 * no password matches it (and a match would still not sign anyone in).
 */
export const DUMMY_HASH =
  'c2NyeXB0ABEAAAAIAAAAAfhrgsx7jSBl41GUDarP7vxTG/5FGqnzSw6qmyqeO0zgtp2+tDoTG1kPlCQE9xPwdtxR8AoBtezzd2pgS4dyjRIvH+35mQc/Ddcnw1QZczrc';

const dummies = new Map<string, Promise<string>>();
/**
 * The placeholder hash for these parameters: DUMMY_HASH for production's; for the cheap
 * ones tests inject, made once per process (a test warms it up before counting work).
 */
export function dummyHash(params: KdfParams = SCRYPT_PARAMS): Promise<string> {
  const key = `${params.logN}/${params.r}/${params.p}`;
  if (key === `${SCRYPT_PARAMS.logN}/${SCRYPT_PARAMS.r}/${SCRYPT_PARAMS.p}`) return Promise.resolve(DUMMY_HASH);
  let h = dummies.get(key);
  if (!h) dummies.set(key, (h = hashPassword(randomBytes(32).toString('base64'), params)));
  return h;
}

export const badCredentials = () => new PlatformError('BAD_CREDENTIALS', 'Incorrect e-mail or password.');
