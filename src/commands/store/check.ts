import type { Command } from 'commander';
import { defineCommand, type ContextFactory } from '../command.js';
import type { IOStreams } from '../../io/streams.js';
import type { Store } from '../../store/types.js';
import { checkStore } from '../../domain/health.js';
import { PlatformError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { success, warn } from '../../output/messages.js';
import { plural, printable } from '../../text.js';

export interface CheckOptions {
  io: IOStreams;
  json: boolean;
  store: () => Promise<Store>;
}

export async function run(o: CheckOptions): Promise<void> {
  const r = await checkStore(await o.store());
  if (o.json) printJson(o.io, r);
  else {
    // The report is the data: problems, then warnings (look-alike and now-refused
    // identity text, docs/identity.md), one a line on stdout.
    for (const p of r.problems) o.io.out.write(printable(p, Number.MAX_SAFE_INTEGER) + '\n');
    for (const w of r.warnings) o.io.out.write(`warning: ${printable(w.message, 2000)}\n`);
    if (r.warningCount > r.warnings.length)
      o.io.out.write(`warning: … and ${r.warningCount - r.warnings.length} more not listed\n`);
    if (r.ok) success(o.io, `Store ${r.store} is healthy (schema version ${r.schemaVersion}).`);
    if (r.warningCount > 0)
      warn(
        o.io,
        `${plural(r.warningCount, 'warning')}: look-alike or now-refused identity text; see docs/identity.md.`,
      );
  }
  if (!r.ok) throw new PlatformError('STORE_CORRUPT', `Store check found ${plural(r.problems.length, 'problem')}.`);
}

export function newCmdCheck(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'check',
    'Check integrity and every store rule; exit 0 when clean, 7 otherwise. ' +
      'Also warns (exit 0) of look-alike e-mails and of names or e-mails that input would now refuse',
    [
      'platformctl store check',
      'platformctl store check --json | jq .problems',
      'platformctl store check --json | jq .warnings',
    ],
  ).action(async (_o, cmd: Command) => {
    const ctx = f(cmd.optsWithGlobals());
    await runF({ io: ctx.io, json: ctx.json, store: () => ctx.store('inspect') });
  });
}
