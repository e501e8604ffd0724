import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { PlatformError } from './errors.js';

/** A session remembered for one store location. */
export interface SavedSession {
  token: string;
  email: string;
}

interface ConfigData {
  store?: string;
  storeToken?: string;
  sessions?: Record<string, SavedSession>;
}

/** The config directory: --config-dir, else PLATFORMCTL_CONFIG_DIR, else the OS default. */
export function configDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  if (env.PLATFORMCTL_CONFIG_DIR) return env.PLATFORMCTL_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'platformctl');
}

/** The embedded default store: <XDG data dir>/platformctl/platform.db. */
export function defaultStorePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'platformctl', 'platform.db');
}

/** The biggest config file read (sessions are ~200 bytes each). */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

function badConfig(path: string, why: string): PlatformError {
  return new PlatformError(
    'USAGE',
    `The config file ${path} ${why}. Fix it, or move it away to start over (you will need to sign in again).`,
  );
}

/**
 * The config file's text, '' when there is none. Only a regular file (or a symlink to
 * one) is read, through a non-blocking descriptor: a FIFO, device or directory there
 * is refused at once instead of waiting for a writer.
 */
function readConfigText(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      let link = false;
      try {
        link = lstatSync(path).isSymbolicLink();
      } catch {
        /* nothing there at all */
      }
      if (!link) return '';
      throw badConfig(path, 'is a symbolic link to a file that does not exist');
    }
    throw badConfig(
      path,
      `cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(e))})`,
    );
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) {
      const kind = s.isDirectory()
        ? 'a directory'
        : s.isFIFO()
          ? 'a FIFO (named pipe)'
          : s.isSocket()
            ? 'a socket'
            : 'a device';
      throw badConfig(path, `is ${kind}, not a regular file`);
    }
    if (s.size > MAX_CONFIG_BYTES) throw badConfig(path, `is too large (${s.size} bytes)`);
    const buf = Buffer.alloc(s.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got).toString('utf8');
  } catch (e) {
    if (e instanceof PlatformError) throw e;
    throw badConfig(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  } finally {
    closeSync(fd);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and checks the config file's content: a JSON object whose `store` and
 * `storeToken` are strings and whose `sessions` map each store to {token, email}
 * strings. Other keys are left alone. Values are never quoted in the error (a token
 * is a secret); the key is.
 */
export function parseConfig(text: string, path: string): ConfigData {
  if (text.trim() === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw badConfig(path, `is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(data))
    throw badConfig(
      path,
      `must hold a JSON object, not ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`,
    );
  for (const key of ['store', 'storeToken'] as const) {
    if (data[key] !== undefined && typeof data[key] !== 'string')
      throw badConfig(path, `has a "${key}" that is not a string`);
  }
  if (data.sessions !== undefined) {
    if (!isObject(data.sessions)) throw badConfig(path, 'has "sessions" that is not an object');
    for (const [store, s] of Object.entries(data.sessions)) {
      const where = `sessions[${JSON.stringify(store)}]`;
      if (!isObject(s)) throw badConfig(path, `has ${where} that is not an object`);
      for (const field of ['token', 'email'] as const) {
        if (typeof s[field] !== 'string') throw badConfig(path, `has ${where}.${field} that is not a string`);
      }
    }
  }
  return data;
}

/**
 * The config file (config.json, mode 0600). Reads parse the file directly, since they
 * happen on every command and conf costs ~120 ms to load; writes go through conf for its
 * atomic write and file mode.
 */
export class Config {
  readonly dir: string;
  readonly path: string;
  private data: ConfigData | undefined;

  constructor(dir: string) {
    this.dir = dir;
    this.path = join(dir, 'config.json');
  }

  private load(): ConfigData {
    this.data ??= parseConfig(readConfigText(this.path), this.path);
    return this.data;
  }

  get store(): string | undefined {
    return this.load().store;
  }
  get storeToken(): string | undefined {
    return this.load().storeToken;
  }
  session(storeKey: string): SavedSession | undefined {
    return this.load().sessions?.[storeKey];
  }

  private async conf() {
    // Checked first: conf itself would block on a FIFO and take any JSON as a config.
    this.load();
    const { default: Conf } = await import('conf');
    // The directory holds session tokens too: private from the start (conf would use 0755).
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return new Conf<ConfigData>({
      cwd: this.dir,
      configName: 'config',
      projectName: 'platformctl',
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
      deserialize: (text) => parseConfig(text, this.path),
    });
  }

  async saveSession(storeKey: string, s: SavedSession): Promise<void> {
    const c = await this.conf();
    c.set('sessions', { ...(c.get('sessions') ?? {}), [storeKey]: s });
    this.data = c.store;
  }

  async forgetSession(storeKey: string): Promise<void> {
    if (!this.load().sessions?.[storeKey]) return;
    const c = await this.conf();
    const sessions = { ...(c.get('sessions') ?? {}) };
    delete sessions[storeKey];
    c.set('sessions', sessions);
    this.data = c.store;
  }
}
