import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { PlatformError, authRequired } from './errors.js';

/**
 * A signed-in account, remembered in the config file. Sessions belong to a store's
 * identity (`store`, its platformctl_meta store_id), so every spelling of its location
 * (a primary and its replicas, ./x.db and /abs/x.db) shares them. A session saved by an
 * older platformctl has no `store`: it is keyed by its location, and moves under the
 * store's identity the first time that store is used.
 */
export interface SavedSession {
  token: string;
  email: string;
  /** The store's identity; absent for an older entry keyed by location. */
  store?: string;
  /** When it was saved (ISO time): the most recent one becomes active after a logout. */
  at?: string;
}

interface ConfigData {
  store?: string;
  storeToken?: string;
  /** Keyed by `<store id>:<e-mail>` (or, for older entries, by location). */
  sessions?: Record<string, SavedSession>;
  /** The active account (its e-mail) per store identity. */
  active?: Record<string, string>;
}

/** A signed-in account of one store, as `account status` lists them. */
export interface StoreAccount extends SavedSession {
  active: boolean;
}

/** The home directory of the environment given (HOME), else the account's. */
const homeOf = (env: NodeJS.ProcessEnv): string => env.HOME || homedir();

/** The config directory: --config-dir, else PLATFORMCTL_CONFIG_DIR, else the OS default. */
export function configDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  if (env.PLATFORMCTL_CONFIG_DIR) return env.PLATFORMCTL_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(homeOf(env), '.config');
  return join(base, 'platformctl');
}

/** The embedded default store: <XDG data dir>/platformctl/platform.db. */
export function defaultStorePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || join(homeOf(env), '.local', 'share');
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
      for (const field of ['store', 'at'] as const) {
        if (s[field] !== undefined && typeof s[field] !== 'string')
          throw badConfig(path, `has ${where}.${field} that is not a string`);
      }
    }
  }
  if (data.active !== undefined) {
    if (!isObject(data.active)) throw badConfig(path, 'has "active" that is not an object');
    for (const [store, email] of Object.entries(data.active)) {
      if (typeof email !== 'string') throw badConfig(path, `has active[${JSON.stringify(store)}] that is not a string`);
    }
  }
  return data;
}

const sessionKey = (storeId: string, email: string) => `${storeId}:${email}`;

/**
 * The config file (config.json, mode 0600). Reads parse the file directly, since they
 * happen on every command and conf costs ~120 ms to load; writes go through conf for its
 * atomic write and file mode.
 *
 * Sessions are looked up by location key (what the Context has); the Context tells the
 * Config which store identity a location has (`bind`) as soon as it knows it.
 */
export class Config {
  readonly dir: string;
  readonly path: string;
  private data: ConfigData | undefined;
  private readonly ids = new Map<string, string | undefined>();

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

  /** The store at this location has this identity (undefined: it has none yet). */
  bind(locationKey: string, storeId: string | undefined): void {
    this.ids.set(locationKey, storeId);
  }
  /** The identity bound to a location, if known. */
  storeIdOf(locationKey: string): string | undefined {
    return this.ids.get(locationKey);
  }

  /** Whether any saved session belongs to a store identity (then the identity decides which apply). */
  hasIdentifiedSessions(): boolean {
    return Object.values(this.load().sessions ?? {}).some((s) => s.store !== undefined);
  }
  hasSessions(): boolean {
    return Object.keys(this.load().sessions ?? {}).length > 0;
  }

  /** The accounts signed in on the store at this location, the active one marked, oldest first. */
  accounts(locationKey: string): StoreAccount[] {
    const d = this.load();
    const id = this.ids.get(locationKey);
    const found = new Map<string, SavedSession>();
    // An older entry saved under this very location belongs to this store too.
    const legacy = d.sessions?.[locationKey];
    if (legacy && legacy.store === undefined) found.set(legacy.email, legacy);
    if (id !== undefined) {
      for (const s of Object.values(d.sessions ?? {})) if (s.store === id) found.set(s.email, s);
    }
    // ISO times compare as plain strings (localeCompare would load ICU: ~10 ms per command).
    const at = (s: SavedSession) => s.at ?? '';
    const list = [...found.values()].sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
    const wanted = id !== undefined ? d.active?.[id] : undefined;
    const active =
      list.find((s) => s.email === wanted) ??
      // No (valid) choice recorded: the most recently saved one.
      list[list.length - 1];
    return list.map((s) => ({ ...s, active: s === active }));
  }

