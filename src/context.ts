import type { IOStreams } from './io/streams.js';
import type { Prompter } from './io/prompter.js';
import { Config, StateFile, configDir, defaultStorePath } from './config.js';
import { parseLocation, openStore, type StoreLocation } from './store/open.js';
import { timeoutsFrom } from './store/timeouts.js';
import type { Store } from './store/types.js';
import type { Replication } from './store/remote.js';
import type { Credential } from './domain/auth.js';
import type { Services } from './domain/services.js';
import { warn } from './output/messages.js';
import { wholeNumberEnv } from './env-number.js';

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
  /**
   * The caller's credential: PLATFORMCTL_TOKEN, else the active account's session of
   * this store (by its identity). Read `token` after the store was opened: the store's
   * identity decides which saved session applies.
   */
  credential: () => Credential;
  now: () => Date;
  /** Saves what the command learnt about the store (its identity, replication index); closes it. */
  close: () => Promise<void>;
}

/**
 * PLATFORMCTL_REPLICA_WAIT_MS: how long a read pinned to your last write waits for a
 * replica (docs/remote.md), 1 ms or more; unset or empty leaves the store's default, and
 * anything else is a usage error (exit 2) naming the variable.
 */
export function replicaWaitFrom(env: NodeJS.ProcessEnv): number | undefined {
  return wholeNumberEnv(env, 'PLATFORMCTL_REPLICA_WAIT_MS', 1);
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
  let state: StateFile | undefined;
  let location: StoreLocation | undefined;
  let store: Promise<Store> | undefined;
  let opened: Store | undefined;
  /** The remote store's replication state, its index when loaded, and for which identity it was loaded. */
  let replication: { state: Replication; initial: string; initialStale: boolean; of: string | undefined } | undefined;
  const stateFile = () => (state ??= new StateFile(ctx.config().dir));
  const envToken = () => env.PLATFORMCTL_TOKEN || undefined;
  const activeToken = () => envToken() ?? ctx.config().session(ctx.location().key)?.token;

  /**
   * The store's identity is known: sessions are looked up under it. Says whether the
   * caller's credential changed with it (a read under way then runs again).
   */
  const identified = (id: string | undefined): boolean => {
    const key = ctx.location().key;
    const before = activeToken();
    ctx.config().bind(key, id);
    // The index remembered for another store (or for none) means nothing here: this store's own.
    if (replication && id !== undefined && id !== replication.of) {
      const seen = stateFile().replicationIndex(id) ?? '';
      replication.state.index = seen;
      replication.state.stale = seen !== '' && stateFile().replicationBehind(id);
      replication.initial = seen;
      replication.initialStale = replication.state.stale;
      replication.of = id;
    }
    return activeToken() !== before;
  };

  // The store is opened once per command, for the use it asks for first.
  const open = async (use: StoreUse): Promise<Store> => {
    const loc = ctx.location();
    const create = use === 'create' || use === 'init' || (use === 'use' && loc.origin === 'default');
    const common = {
      authToken: env.PLATFORMCTL_STORE_TOKEN || ctx.config().storeToken,
      timeouts: timeoutsFrom(env),
      create,
      migrate: use === 'use' || use === 'create',
    };
    if (loc.engine === 'local') {
      const s = await openStore(loc, common);
      // A local store's identity costs nothing to read: no cache.
      ctx.config().bind(loc.key, await s.identity().catch(() => undefined));
      return s;
    }
    const replicaWaitMs = replicaWaitFrom(env);
    // Remote: the identity this location had last time picks the session at once; the
    // command's first request checks it (and the session is picked again if it changed).
    const cached = stateFile().storeIdOf(loc.key);
    ctx.config().bind(loc.key, cached);
    const s = await openStore(loc, {
      ...common,
      remote: {
        expectedId: cached,
        identified,
        replicationIndex: cached ? stateFile().replicationIndex(cached) : undefined,
        replicationBehind: cached ? stateFile().replicationBehind(cached) : undefined,
        replicaWaitMs,
        onStale: (ms) =>
          warn(
            io,
            `The store ${loc.display} has not caught up with your last change after ${ms / 1000} s, ` +
              `nor has its primary answered in its place (down, or restarted after a crash); this answer may be stale.`,
          ),
      },
    });
    const r = (s as Store & { replication?: Replication }).replication;
    if (r) replication = { state: r, initial: r.index, initialStale: r.stale, of: cached };
    // A location seen for the first time, with sessions saved for stores by identity:
    // which store this is must be known before a session is picked (one request, once).
    if (cached === undefined && !envToken() && ctx.config().hasIdentifiedSessions()) await s.identity();
    return s;
  };
  const openOnce = (use: StoreUse) => {
    store ??= open(use).then((s) => (opened = s));
    return store;
  };

  /** Remembers the identity and replication index this command saw (best effort: it is a cache). */
  const remember = async () => {
    if (!opened || !location) return;
    const id = ctx.config().storeIdOf(location.key);
    if (id === undefined) return;
    try {
      if (location.engine === 'libsql') {
        stateFile().save({
          location: [location.key, id],
          ...(replication && replication.state.index !== replication.initial && replication.state.index !== ''
            ? { replication: [id, replication.state.index] as [string, string] }
            : {}),
          ...(replication && replication.state.stale !== replication.initialStale
            ? { behind: [id, replication.state.stale] as [string, boolean] }
            : {}),
        });
      }
      // A session saved by an older platformctl under this location moves under the store's identity.
      await ctx.config().adoptLegacy(location.key);
    } catch (e) {
      if (env.PLATFORMCTL_DEBUG === '1')
        io.err.write(`platformctl: could not update ${stateFile().path}: ${String(e)}\n`);
    }
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
    credential: () => ({
      get token() {
        return activeToken();
      },
      get fromEnv() {
        return envToken() !== undefined;
      },
    }),
    now,
    close: async () => {
      if (!store) return;
      await store.catch(() => undefined);
      await remember();
      await opened?.close();
    },
  };
  return ctx;
}
