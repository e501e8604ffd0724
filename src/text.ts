// C0/C1 controls, DEL, bidi overrides/isolates and zero-width joiners that could
// disguise text in someone else's terminal table. Ordinary letters, emoji and
// combining marks stay allowed.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** True when the text holds no control or direction-override characters. */
export function isPrintable(text: string): boolean {
  return !UNSAFE.test(text);
}

/** Escapes unsafe characters so untrusted text can be echoed in a message. */
export function printable(text: string, max = 80): string {
  const cut = [...text].slice(0, max).join('') + ([...text].length > max ? '…' : '');
  return cut.replace(new RegExp(UNSAFE.source, 'gu'), (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