  /** The session a command at this location acts with. */
  session(locationKey: string): SavedSession | undefined {
    return this.accounts(locationKey).find((a) => a.active);
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

  /**
   * Rewrites the sessions of the store at this location: `edit` gets that store's
   * accounts (older location-keyed entries included) and the other stores' entries are
   * kept as they are. Older entries move under the store's identity when it is known.
   */
  private async edit<T>(
    locationKey: string,
    change: (
      accounts: SavedSession[],
      active: string | undefined,
    ) => { accounts: SavedSession[]; active?: string; result: T },
  ): Promise<T> {
    const c = await this.conf();
    this.data = c.store;
    const id = this.ids.get(locationKey);
    const mine = this.accounts(locationKey);
    const before = mine.find((a) => a.active)?.email;
    const { accounts, active, result } = change(
      mine.map(({ active: _a, ...s }) => s),
      before,
    );
    const sessions: Record<string, SavedSession> = {};
    for (const [k, s] of Object.entries(c.get('sessions') ?? {})) {
      const ours = (s.store === undefined && k === locationKey) || (id !== undefined && s.store === id);
      if (!ours) sessions[k] = s;
    }
    for (const s of accounts) {
      if (id !== undefined) sessions[sessionKey(id, s.email)] = { ...s, store: id };
      // A store without an identity yet (older schema looked at as it is): by location.
      else sessions[locationKey] = { token: s.token, email: s.email, ...(s.at ? { at: s.at } : {}) };
    }
    c.set('sessions', sessions);
    if (id !== undefined) {
      const act = { ...(c.get('active') ?? {}) };
      if (active === undefined) delete act[id];
      else act[id] = active;
      c.set('active', act);
    }
    this.data = c.store;
    return result;
  }

  /**
   * Adds a signed-in account to the store at this location (replacing an older session
   * of the same account) and makes it the active one. Says which other account was
   * active before, if any: it stays signed in.
   */
  async saveSession(locationKey: string, s: { token: string; email: string }): Promise<{ previous?: string }> {
    return this.edit(locationKey, (accounts, active) => ({
      accounts: [
        ...accounts.filter((a) => a.email !== s.email),
        { token: s.token, email: s.email, at: new Date().toISOString() },
      ],
      active: s.email,
      result: active !== undefined && active !== s.email ? { previous: active } : {},
    }));
  }

  /**
   * Forgets an account of the store at this location (by default the active one). When
   * the active one goes, the most recently signed-in account left becomes active.
   */
  async forgetSession(locationKey: string, email?: string): Promise<{ email?: string; active?: string }> {
    const target = email ?? this.session(locationKey)?.email;
    if (target === undefined || !this.accounts(locationKey).some((a) => a.email === target)) return {};
    return this.edit(locationKey, (accounts, active) => {
      const left = accounts.filter((a) => a.email !== target);
      const next = active === target ? left[left.length - 1]?.email : active;
      return { accounts: left, active: next, result: { email: target, ...(next ? { active: next } : {}) } };
    });
  }

  /** Makes another signed-in account of this store the active one. */
  async switchSession(locationKey: string, email: string): Promise<{ changed: boolean }> {
    const accounts = this.accounts(locationKey);
    const target = accounts.find((a) => a.email === email);
    if (!target) {
      const others = accounts.map((a) => a.email);
      throw authRequired(
        `${email} is not signed in on this store${others.length ? ` (signed in: ${others.join(', ')})` : ''}. ` +
          `Sign in with \`platformctl account login --email ${email}\`.`,
      );
    }
    if (target.active && this.load().active?.[this.ids.get(locationKey) ?? ''] === email) return { changed: false };
    return this.edit(locationKey, (list) => ({ accounts: list, active: email, result: { changed: !target.active } }));
  }

  /** Moves older location-keyed entries of this location under the store's identity (once). */
  async adoptLegacy(locationKey: string): Promise<void> {
    const legacy = this.load().sessions?.[locationKey];
    if (!legacy || legacy.store !== undefined || this.ids.get(locationKey) === undefined) return;
    await this.edit(locationKey, (accounts, active) => ({ accounts, active, result: undefined }));
  }
}

/**
 * What platformctl remembers between commands that is not configuration (state.json
 * beside config.json, mode 0600): which store identity each remote location had, so
 * the right session is picked without asking the server first, and the highest
 * replication index seen per store (read-your-writes through replicas). A cache: a
 * missing or unreadable file is simply empty. Written atomically (a temporary file
 * renamed over it) without loading conf.
 */
export interface StateData {
  locations?: Record<string, string>;
  replication?: Record<string, string>;
  /** Stores whose replica had not reached the remembered index when last read (that index). */
  behind?: Record<string, string>;
}

export class StateFile {
  readonly path: string;
  private data: StateData | undefined;

  constructor(readonly dir: string) {
    this.path = join(dir, 'state.json');
  }

  private load(): StateData {
    if (this.data) return this.data;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      parsed = {};
    }
    const d = isObject(parsed) ? parsed : {};
    const strings = (v: unknown) =>
      isObject(v)
        ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
        : {};
    this.data = { locations: strings(d.locations), replication: strings(d.replication), behind: strings(d.behind) };
    return this.data;
  }

  storeIdOf(locationKey: string): string | undefined {
    return this.load().locations?.[locationKey];
  }
  replicationIndex(storeId: string): string | undefined {
    const v = this.load().replication?.[storeId];
    // A cache: a value that is not a replication index (a damaged or edited file) is no
    // value, never sent to the server (which refused "-5" with HTTP 400 on every command).
    return v !== undefined && /^\d{1,20}$/.test(v) ? v : undefined;
  }

  /** Whether the endpoint last read had not reached the remembered index (a read may be stale). */
  replicationBehind(storeId: string): boolean {
    const d = this.load();
    const at = d.replication?.[storeId];
    return at !== undefined && d.behind?.[storeId] === at;
  }

  /** Records what this command learnt; writes only when something changed. */
  save(change: { location?: [string, string]; replication?: [string, string]; behind?: [string, boolean] }): void {
    const d = this.load();
    let changed = false;
    if (change.location && d.locations![change.location[0]] !== change.location[1]) {
      d.locations![change.location[0]] = change.location[1];
      changed = true;
    }
    if (change.replication && d.replication![change.replication[0]] !== change.replication[1]) {
      d.replication![change.replication[0]] = change.replication[1];
      changed = true;
    }
    if (change.behind) {
      const [id, behind] = change.behind;
      const want = behind ? d.replication![id] : undefined;
      if (d.behind![id] !== want) {
        if (want === undefined) delete d.behind![id];
        else d.behind![id] = want;
        changed = true;
      }
    }
    if (changed) writeAtomically(this.dir, this.path, JSON.stringify(d, null, 2) + '\n');
  }
}

/** Writes a private file (0600, its directory 0700) by renaming a complete temporary copy over it. */
function writeAtomically(dir: string, path: string, text: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
