/**
 * JSON.parse of a server's answer without ever making one string of the whole answer.
 *
 * A page of a list on sqld is a ~100-400 KB JSON answer. V8 puts any string over
 * 128 KiB in its large-object space, and a large object still referenced when a
 * scavenge runs (the text is, for as long as JSON.parse reads it) goes straight to the
 * old generation, which only a full mark-compact frees. Read whole, every few pages left
 * one dead answer there: over a 1,000,000-member list about 10× what the local engine
 * promotes, and a peak RSS that grew with the old generation (docs/performance.md).
 *
 * Here an answer over SLICE_BYTES is scanned once for its structure and parsed in pieces
 * of at most SLICE_BYTES (a whole run of an array's elements or of an object's
 * members at once), so every string handed to JSON.parse stays small and dies young.
 * The value is the one JSON.parse gives (same order of keys, the last of duplicate
 * keys, `__proto__` an ordinary key); anything the scan does not expect makes it parse
 * the whole text after all, which gives JSON.parse's own value or error.
 */

/** The most bytes decoded into one string (well below V8's 128 KiB large-object size). */
export const SLICE_BYTES = 32 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** A container (array or object) larger than SLICE_BYTES: where it ends, and where it is cut. */
interface Big {
  /** The offset just after its closing bracket. */
  end: number;
  /**
   * Offsets of commas between its members, cutting it into runs of members that are
   * each at most SLICE_BYTES long, or a single member longer than that.
   */
  cuts: number[];
}

class Unexpected extends Error {}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The parsed value of a JSON text in UTF-8, as JSON.parse(bytes.toString('utf8')) gives it. */
export function parseJsonBytes(bytes: Buffer, sliceBytes = SLICE_BYTES): unknown {
  if (bytes.length > sliceBytes) {
    try {
      return new Pieces(bytes, sliceBytes).document();
    } catch (e) {
      if (!(e instanceof Unexpected) && !(e instanceof SyntaxError)) throw e;
      // Not what the scan expects (not JSON, cut off…): JSON.parse says what it is.
    }
  }
  return JSON.parse(bytes.toString('utf8'));
}

class Pieces {
  private readonly bigs = new Map<number, Big>();

  constructor(
    private readonly b: Buffer,
    private readonly limit: number,
  ) {}

  document(): unknown {
    this.scan();
    const start = this.skipSpace(0);
    const big = this.bigs.get(start);
    // A big string or number at the top: nothing to cut.
    if (!big) throw new Unexpected();
    if (this.skipSpace(big.end) !== this.b.length) throw new Unexpected();
    return this.build(start, big);
  }

  private skipSpace(i: number): number {
    while (isSpace(this.b[i])) i++;
    return i;
  }

  private text(from: number, to: number): string {
    return this.b.toString('utf8', from, to);
  }

  /**
   * One pass over the bytes: every array and object longer than the limit is recorded
   * with its end and the commas that cut it into runs of members.
   */
  private scan(): void {
    const b = this.b;
    const n = b.length;
    const limit = this.limit;
    // Per open container: where it starts, where its current run starts, the last comma
    // between its members, and its cuts so far.
    const starts: number[] = [];
    const runs: number[] = [];
    const commas: number[] = [];
    const cuts: (number[] | undefined)[] = [];
    let top = -1;
    for (let i = 0; i < n; i++) {
      const c = b[i]!;
      if (c === QUOTE) {
        // Skip the string: nothing in it is structure.
        for (i++; ; i++) {
          if (i >= n) throw new Unexpected();
          const d = b[i]!;
          if (d === QUOTE) break;
          if (d === BACKSLASH) i++;
        }
      } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        top++;
        starts[top] = i;
        runs[top] = i;
        commas[top] = -1;
        cuts[top] = undefined;
      } else if (c === COMMA) {
        if (top < 0) throw new Unexpected();
        // The member that ends here closes the current run if the run got too long:
        // the run ends at the comma before it (it was short enough there) and this
        // member starts the next one, or ends it too when it is itself too long.
        if (i - runs[top]! > limit) {
          const prev = commas[top]!;
          if (prev > runs[top]!) {
            (cuts[top] ??= []).push(prev);
            runs[top] = prev;
          }
          if (i - runs[top]! > limit) {
            (cuts[top] ??= []).push(i);
            runs[top] = i;
          }
        }
        commas[top] = i;
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        if (top < 0) throw new Unexpected();
        const start = starts[top]!;
        if (b[start] !== (c === CLOSE_ARRAY ? OPEN_ARRAY : OPEN_OBJECT)) throw new Unexpected();
        if (i + 1 - start > limit) {
          let own = cuts[top];
          const prev = commas[top]!;
          if (i - runs[top]! > limit && prev > runs[top]!) (own ??= []).push(prev);
          this.bigs.set(start, { end: i + 1, cuts: own ?? [] });
        }
        top--;
      }
    }
    if (top !== -1) throw new Unexpected();
  }

  /** A big array or object, from its runs of members. */
  private build(start: number, big: Big): unknown {
    const isArray = this.b[start] === OPEN_ARRAY;
    const out: unknown[] = [];
    const obj: Record<string, unknown> = {};
    // Runs lie between the opening bracket, the cuts and the closing bracket.
    let from = start + 1;
    for (let k = 0; k <= big.cuts.length; k++) {
      const to = k < big.cuts.length ? big.cuts[k]! : big.end - 1;
      if (isArray) this.arrayRun(from, to, out);
      else this.objectRun(from, to, obj);
      from = to + 1;
    }
    return isArray ? out : obj;
  }

  private arrayRun(from: number, to: number, out: unknown[]): void {
    if (to - from <= this.limit) {
      // Several members at once: ~limit bytes of elements, parsed as one small array.
      const items = JSON.parse(`[${this.text(from, to)}]`) as unknown[];
      // Nothing between two commas (or a comma and a bracket) is no member at all.
      if (items.length === 0) throw new Unexpected();
      for (const item of items) out.push(item);
      return;
    }
    out.push(this.member(from, to));
  }

  private objectRun(from: number, to: number, obj: Record<string, unknown>): void {
    if (to - from <= this.limit) {
      const part = JSON.parse(`{${this.text(from, to)}}`) as Record<string, unknown>;
      const keys = Object.keys(part);
      if (keys.length === 0) throw new Unexpected();
      for (const key of keys) define(obj, key, part[key]);
      return;
    }
    // One member longer than the limit: its key, then its value.
    const k = this.skipSpace(from);
    if (this.b[k] !== QUOTE) throw new Unexpected();
    let e = k + 1;
    for (; this.b[e] !== QUOTE; e++) {
      if (e >= to) throw new Unexpected();
      if (this.b[e] === BACKSLASH) e++;
    }
    const key = JSON.parse(this.text(k, e + 1)) as string;
    const colon = this.skipSpace(e + 1);
    if (this.b[colon] !== COLON) throw new Unexpected();
    define(obj, key, this.member(colon + 1, to));
  }

  /** The one value between from and to (a big container, or a big string or number). */
  private member(from: number, to: number): unknown {
    const s = this.skipSpace(from);
    const big = this.bigs.get(s);
    if (!big) return JSON.parse(this.text(from, to));
    if (this.skipSpace(big.end) !== to) throw new Unexpected();
    return this.build(s, big);
  }
}

/** Sets a key as JSON.parse does: an own data property (`__proto__` too), the last value winning. */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}
