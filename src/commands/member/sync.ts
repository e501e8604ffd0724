import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { syncMembers, type SyncPlan } from '../../domain/bulk/sync.js';
import { selfChangeNote, syncTooLarge, type RunInfo } from '../../domain/bulk/job.js';
import { fingerprinted, formatFor, readRows } from '../../domain/bulk/rows.js';
import { CONFIRMATIONS, confirmer, type Confirm } from '../../io/confirm.js';
import { PlatformError } from '../../errors.js';
import type { BulkTuning } from '../../domain/bulk/job.js';
import { plural, printable } from '../../text.js';
import { palette } from '../../output/color.js';
import { success, warn } from '../../output/messages.js';
import { bulkTuning, openBulkInput, readingBar } from './shared/bulk-input.js';
import { printErrors, printJsonStreamed } from './shared/bulk-output.js';
import { watchInterrupts } from './shared/interrupt.js';

export interface SyncOptions extends Deps {
  /** Overrides of the bulk engine's limits (PLATFORMCTL_BULK_*). */
  tuning?: BulkTuning | undefined;
  confirm: Confirm;
  /** A file path, or "-" for standard input. */
  file: string;
  company?: string | undefined;
  format?: string | undefined;
  prune: boolean;
  dryRun: boolean;
  check: boolean;
}

function describe(p: SyncPlan): string {
  const t = p.totals;
  return (
    `${t.invited.toLocaleString('en')} to invite, ${t.updated.toLocaleString('en')} to re-role, ` +
    `${t.removed.toLocaleString('en')} to remove, ${t.unchanged.toLocaleString('en')} unchanged`
  );
}

/** The plan as a diff people read: per company, + invite, ~ re-role, - remove. */
function printPlan(o: SyncOptions, p: SyncPlan): void {
  const c = palette(o.io.colorOut);
  for (const co of p.companies) {
    o.io.out.write(
      `${c.bold(`"${printable(co.name)}" (${co.id})`)}: ` +
        `${co.invited} to invite, ${co.updated} to re-role, ${co.removed} to remove, ${co.unchanged} unchanged\n`,
    );
    for (const ch of p.changesOf(co.id)) {
      if (ch.change === 'invite') o.io.out.write(c.green(`  + ${ch.email} ${ch.role}`) + '\n');
      else if (ch.change === 'update') o.io.out.write(c.yellow(`  ~ ${ch.email} ${ch.from} -> ${ch.role}`) + '\n');
      else o.io.out.write(c.red(`  - ${ch.email} ${ch.role}`) + '\n');
    }
  }
}

function printJson(o: SyncOptions, p: SyncPlan, run: RunInfo | undefined | null, applied: boolean): void {
  const { invited, updated, removed, unchanged, failed } = p.totals;
  printJsonStreamed(
    o.io,
    {
      invited,
      updated,
      removed,
      unchanged,
      failed,
      errors: [],
      drift: p.changes > 0,
      applied,
      // Once applied: whether that differs from the plan (someone changed those members in between).
      differs: p.differs ?? false,
      dryRun: o.dryRun,
      check: o.check,
      companies: p.companies,
      changes: [],
      run: run ?? null,
    },
    {
      errors: p.errors(),
      changes: (function* () {
        for (const co of p.companies) for (const ch of p.changesOf(co.id)) yield { company: co.id, ...ch };
      })(),
    },
  );
}

