import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';

const FILE = '/home/ann/.config/platformctl/config.json';

function fault(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (e) {
    expect((e as { code?: string }).code).toBe('USAGE');
    return (e as Error).message;
  }
  throw new Error(`accepted: ${text}`);
}

describe('parseConfig', () => {
  it('accepts an object with string store, storeToken and {token, email} sessions, and other keys', () => {
    const data = { store: 'x.db', storeToken: 't', sessions: { k: { token: 'pcs_1', email: 'a@b.co' } }, other: 1 };
    expect(parseConfig(JSON.stringify(data), FILE)).toEqual(data);
    expect(parseConfig('', FILE)).toEqual({});
    expect(parseConfig(' \n', FILE)).toEqual({});
  });

  it.each([
    ['null', 'must hold a JSON object, not null'],
    ['[]', 'must hold a JSON object, not an array'],
    ['42', 'must hold a JSON object, not number'],
    ['{"store": 123}', 'has a "store" that is not a string'],
    ['{"storeToken": {}}', 'has a "storeToken" that is not a string'],
    ['{"sessions": []}', 'has "sessions" that is not an object'],
    ['{"sessions": {"k": "pcs_1"}}', 'has sessions["k"] that is not an object'],
    ['{"sessions": {"k": {"token": 99887766, "email": "a@b.co"}}}', 'has sessions["k"].token that is not a string'],
    ['{"sessions": {"k": {"token": "pcs_1"}}}', 'has sessions["k"].email that is not a string'],
    ['{"sessions": {', 'is not valid JSON'],
  ])('%s → a USAGE error naming the file and the key', (text, why) => {
    const message = fault(text);
    expect(message.startsWith(`The config file ${FILE} ${why}`), message).toBe(true);
    expect(message).not.toContain('99887766');
  });
});
