import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { PlatformError } from '../errors.js';

/**
 * What is at a local store path, found out before SQLite is allowed near it: SQLite
 * opens whatever it is given (a FIFO blocks, a device gets a -journal sibling, a
 * dangling symlink is "created" through) and switches foreign files to WAL.
 */
export type PathState =
  | { state: 'missing' }
  | {
      state: 'file';
      /** The file SQLite should open: the path itself, or the target of a symlink to a regular file. */
      real: string;
      size: number;
      dev: number;
      ino: number;
      /** The first 100 bytes (SQLite's header), or fewer for a short file. */
      header: Buffer;
    };

/** "SQLite format 3\0": the first 16 bytes of every SQLite database. */
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** platformctl's SQLite application_id ("PLCT"), in the header at offset 68. */
export const APPLICATION_ID = 0x504c4354;

/** The kind of a file that is not a regular file, for messages. */
export function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

const unavailable = (m: string) => new PlatformError('STORE_UNAVAILABLE', m);

/** A one-line reason for an fs error code. */
export function reason(e: unknown): string {
  const code = String((e as NodeJS.ErrnoException)?.code ?? '');
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links (a loop)';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOENT':
      return 'no such file or directory';
    case 'EEXIST':
      return 'something already exists there';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code || String((e as Error)?.message ?? e);
  }
}

/** The target of the symlink at path, for messages (never throws). */
function linkTarget(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?';
  }
}

/**
 * Looks at a store path without following more than one symlink blindly and without
 * opening anything that could block: a missing path, or a regular file (directly or
 * through symlinks whose final target exists and is a regular file) with its header.
 * Everything else is refused with STORE_UNAVAILABLE naming what it is.
 */
export function inspectStorePath(path: string): PathState {
  let l: Stats;
  try {
    l = lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'missing' };
    throw unavailable(`The store ${path} cannot be reached: ${reason(e)}.`);
  }
  let real = path;
  let s = l;
  if (l.isSymbolicLink()) {
    const target = linkTarget(path);
    try {
      s = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw unavailable(
          `The store ${path} is a symbolic link to ${target}, which does not exist. Point --store at the real file, or create the store there first.`,
        );
      }
      throw unavailable(`The store ${path} is a symbolic link to ${target} that cannot be followed: ${reason(e)}.`);
    }
    // SQLite puts -wal and -shm next to the real file; it is the real file we open.
    try {
      real = realpathSync(path);
    } catch (e) {
      throw unavailable(`The store ${path} is a symbolic link to ${target} that cannot be followed: ${reason(e)}.`);
    }
    if (!s.isFile()) throw unavailable(`The store ${path} is a symbolic link to ${kindOf(s)}, not a store file.`);
  } else if (!l.isFile()) {
    throw unavailable(`The store ${path} is ${kindOf(l)}, not a store file.`);
  }
  return { state: 'file', ...readHead(path, real, s) };
}

/**
 * Reads the header through a descriptor opened without following a final symlink and
 * without blocking, and checks it is still the file that was looked at.
 */
function readHead(path: string, real: string, seen: Stats) {
  let fd: number;
  try {
    // O_NONBLOCK: if a FIFO was swapped in since the lstat, the open must not wait for a writer.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOENT')
      throw unavailable(`The store ${path} changed while it was being opened; try again.`);
    throw unavailable(`The store ${path} cannot be read by this user: ${reason(e)}.`);
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile() || s.ino !== seen.ino || s.dev !== seen.dev) {
      throw unavailable(`The store ${path} changed while it was being opened (now ${kindOf(s)}); try again.`);
    }
    const header = Buffer.alloc(Math.min(100, s.size));
    let got = 0;
    while (got < header.length) {
      const n = readSync(fd, header, got, header.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { real, size: s.size, dev: s.dev, ino: s.ino, header: header.subarray(0, got) };
  } catch (e) {
    if (e instanceof PlatformError) throw e;
    throw unavailable(`The store ${path} cannot be read: ${reason(e)}.`);
  } finally {
    closeSync(fd);
  }
}

/** What the header says: not SQLite at all, or a SQLite file in rollback or WAL mode. */
export function headerFacts(header: Buffer): { sqlite: boolean; wal: boolean; applicationId: number } {
  const sqlite = header.length === 100 && header.subarray(0, 16).equals(MAGIC);
  return {
    sqlite,
    // File format read/write versions: 1 = rollback journal, 2 = WAL.
    wal: sqlite && (header[18] === 2 || header[19] === 2),
    applicationId: sqlite ? header.readUInt32BE(68) : 0,
  };
}
