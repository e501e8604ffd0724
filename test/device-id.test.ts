import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEVICE_ID_FILE, deviceId } from '../src/device-id.js';
import { checkSource } from '../src/domain/throttle.js';

describe('deviceId', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-device-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once per config directory, private (0600 in a 0700 directory), and kept', () => {
    const cfg = join(dir, 'cfg');
    const id = deviceId(cfg);
    expect(checkSource(id)).toBe(id);
    const file = join(cfg, DEVICE_ID_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(cfg).mode & 0o777).toBe(0o700);
    // The file holds a secret; the store is told only its SHA-256 (what deviceId returns).
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).not.toBe(id);
    expect(createHash('sha256').update(secret).digest('base64url')).toBe(id);
    expect(deviceId(cfg)).toBe(id);
    expect(deviceId(join(dir, 'other'))).not.toBe(id);
  });

  it('a file that is not one of ours is left alone: this run gets an id of its own', () => {
    writeFileSync(join(dir, DEVICE_ID_FILE), 'not\nan id\u001b[2J');
    const a = deviceId(dir);
    const b = deviceId(dir);
    expect(a).not.toBe(b);
    expect(readFileSync(join(dir, DEVICE_ID_FILE), 'utf8')).toBe('not\nan id\u001b[2J');
    for (const id of [a, b]) expect(checkSource(id)).toBe(id);
  });

  it('never waits on a FIFO, and copes with a directory it cannot write', () => {
    execFileSync('mkfifo', [join(dir, DEVICE_ID_FILE)]);
    expect(checkSource(deviceId(dir))).toBeTruthy();
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o500 });
    try {
      const id = deviceId(ro);
      expect(checkSource(id)).toBe(id);
    } finally {
      chmodSync(ro, 0o700);
    }
  });
});
