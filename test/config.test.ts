import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Config, StateFile, configDir, defaultStorePath, parseConfig } from '../src/config.js';

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

describe('parseConfig: the sessions data model', () => {
  it('accepts sessions owned by a store identity, with the time they were saved, and the active account per store', () => {
    const data = {
      sessions: { 'abc:a@b.co': { token: 'pcs_1', email: 'a@b.co', store: 'abc', at: '2025-01-01T00:00:00.000Z' } },
      active: { abc: 'a@b.co' },
    };
    expect(parseConfig(JSON.stringify(data), FILE)).toEqual(data);
  });

  it.each([
    [
      '{"sessions": {"k": {"token": "pcs_1", "email": "a@b.co", "store": 7}}}',
      'has sessions["k"].store that is not a string',
    ],
    [
      '{"sessions": {"k": {"token": "pcs_1", "email": "a@b.co", "at": false}}}',
      'has sessions["k"].at that is not a string',
    ],
    ['{"active": []}', 'has "active" that is not an object'],
    ['{"active": {"abc": 1}}', 'has active["abc"] that is not a string'],
  ])('%s → a USAGE error naming the key', (text, why) => {
    expect(fault(text).startsWith(`The config file ${FILE} ${why}`)).toBe(true);
  });
});

describe('Config: several accounts per store, one active', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A Config as a command sees it: the location's store identity known. */
  const config = (bind: Record<string, string | undefined> = { '/s.db': 'S', 'http://r/': 'S', '/t.db': 'T' }) => {
    const c = new Config(dir);
    for (const [k, id] of Object.entries(bind)) c.bind(k, id);
    return c;
  };
  const file = () => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const emails = (c: Config, key: string) => c.accounts(key).map((a) => `${a.active ? '*' : ''}${a.email}`);

  it('saving adds an account and makes it active; the one active before stays and is named', async () => {
    const c = config();
    expect(await c.saveSession('/s.db', { token: 't1', email: 'ann@x.co' })).toEqual({});
    expect(await c.saveSession('/s.db', { token: 't2', email: 'bob@x.co' })).toEqual({ previous: 'ann@x.co' });
    expect(emails(c, '/s.db')).toEqual(['ann@x.co', '*bob@x.co']);
    expect(c.session('/s.db')?.token).toBe('t2');
    // Signing in again as Ann replaces her session, and she is active.
    expect(await c.saveSession('/s.db', { token: 't3', email: 'ann@x.co' })).toEqual({ previous: 'bob@x.co' });
    expect(emails(c, '/s.db')).toEqual(['bob@x.co', '*ann@x.co']);
    expect(c.session('/s.db')?.token).toBe('t3');
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(file().active).toEqual({ S: 'ann@x.co' });
  });

  it('sessions belong to the store identity: another location of it shares them, another store does not', async () => {
    const c = config();
    await c.saveSession('/s.db', { token: 't1', email: 'ann@x.co' });
    expect(config().session('http://r/')?.token).toBe('t1');
    expect(config().session('/t.db')).toBeUndefined();
    // A location whose identity is not known yet has no session of another store.
    expect(config({}).session('http://r/')).toBeUndefined();
  });

  it('switching makes another signed-in account active; one not signed in is AUTH_REQUIRED', async () => {
    const c = config();
    await c.saveSession('/s.db', { token: 't1', email: 'ann@x.co' });
    await c.saveSession('/s.db', { token: 't2', email: 'bob@x.co' });
    expect(await c.switchSession('http://r/', 'ann@x.co')).toEqual({ changed: true });
    expect(config().session('/s.db')?.email).toBe('ann@x.co');
    expect(await c.switchSession('/s.db', 'ann@x.co')).toEqual({ changed: false });
    await expect(c.switchSession('/s.db', 'eve@x.co')).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
      message: expect.stringContaining('(signed in: ann@x.co, bob@x.co)'),
    });
  });

  it('forgetting the active account makes the most recently saved one left active', async () => {
    const c = config();
    await c.saveSession('/s.db', { token: 't1', email: 'ann@x.co' });
    await c.saveSession('/s.db', { token: 't2', email: 'bob@x.co' });
    await c.saveSession('/s.db', { token: 't3', email: 'cy@x.co' });
    await c.switchSession('/s.db', 'ann@x.co');
    expect(await c.forgetSession('/s.db')).toEqual({ email: 'ann@x.co', active: 'cy@x.co' });
    expect(await c.forgetSession('/s.db', 'bob@x.co')).toEqual({ email: 'bob@x.co', active: 'cy@x.co' });
    expect(await c.forgetSession('/s.db')).toEqual({ email: 'cy@x.co' });
    expect(await c.forgetSession('/s.db')).toEqual({});
    expect(file()).toMatchObject({ sessions: {}, active: {} });
  });

  it("another store's sessions are left as they are", async () => {
    const c = config();
    await c.saveSession('/t.db', { token: 'tt', email: 'ann@x.co' });
    await c.saveSession('/s.db', { token: 't1', email: 'ann@x.co' });
    await c.forgetSession('/s.db');
    expect(config().session('/t.db')?.token).toBe('tt');
  });

  it('an older entry keyed by location is used there, and taken over under the identity once it is known', async () => {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ sessions: { '/s.db': { token: 'old', email: 'ann@x.co' } } }),
    );
    expect(config({}).session('/s.db')?.token).toBe('old');
    const c = config();
    expect(c.session('/s.db')?.token).toBe('old');
    await c.adoptLegacy('/s.db');
    expect(file().sessions).toEqual({ 'S:ann@x.co': { token: 'old', email: 'ann@x.co', store: 'S' } });
    expect(file().active).toEqual({ S: 'ann@x.co' });
    expect(config().session('http://r/')?.token).toBe('old');
  });
});

