import { describe, expect, it } from 'vitest';
import { email } from '../../src/domain/validation.js';

describe('email', () => {
  it('refuses U+FFFD, what bytes that are not UTF-8 decode to (jürgen in Latin-1)', () => {
    expect(() => email('j\ufffdrgen@example.com')).toThrow(/Invalid e-mail address/);
    expect(email(' Jürgen@Example.com ')).toBe('jürgen@example.com');
  });
});