export async function run(o: SyncOptions): Promise<void> {
  const format = formatFor(o.file === '-' ? undefined : o.file, o.format);
  const svc = await o.services();
  const input = openBulkInput(o.io, o.file, 'sync');
  const bar = await readingBar(o.io, input);
  // Ends a standard input that never ends; the job itself notices the signal.
  const interrupts = watchInterrupts(o.io, () => input.stream.destroy(new Error('interrupted')));
  // The company --company names joins the fingerprint by its id once resolved (BulkJob.plan).
  const tapped = fingerprinted(
    input.stream,
    JSON.stringify({ kind: 'sync', format, company: o.company !== undefined, prune: o.prune }),
  );
  /** The plan as printed, to compare with what was applied. */
  let planned: SyncPlan | undefined;
  try {
    await syncMembers(
      svc,
      o.credential(),
      {
        rows: readRows(tapped.stream, format),
        fingerprint: () => {
          bar?.stop();
          return tapped.digest();
        },
        source: o.file,
        company: o.company,
        prune: o.prune,
        onProgress: bar?.update,
        onNote: (t) => warn(o.io, t),
        tuning: o.tuning,
        signal: interrupts.signal,
      },
      async (p) => {
        planned = p;
        const first = p.firstError;
        if (first) {
          if (o.json) printJson(o, p, null, false);
          else await printErrors(o.io, p.errors());
          throw new PlatformError(
            first.code,
            `Nothing was changed: ${plural(p.totals.failed, 'bad line')}; ` +
              `the first is line ${first.line}: ${first.message} ` +
              `A sync applies a file whole: fix them and run it again.`,
          );
        }
        // Too large to apply: refused before thousands of plan lines scroll by.
        if (!o.check && !o.dryRun && p.blocking === undefined && p.changes > p.limit)
          throw syncTooLarge(p.totals, p.limit);
        const stopping = o.check || o.dryRun || p.blocking !== undefined || p.changes === 0;
        if (!o.json) printPlan(o, p);
        else if (stopping) printJson(o, p, null, false);
        if (p.blocking) throw p.blocking;
        // Before any question: what the plan would do to the caller's own memberships.
        for (const y of p.yourself) warn(o.io, selfChangeNote(y, true));
        if (o.check) {
          if (p.changes > 0)
            throw new PlatformError('DRIFT', `The store differs from the file: ${describe(p)}. Nothing was changed.`);
          success(o.io, `The store matches the file (${plural(p.totals.unchanged, 'row')} checked).`);
          return false;
        }
        if (p.changes === 0) {
          success(o.io, 'Nothing to change: the store already matches the file.');
          return false;
        }
        if (o.dryRun) {
          warn(o.io, `Dry run: nothing was written (${describe(p)}).`);
          if (p.changes > p.limit)
            warn(o.io, syncTooLarge(p.totals, p.limit).message.replace(/ Nothing was changed\./, ''));
          return false;
        }
        if (p.totals.removed > 0) {
          const where = p.companies
            .filter((co) => co.removed > 0)
            .map((co) => `"${printable(co.name)}"`)
            .join(', ');
          await o.confirm(
            `Remove ${plural(p.totals.removed, 'member')} from ${where} (and invite ${p.totals.invited}, re-role ${p.totals.updated})? They will lose access.`,
            CONFIRMATIONS.removeMember,
          );
        }
        return true;
      },
      async (p, run) => {
        if (o.json) return printJson(o, p, run, true);
        const done = describe(p).replace(
          /to (invite|re-role|remove)/g,
          (_m, w: string) => ({ invite: 'invited', 're-role': 're-roled', remove: 'removed' })[w]!,
        );
        success(o.io, `Synced: ${done}${run ? ` (run ${run.id})` : ''}.`);
        // The plan printed above was decided before the write; someone who changed those
        // members meanwhile made the result differ from it: said, so the two are not
        // compared in vain.
        if (p.differs && planned)
          warn(
            o.io,
            `Someone changed some of these members after the plan above was made: each change was decided ` +
              `again as it was written (planned: ${planned.totals.invited} to invite, ${planned.totals.updated} ` +
              `to re-role, ${planned.totals.removed} to remove)` +
              (run ? `; \`audit list --run ${run.id}\` lists what was done.` : '.'),
          );
      },
    );
    interrupts.noteIfLate();
  } finally {
    interrupts.dispose();
    bar?.stop();
    input.stream.destroy();
  }
}

export function newCmdSync(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'sync',
    'Make companies match a file of email,role[,company] rows: shows the plan, then applies it (asks before removing)',
    [
      'platformctl member sync members.csv --dry-run',
      'platformctl member sync members.csv --prune --yes',
      'platformctl member sync members.csv --check || echo "drift (exit 9)"',
      'platformctl member export --company 12 > team.csv && platformctl member sync team.csv --company 34 --prune',
    ],
  )
    .argument('<file>', 'a CSV file with a header line, a .jsonl file, or - for standard input')
    .option(
      '--company <company>',
      'company id or exact name: rows without a company cell go there, and a file whose rows name one company is rebound to it (default: the current company)',
    )
    .option('--format <format>', 'csv or jsonl (default: by file extension; csv for standard input)')
    .option('--prune', "also remove members of the file's companies that it does not list (never the OWNER)")
    .option('--dry-run', 'print the plan and change nothing')
    .option('--check', 'print the plan, change nothing, and exit 9 (DRIFT) when the store differs from the file')
    .action(
      async (
        file: string,
        opts: { company?: string; format?: string; prune?: boolean; dryRun?: boolean; check?: boolean },
        cmd: Command,
      ) => {
        const ctx = f(cmd.optsWithGlobals());
        await runF({
          ...depsOf(ctx),
          tuning: bulkTuning(ctx.processEnv),
          confirm: confirmer(ctx.io, ctx.prompter, ctx.yes),
          file,
          company: opts.company,
          format: opts.format,
          prune: Boolean(opts.prune),
          dryRun: Boolean(opts.dryRun),
          check: Boolean(opts.check),
        });
      },
    );
}
