import type { Command } from 'commander';
import { defineCommand, type ContextFactory } from '../command.js';
import type { IOStreams } from '../../io/streams.js';
import type { Store } from '../../store/types.js';
import { initStore } from '../../store/migrate.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface InitOptions {
  io: IOStreams;
  json: boolean;
  store: () => Promise<Store>;
}

export async function run(o: InitOptions): Promise<void> {
  // The context's unmigrated store, so init can say which version it migrated from.
  const r = await initStore(await o.store());
  if (o.json) return printJson(o.io, r);
  success(
    o.io,
    `Store ${r.store} is ready (schema version ${r.schemaVersion}${r.migratedFrom !== null ? `, migrated from ${r.migratedFrom}` : ''}).`,
  );
}

export function newCmdInit(f: ContextFactory, runF = run): Command {
  return defineCommand('init', "Create the store, or migrate it to this version's schema", [
    'platformctl store init',
    'platformctl --store ./platform.db store init',
  ]).action(async (_o, cmd: Command) => {
    const ctx = f(cmd.optsWithGlobals());
    await runF({ io: ctx.io, json: ctx.json, store: () => ctx.store('init') });
  });
}
