import { mkdirSync, readFileSync } from 'node:fs';
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
    if (this.data) return this.data;
    try {
      this.data = JSON.parse(readFileSync(this.path, 'utf8')) as ConfigData;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.data = {};
      else throw new PlatformError('USAGE', `The config file ${this.path} cannot be read: ${(e as Error).message}`);
    }
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
    const { default: Conf } = await import('conf');
    // The directory holds session tokens too: private from the start (conf would use 0755).
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return new Conf<ConfigData>({
      cwd: this.dir,
      configName: 'config',
      projectName: 'platformctl',
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
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
