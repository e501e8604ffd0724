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
  store: () => Promise<Store>;
  /** The store as it is, not migrated nor created (for store check). */
  rawStore: () => Promise<Store>;
  /** The store created if missing but not yet migrated (store init migrates and reports it). */
  unmigratedStore: () => Promise<Store>;
  /** The store and clock for domain calls. */
  services: () => Promise<Services>;
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
  // The store is opened once per command, in whichever of the three ways it asks for first.
  const openOnce = (o: { migrate: boolean; mustExist?: boolean }) =>
    (store ??= openStore(ctx.location(), {
      authToken: env.PLATFORMCTL_STORE_TOKEN || ctx.config().storeToken,
      timeouts: timeoutsFrom(env),
      ...o,
    }));
  const ctx: Context = {
    io,
    prompter,
    processEnv: env,
    json: Boolean(globals.json),
    yes: Boolean(globals.yes),
    config: () => (config ??= new Config(configDir(globals.configDir, env))),
    location: () => {
      // --store, then PLATFORMCTL_STORE, then the config key, then the embedded default.
      location ??= parseLocation(globals.store || env.PLATFORMCTL_STORE || ctx.config().store || defaultStorePath(env));
      return location;
    },
    store: () => openOnce({ migrate: true }),
    rawStore: () => openOnce({ migrate: false, mustExist: true }),
    unmigratedStore: () => openOnce({ migrate: false }),
    services: async () => ({ store: await ctx.store(), now }),
    credential: () => ({ token: env.PLATFORMCTL_TOKEN || ctx.config().session(ctx.location().key)?.token }),
    now,
    close: async () => {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
  return ctx;
}
