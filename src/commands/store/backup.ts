import type { Command } from 'commander';
import { resolve } from 'node:path';
import { defineCommand, type ContextFactory } from '../command.js';
import type { IOStreams } from '../../io/streams.js';
import type { Store } from '../../store/types.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface BackupOptions {
  io: IOStreams;
  json: boolean;
  store: () => Promise<Store>;
  path: string;
}

export async function run(o: BackupOptions): Promise<void> {
  const store = await o.store();
  const path = resolve(o.path);
  await store.backup(path);
  if (o.json) return printJson(o.io, { backup: path, store: store.displayLocation, engine: store.engine });
  success(o.io, `Backed up ${store.displayLocation} to ${path}.`);
}

export function newCmdBackup(f: ContextFactory, runF = run): Command {
  return defineCommand('backup', 'Write a consistent copy of the store, taken online, to a new local SQLite file', [
    'platformctl store backup ./platform-$(date +%F).db',
    'platformctl --store http://127.0.0.1:8080 store backup ./snapshot.db',
  ])
    .argument('<path>', 'the new file: must not exist, not even as a symbolic link')
    .action(async (path: string, _o, cmd: Command) => {
      const ctx = f(cmd.optsWithGlobals());
      await runF({ io: ctx.io, json: ctx.json, store: () => ctx.store('inspect'), path });
    });
}
