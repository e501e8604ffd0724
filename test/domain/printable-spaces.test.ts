import { describe, expect, it } from 'vitest';
import { printable, printableAddress } from '../../src/text.js';
import * as v from '../../src/domain/validation.js';

describe('e-mail addresses in messages: spaces other than U+0020', () => {
  it('are shown escaped, like other invisible characters (names keep theirs: docs/identity.md)', () => {
    expect(printableAddress('a\u00a0b@example.com')).toBe('a\\u{a0}b@example.com');
    expect(printableAddress('x\u2009y\u3000z\u202fw\u200b')).toBe('x\\u{2009}y\\u{3000}z\\u{202f}w\\u{200b}');
    expect(printableAddress('plain words stay')).toBe('plain words stay');
    expect(printable('Ann\u00a0Smith')).toBe('Ann\u00a0Smith');
  });

  it('an e-mail with a no-break space is refused with the space visible in the message', () => {
    let message = '';
    try {
      v.email('ann\u00a0smith@example.com');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('ann\\u{a0}smith@example.com');
    expect(message).not.toContain('\u00a0');
  });
});
