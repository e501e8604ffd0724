import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import type { Config } from '../../config.js';
import { tokenStates, type TokenState } from '../../domain/auth.js';
import { authRequired } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { printTable } from '../../output/table.js';
import { palette } from '../../output/color.js';

export interface StatusOptions extends Deps {
  config: () => Config;
  storeKey: () => string;
  /** True when PLATFORMCTL_TOKEN is set: it overrides the saved accounts. */
  fromEnv: boolean;
}

const SESSION: Record<TokenState['state'], string> = {
  valid: 'signed in',
  expired: 'expired: sign in again',
  revoked: 'revoked: sign in again',
  unknown: 'unknown to this store: sign in again',
};

interface Row {
  email: string;
  active: boolean;
  session: TokenState['state'];
  note: string;
}

/**
 * The accounts signed in on this store (by its identity: every spelling of its location
 * shares them), which one is active, and whether the store still accepts each session.
 */
export async function run(o: StatusOptions): Promise<void> {
  const svc = await o.services();
  const accounts = o.config().accounts(o.storeKey());
  const envToken = o.fromEnv ? o.credential().token : undefined;
  if (!accounts.length && !envToken)
    throw authRequired(
      'You are not signed in to this store. Sign in with `platformctl account login` (or set PLATFORMCTL_TOKEN).',
    );
  // One request for all of them, whatever their number.
  const states = await tokenStates(svc, [...accounts.map((a) => a.token), ...(envToken ? [envToken] : [])]);
  const env = envToken ? states[accounts.length]! : undefined;
  const rows: Row[] = accounts.map((a, i) => ({
    email: a.email,
    active: a.active,
    session: states[i]!.state,
    note: SESSION[states[i]!.state],
  }));
  if (o.json) {
    return printJson(o.io, {
      store: svc.store.displayLocation,
      accounts: rows.map((r) => ({ email: r.email, active: r.active, session: r.session })),
      token: env
        ? { source: 'PLATFORMCTL_TOKEN', email: env.email, kind: env.kind, session: env.state, overrides: true }
        : null,
    });
  }
  const c = palette(o.io.colorOut);
  const shown: (Row & { mark: string })[] = rows.map((r) => ({ ...r, mark: r.active && !env ? '*' : '' }));
  if (env) {
    shown.unshift({
      email: env.email ?? '(unknown token)',
      active: true,
      session: env.state,
      mark: '*',
      note: `${SESSION[env.state]} (${env.kind === 'api' ? 'API token' : 'session'} from PLATFORMCTL_TOKEN, overrides the accounts below)`,
    });
  }
  await printTable(o.io, shown, [
    { header: '', value: (r) => r.mark, style: (t) => c.green(t) },
    { header: 'ACCOUNT', value: (r) => r.email, style: (t, r) => (r.mark ? c.bold(t) : t), fit: 'keep' },
    { header: 'SESSION', value: (r) => r.note, style: (t, r) => (r.session === 'valid' ? t : c.yellow(t)) },
  ]);
}

export function newCmdStatus(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'status',
    'List the accounts signed in on this store, which one is active (*), and whether each session is still valid',
    [
      'platformctl account status',
      "platformctl account status --json | jq -r '.accounts[] | select(.active) | .email'",
    ],
  ).action(async (_o, cmd: Command) => {
    const ctx = f(cmd.optsWithGlobals());
    await runF({
      ...depsOf(ctx),
      config: ctx.config,
      storeKey: () => ctx.location().key,
      fromEnv: Boolean(ctx.processEnv.PLATFORMCTL_TOKEN),
    });
  });
}
