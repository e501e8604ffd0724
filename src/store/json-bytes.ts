/**
 * JSON.parse of a server's large answer, read from its bytes so that nothing of it lands
 * in V8's old generation.
 *
 * A page of a list on sqld is a 100-400 KB JSON answer. Parsed as JSON.parse(text), it left
 * garbage in the old generation on every page, which only a full mark-compact frees, so
 * the old generation of a 1,000,000-member list grew between full GCs, and more so on a
 * loaded machine (docs/performance.md):
 *  - the text itself: any string over 128 KiB is a large object, and a large object that
 *    a scavenge finds alive (the text is, while JSON.parse reads it) is promoted at once;
 *  - every string value of at most 10 characters: JSON.parse internalizes those, and
 *    internalized strings are made in the old generation (`Last123456`, an id as text).
 * Here the bytes are parsed directly: strings are made from the bytes (short ASCII ones
 * shared through a small cache: keys, type names, roles), young like any other value.
 *
 * The value is JSON.parse's (same order of keys, the last of duplicate keys wins,
 * `__proto__` an ordinary key, the same numbers and the same U+FFFD for bytes that are not
 * UTF-8); anything unexpected (not JSON, nesting too deep) makes it parse the whole text
 * with JSON.parse after all, which gives JSON.parse's own value or error.
 */

/** Answers up to this size go to JSON.parse as they are: what they leave behind is small. */
export const DIRECT_BYTES = 16 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** Short ASCII strings met again and again (keys, `text`, roles): made once per cache slot. */
const CACHE_SLOTS = 512;
const CACHE_MAX_LENGTH = 16;

class Unexpected extends Error {}

/** The parsed value of a JSON text in UTF-8, as JSON.parse(bytes.toString('utf8')) gives it. */
export function parseJsonBytes(bytes: Buffer): unknown {
  if (bytes.length > DIRECT_BYTES) {
    try {
      return new Parser(bytes).document();
    } catch {
      // Not JSON, or not as expected (nesting too deep for this parser…): JSON.parse says what it is.
    }
  }
  return JSON.parse(bytes.toString('utf8'));
}

class Parser {
  private i = 0;
  private readonly cache: (string | undefined)[] = new Array<string | undefined>(CACHE_SLOTS);

  constructor(private readonly b: Buffer) {}

  document(): unknown {
    const v = this.value();
    this.space();
    if (this.i !== this.b.length) throw new Unexpected();
    return v;
  }

  private space(): void {
    const b = this.b;
    let i = this.i;
    for (;;) {
      const c = b[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  private value(): unknown {
    this.space();
    switch (this.b[this.i]) {
      case QUOTE:
        return this.string();
      case OPEN_OBJECT:
        return this.object();
      case OPEN_ARRAY:
        return this.array();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private literal<T>(word: string, v: T): T {
    const b = this.b;
    for (let k = 0; k < word.length; k++) if (b[this.i + k] !== word.charCodeAt(k)) throw new Unexpected();
    this.i += word.length;
    return v;
  }

  private number(): number {
    const b = this.b;
    const start = this.i;
    let i = start;
    if (b[i] === MINUS) i++;
    let n = 0;
    const first = b[i];
    if (first === ZERO) i++;
    else if (first !== undefined && first > ZERO && first <= NINE) {
      for (let c = b[i]; c !== undefined && c >= ZERO && c <= NINE; c = b[++i]) n = n * 10 + (c - ZERO);
    } else throw new Unexpected();
    let simple = i - start <= 15;
    if (b[i] === DOT) {
      simple = false;
      i = this.digits(i + 1);
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      simple = false;
      i++;
      if (b[i] === PLUS || b[i] === MINUS) i++;
      i = this.digits(i);
    }
    this.i = i;
    // A whole number of at most 15 digits is exact as it was summed; anything else is
    // converted as JSON.parse converts it.
    if (simple) return b[start] === MINUS ? -n : n;
    return Number(b.toString('latin1', start, i));
  }

  /** Past one or more digits from i. */
  private digits(i: number): number {
    const b = this.b;
    const from = i;
    for (let c = b[i]; c !== undefined && c >= ZERO && c <= NINE; c = b[++i]);
    if (i === from) throw new Unexpected();
    return i;
  }

  private string(): string {
    const b = this.b;
    const start = this.i + 1;
    let i = start;
    let ascii = true;
    let escaped = false;
    for (;;) {
      const c = b[i];
      if (c === QUOTE) break;
      // The end of the bytes, or a control character JSON does not allow in a string.
      if (c === undefined || c < 0x20) throw new Unexpected();
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c > 0x7f) ascii = false;
      i++;
    }
    this.i = i + 1;
    // Escapes are rare: JSON.parse reads those strings (a few bytes each).
    if (escaped) return JSON.parse(b.toString('utf8', start - 1, i + 1)) as string;
    const length = i - start;
    if (!ascii || length > CACHE_MAX_LENGTH) return b.toString('utf8', start, i);
    if (length === 0) return '';
    const slot = (length * 31 + b[start]! * 7 + b[i - 1]! * 3 + b[start + (length >> 1)]!) & (CACHE_SLOTS - 1);
    const known = this.cache[slot];
    if (known !== undefined && known.length === length) {
      let k = 0;
      while (k < length && known.charCodeAt(k) === b[start + k]) k++;
      if (k === length) return known;
    }
    const s = b.toString('latin1', start, i);
    this.cache[slot] = s;
    return s;
  }

  private array(): unknown[] {
    const b = this.b;
    this.i++;
    const out: unknown[] = [];
    this.space();
    if (b[this.i] === CLOSE_ARRAY) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.space();
      const c = b[this.i++];
      if (c === COMMA) continue;
      if (c === CLOSE_ARRAY) return out;
      throw new Unexpected();
    }
  }

  private object(): Record<string, unknown> {
    const b = this.b;
    this.i++;
    const out: Record<string, unknown> = {};
    this.space();
    if (b[this.i] === CLOSE_OBJECT) {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      if (b[this.i] !== QUOTE) throw new Unexpected();
      const key = this.string();
      this.space();
      if (b[this.i++] !== COLON) throw new Unexpected();
      const v = this.value();
      // As JSON.parse: an own data property, also for `__proto__` (which `=` would not make).
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      this.space();
      const c = b[this.i++];
      if (c === COMMA) continue;
      if (c === CLOSE_OBJECT) return out;
      throw new Unexpected();
    }
  }
}
