import { describe, expect, it } from 'vitest';
import { inWords } from '../../../src/commands/account/update.js';

describe('account update', () => {
  it('names the changed fields in words, not as field names', () => {
    expect(inWords(['firstName'])).toBe('first name');
    expect(inWords(['firstName', 'phone'])).toBe('first name and phone');
    expect(inWords(['firstName', 'lastName', 'phone', 'companyName'])).toBe(
      'first name, last name, phone and company name',
    );
  });
});
