import { PlatformError } from './errors.js';
import { printable } from './text.js';

/**
 * A whole number from an environment variable: decimal digits only (no sign, exponent,
 * hexadecimal or spaces), at least `min`. Unset or empty: undefined (the default applies).
 * Anything else is a usage error (exit 2) naming the variable, never silently ignored.
 */
export function wholeNumberEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const x = /^[0-9]{1,15}$/.test(v) ? Number(v) : NaN;
  if (!(x >= min && x <= max))
    throw new PlatformError(
      'USAGE',
      `${name} must be a whole number of at least ${min}${max < Number.MAX_SAFE_INTEGER ? ` and at most ${max}` : ''}; it is "${printable(v)}".`,
    );
  return x;
}
