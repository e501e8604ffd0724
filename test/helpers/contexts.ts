import { join } from 'node:path';
import { createContext, type Context } from '../../src/context.js';
import type { Prompter } from '../../src/io/prompter.js';
import { bufferIO } from './io.js';

/**
 * Contexts as src/main.ts builds them for `__complete`: one per (--store, --config-dir)
 * found on the line, acting as `token` (PLATFORMCTL_TOKEN), with its data and config
 * directories under `dir`. Records what each was asked for; `close()` closes them all.
 */
export function contextFactory(dir: string, token?: string) {
  const seen: [store: string | undefined, configDir: string | undefined][] = [];
  const made: Context[] = [];
  const factory = (store: string | undefined, configDir: string | undefined): Context => {
    seen.push([store, configDir]);
    const ctx = createContext({
      io: bufferIO().io,
      prompter: {} as Prompter,
      env: {
        XDG_DATA_HOME: join(dir, 'xdg-data'),
        XDG_CONFIG_HOME: join(dir, 'xdg-config'),
        ...(token ? { PLATFORMCTL_TOKEN: token } : {}),
      },
      globals: { store, configDir },
    });
    made.push(ctx);
    return ctx;
  };
  const close = async () => {
    for (const c of made.splice(0)) await c.close();
  };
  return { factory, seen, close };
}
