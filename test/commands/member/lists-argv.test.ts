import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import type { ContextFactory } from '../../../src/commands/command.js';
import { newCmdList as newCmdAuditList } from '../../../src/commands/audit/list.js';
import { newCmdExport } from '../../../src/commands/member/export.js';
import { newCmdList as newCmdMemberList } from '../../../src/commands/member/list.js';
import type { Context } from '../../../src/context.js';
import { buildProgram } from '../../../src/main.js';
import { bufferIO } from '../../helpers/io.js';

/**
 * The paging and format flags of the list commands reach run() as the options their
 * unit tests use (member/list.test.ts, member/export.test.ts, audit/list.test.ts), so
 * those rules can be checked through run() instead of the real CLI.
 * (test/commands/argv.test.ts covers the other flags; this file is its companion for
 * --limit, --after, --before, --run, --format, --all.)
 */
async function parse(build: (f: ContextFactory, run: (o: any) => Promise<void>) => Command, argv: string[]) {
  let captured: any;
  const factory: ContextFactory = (globals) => {
    const boom = () => {
      throw new Error('argv parsing must not open the store or read the config');
    };
    return {
      io: bufferIO().io,
      prompter: { password: boom, choose: boom, input: boom },
      processEnv: {},
      json: Boolean(globals.json),
      yes: Boolean(globals.yes),
      config: boom,
      location: boom,
      store: boom,
      services: boom,
      credential: boom,
      now: () => new Date(0),
      close: async () => {},
    } satisfies Context;
  };
  const cmd = build(factory, async (o) => {
    captured = o;
  });
  // The program's own global flags (--json), on a bare root.
  const root = new Command('platformctl');
  for (const o of buildProgram(factory).options) root.addOption(new Option(o.flags, o.description));
  root.addCommand(cmd);
  for (const c of [root, cmd]) {
    c.exitOverride();
    c.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  }
  const globals = argv[0] === '--json' ? [argv.shift()!] : [];
  await root.parseAsync([...globals, cmd.name(), ...argv], { from: 'user' });
  return captured;
}

describe('list flags → options', () => {
  it('member list: --limit and --after continue, --all, --csv; --json is the global flag', async () => {
    expect(await parse(newCmdMemberList, ['--limit', '900', '--after', 'ZED@example.com'])).toMatchObject({
      limit: 900,
      after: 'ZED@example.com',
      all: false,
      csv: false,
      json: false,
    });
    expect(await parse(newCmdMemberList, ['--json', '--limit', '5', '--all'])).toMatchObject({
      limit: 5,
      all: true,
      json: true,
    });
    // Refused by run() (exit 2), not by the parser: 0 and what is not a whole number arrive as such.
    expect((await parse(newCmdMemberList, ['--limit', '0'])).limit).toBe(0);
    expect((await parse(newCmdMemberList, ['--limit', 'ten'])).limit).toBeNaN();
    expect(await parse(newCmdMemberList, [])).toMatchObject({ limit: undefined, after: undefined, all: false });
  });

  it('member export: --format and --company', async () => {
    expect(await parse(newCmdExport, ['--format', 'jsonl', '--company', '7'])).toMatchObject({
      format: 'jsonl',
      company: '7',
    });
    expect(await parse(newCmdExport, [])).toMatchObject({ format: undefined, company: undefined });
  });

  it('audit list: --before, --run, --until, --action, --format, --csv, --all', async () => {
    expect(
      await parse(newCmdAuditList, [
        '--before',
        '1234',
        '--run',
        '7',
        '--until',
        '2026-02-01',
        '--action',
        'member',
        '--format',
        'csv',
        '--limit',
        '450',
      ]),
    ).toMatchObject({
      before: 1234,
      run: 7,
      until: '2026-02-01',
      action: 'member',
      format: 'csv',
      limit: 450,
      all: false,
      json: false,
    });
    expect(await parse(newCmdAuditList, ['--json', '--csv', '--all'])).toMatchObject({
      csv: true,
      all: true,
      json: true,
    });
    expect((await parse(newCmdAuditList, ['--before', 'x'])).before).toBeNaN();
  });
});
