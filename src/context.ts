import type { IOStreams } from './io/streams.js';
import type { Prompter } from './io/prompter.js';
import { Config, configDir, defaultStorePath } from './config.js';
import { parseLocation, openStore, type StoreLocation } from './store/open.js';
import { timeoutsFrom } from './store/timeouts.js';
import type { Store } from './store/types.js';
import type { Credential } from './domain/auth.js';
import type { Services } from './domain/services.js';

/** Global flags, as commander parsed them. */
export interface GlobalOptions {
  store?: string | undefined;
  configDir?: string | undefined;
  json?: boolean | undefined;
  color?: boolean | undefined;
  yes?: boolean | undefined;
}

/**
 * What a command may do to the store location, decided by the command, not by which
 * getter it happens to call:
 * - 'use': an existing store, migrated. A missing or empty one is refused (exit 7,
 *   "There is no store at …"), except at the embedded default location, which is
 *   created on first use.
 * - 'create': created if missing or empty, then migrated (account register).
 * - 'init': created if missing, not migrated: store init migrates and reports it.
 * - 'inspect': as it is, never created, migrated nor stamped (store check, store
 *   backup, completion).
 */
export type StoreUse = 'use' | 'create' | 'init' | 'inspect';

/**
 * The one factory every command receives: IO, config, the store (opened lazily, once),
 * the caller's credential, the prompter and the clock. Tests build their own.
 */
export interface Context {
  io: IOStreams;
  prompter: Prompter;
  processEnv: NodeJS.ProcessEnv;
  json: boolean;
  yes: boolean;
  config: () => Config;
  location: () => StoreLocation;
  /** The store, opened once per command for the first use asked for (default 'use'). */
  store: (use?: StoreUse) => Promise<Store>;
  /** The store and clock for domain calls. */
  services: (use?: StoreUse) => Promise<Services>;
  credential: () => Credential;
  now: () => Date;
  close: () => Promise<void>;
}

export function createContext(opts: {
  io: IOStreams;
  prompter: Prompter;
  env: NodeJS.ProcessEnv;
  globals: GlobalOptions;
  now?: () => Date;
}): Context {
  const { io, prompter, env, globals } = opts;
  const now = opts.now ?? (() => new Date());
  let config: Config | undefined;
  let location: StoreLocation | undefined;
  let store: Promise<Store> | undefined;
  // The store is opened once per command, for the use it asks for first.
  const openOnce = (use: StoreUse) => {
    if (store) return store;
    const loc = ctx.location();
    const create = use === 'create' || use === 'init' || (use === 'use' && loc.origin === 'default');
    store = openStore(loc, {
      authToken: env.PLATFORMCTL_STORE_TOKEN || ctx.config().storeToken,
      timeouts: timeoutsFrom(env),
      create,
      migrate: use === 'use' || use === 'create',
    });
    return store;
  };
  const ctx: Context = {
    io,
    prompter,
    processEnv: env,
    json: Boolean(globals.json),
    yes: Boolean(globals.yes),
    config: () => (config ??= new Config(configDir(globals.configDir, env))),
    location: () => {
      // --store, then PLATFORMCTL_STORE, then the config key, then the embedded default.
      if (location) return location;
      if (globals.store) location = parseLocation(globals.store, 'flag');
      else if (env.PLATFORMCTL_STORE) location = parseLocation(env.PLATFORMCTL_STORE, 'env');
      else {
        const configured = ctx.config().store;
        location = configured ? parseLocation(configured, 'config') : parseLocation(defaultStorePath(env), 'default');
      }
      return location;
    },
    store: (use = 'use') => openOnce(use),
    services: async (use = 'use') => ({ store: await openOnce(use), now }),
    credential: () => ({ token: env.PLATFORMCTL_TOKEN || ctx.config().session(ctx.location().key)?.token }),
    now,
    close: async () => {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
  return ctx;
}
