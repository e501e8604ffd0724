import type { Command } from 'commander';
import { defineCommand, type ContextFactory } from '../command.js';
import type { IOStreams } from '../../io/streams.js';
import type { Store } from '../../store/types.js';
import { checkStore } from '../../domain/health.js';
import { PlatformError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';
import { printable } from '../../text.js';

export interface CheckOptions {
  io: IOStreams;
  json: boolean;
  store: () => Promise<Store>;
}

export async function run(o: CheckOptions): Promise<void> {
  const r = await checkStore(await o.store());
  if (o.json) printJson(o.io, r);
  else if (r.ok) success(o.io, `Store ${r.store} is healthy (schema version ${r.schemaVersion}).`);
  else for (const p of r.problems) o.io.out.write(printable(p, Number.MAX_SAFE_INTEGER) + '\n');
  if (!r.ok) throw new PlatformError('STORE_CORRUPT', `Store check found ${r.problems.length} problem(s).`);
}

export function newCmdCheck(f: ContextFactory, runF = run): Command {
  return defineCommand('check', 'Check integrity and every store rule; exit 0 when clean, 7 otherwise', [
    'platformctl store check',
    'platformctl store check --json | jq .problems',
  ]).action(async (_o, cmd: Command) => {
    const ctx = f(cmd.optsWithGlobals());
    await runF({ io: ctx.io, json: ctx.json, store: ctx.rawStore });
  });
}
