import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlatformError } from '../errors.js';
import { kindOf, reason } from './local-path.js';

/** A backup file this command created: the path and the identity of the file made there. */
export interface NewFile {
  path: string;
  dev: number;
  ino: number;
}

/**
 * Creates the file a backup is written to: it must not exist in any form (a dangling
 * symlink counts: a backup never writes through a link), it is made with O_EXCL (which
 * never follows a final symlink) and mode 0600, in a directory created 0700 if missing.
 */
export function createBackupFile(path: string): NewFile {
  refuseExisting(path);
  // SQLite would take a leftover -wal or -journal of that name as part of the new file.
  for (const side of SIDES) {
    if (lstatOrUndefined(path + side)) {
      throw new PlatformError(
        'ALREADY_EXISTS',
        `${path + side} already exists (left by another database); choose a new file for the backup.`,
      );
    }
  }
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw cannotCreate(path, e);
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') refuseExisting(path);
    throw cannotCreate(path, e);
  }
  try {
    const s = fstatSync(fd);
    return { path, dev: s.dev, ino: s.ino };
  } finally {
    closeSync(fd);
  }
}

const SIDES = ['-journal', '-wal', '-shm'];

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function refuseExisting(path: string): void {
  let s;
  try {
    s = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw cannotCreate(path, e);
  }
  if (s.isSymbolicLink()) {
    let target = '?';
    try {
      target = readlinkSync(path);
    } catch {
      /* named as '?' */
    }
    throw new PlatformError(
      'ALREADY_EXISTS',
      `${path} already exists as a symbolic link (to ${target}); a backup never writes through a link. Choose a new file for the backup.`,
    );
  }
  const what = s.isFile() ? '' : ` (${kindOf(s)})`;
  throw new PlatformError('ALREADY_EXISTS', `${path} already exists${what}; choose a new file for the backup.`);
}

function cannotCreate(path: string, e: unknown): PlatformError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a part of the path exists but is not a directory' : reason(e);
  return new PlatformError('INVALID_INPUT', `The backup file ${path} cannot be created: ${why}.`);
}

/** True while path is still the file this command created (nothing was swapped in). */
export function stillOurs(f: NewFile): boolean {
  try {
    const s = lstatSync(f.path);
    return s.isFile() && s.ino === f.ino && s.dev === f.dev;
  } catch {
    return false;
  }
}

/** Removes a backup that failed half-way, and its SQLite siblings — only if it is still ours. */
export function discardBackupFile(f: NewFile): void {
  if (!stillOurs(f)) return;
  for (const p of [f.path, ...SIDES.map((side) => f.path + side)]) {
    try {
      unlinkSync(p);
    } catch {
      /* nothing to clean */
    }
  }
}