describe('StateFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers identities and replication indexes, written atomically with mode 0600; a bad file is empty', () => {
    const s = new StateFile(join(dir, 'cfg'));
    expect(s.storeIdOf('http://r/')).toBeUndefined();
    s.save({ location: ['http://r/', 'S'], replication: ['S', '42'] });
    const again = new StateFile(join(dir, 'cfg'));
    expect([again.storeIdOf('http://r/'), again.replicationIndex('S')]).toEqual(['S', '42']);
    expect(statSync(join(dir, 'cfg', 'state.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cfg')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'cfg'))).toEqual(['state.json']);
    writeFileSync(join(dir, 'cfg', 'state.json'), '{not json');
    expect(new StateFile(join(dir, 'cfg')).storeIdOf('http://r/')).toBeUndefined();
  });

  it('a replication index that is not one (an edited or damaged file) is no index: never sent to a server', () => {
    // Found from outside: "-5" or "abc" there made every command on that store exit 7
    // ("answered HTTP 400") until the file was deleted.
    mkdirSync(join(dir, 'cfg'), { mode: 0o700 });
    writeFileSync(join(dir, 'cfg', 'state.json'), JSON.stringify({ replication: { S: '-5', T: 'abc', U: '7' } }));
    const s = new StateFile(join(dir, 'cfg'));
    expect([s.replicationIndex('S'), s.replicationIndex('T'), s.replicationIndex('U')]).toEqual([
      undefined,
      undefined,
      '7',
    ]);
  });
});

describe('default locations', () => {
  it('follow the environment given: XDG directories, else HOME (not the process’s own)', () => {
    expect(configDir(undefined, { HOME: '/home/zoe' })).toBe('/home/zoe/.config/platformctl');
    expect(defaultStorePath({ HOME: '/home/zoe' })).toBe('/home/zoe/.local/share/platformctl/platform.db');
    expect(configDir(undefined, { HOME: '/home/zoe', XDG_CONFIG_HOME: '/x/conf' })).toBe('/x/conf/platformctl');
    expect(defaultStorePath({ HOME: '/home/zoe', XDG_DATA_HOME: '/x/data' })).toBe('/x/data/platformctl/platform.db');
    expect(configDir(undefined, { HOME: '/home/zoe', PLATFORMCTL_CONFIG_DIR: '/c' })).toBe('/c');
    expect(configDir('/flag', { PLATFORMCTL_CONFIG_DIR: '/c' })).toBe('/flag');
  });
});
