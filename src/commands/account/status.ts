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

/** How each state is said on a terminal (docs/sessions.md lists them). */
const SESSION: Record<TokenState['state'], string> = {
  valid: 'signed in',
  expired: 'expired: sign in again',
  revoked: 'revoked: sign in again',
  unknown: 'unknown to this store: sign in again',
};

/** The same states in --json: stable tokens, documented in docs/sessions.md. */
const SESSION_JSON: Record<TokenState['state'], string> = {
  valid: 'signed_in',
  expired: 'expired',
  revoked: 'revoked',
  unknown: 'unknown',
};

/** For PLATFORMCTL_TOKEN, signing in again cannot help: it overrides the saved sessions. */
const ENV_SESSION: Record<TokenState['state'], string> = {
  valid: 'signed in',
  expired: 'expired: unset PLATFORMCTL_TOKEN or create a new token',
  revoked: 'revoked: unset PLATFORMCTL_TOKEN or create a new token',
  unknown: 'unknown to this store: unset PLATFORMCTL_TOKEN or create a new token',
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
 * When nobody usable is signed in (no account, or only sessions the store no longer
 * accepts, or a PLATFORMCTL_TOKEN it refuses) it still lists them, then exits 3: on a
 * terminal the list goes to stderr with the error, as `gh auth status` does; --json
 * prints the document on stdout all the same.
 */
export async function run(o: StatusOptions): Promise<void> {
  const svc = await o.services();
  const accounts = o.config().accounts(o.storeKey());
  const envToken = o.fromEnv ? o.credential().token : undefined;
  if (!accounts.length && !envToken) throw authRequired();
  // One request for all of them, whatever their number.
  const states = await tokenStates(svc, [...accounts.map((a) => a.token), ...(envToken ? [envToken] : [])]);
  const envTokenState = envToken ? states[accounts.length]! : undefined;
  const rows: Row[] = accounts.map((a, i) => ({
    email: a.email,
    active: a.active,
    session: states[i]!.state,
    note: SESSION[states[i]!.state],
  }));
  // Who acts: the token from the environment when set, else the active account.
  const acting = envTokenState ? envTokenState.state : rows.find((r) => r.active)?.session;
  const usable = acting === 'valid';
  const unusable = () =>
    authRequired(
      envTokenState
        ? 'The token in PLATFORMCTL_TOKEN is not accepted by this store. ' +
            'Unset PLATFORMCTL_TOKEN to use your saved sessions, ' +
            'or create a new token (`platformctl account token create`).'
        : rows.some((r) => r.session === 'valid')
          ? "The active account's session is no longer accepted by this store. " +
            'Switch to another account (`platformctl account switch EMAIL`) ' +
            'or sign in again with `platformctl account login`.'
          : 'Nobody is signed in to this store with a session it still accepts. Sign in again with `platformctl account login`.',
    );
  if (o.json) {
    printJson(o.io, {
      store: svc.store.displayLocation,
      accounts: rows.map((r) => ({ email: r.email, active: r.active, session: SESSION_JSON[r.session] })),
      token: envTokenState
        ? {
            source: 'PLATFORMCTL_TOKEN',
            email: envTokenState.email,
            kind: envTokenState.kind,
            session: SESSION_JSON[envTokenState.state],
            overrides: true,
          }
        : null,
    });
    if (!usable) throw unusable();
    return;
  }
  // Listed, but with exit 3: on stderr, beside the error, so stdout holds no answer.
  const io = usable
    ? o.io
    : {
        ...o.io,
        out: o.io.err,
        isStdoutTTY: o.io.isStderrTTY,
        colorOut: o.io.colorErr,
        columns: o.io.errStream.columns,
      };
  const c = palette(io.colorOut);
  const shown: (Row & { mark: string })[] = rows.map((r) => ({ ...r, mark: r.active && !envTokenState ? '*' : '' }));
  if (envTokenState) {
    shown.unshift({
      email: envTokenState.email ?? '(unknown token)',
      active: true,
      session: envTokenState.state,
      mark: '*',
      note:
        `${ENV_SESSION[envTokenState.state]} (${envTokenState.kind === 'api' ? 'API token' : 'session'} ` +
        `from PLATFORMCTL_TOKEN, overrides the accounts below)`,
    });
  }
  await printTable(io, shown, [
    { header: '', value: (r) => r.mark, style: (t) => c.green(t) },
    { header: 'ACCOUNT', value: (r) => r.email, style: (t, r) => (r.mark ? c.bold(t) : t), fit: 'keep' },
    { header: 'SESSION', value: (r) => r.note, style: (t, r) => (r.session === 'valid' ? t : c.yellow(t)) },
  ]);
  if (!usable) throw unusable();
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
