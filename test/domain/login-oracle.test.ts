import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { login, register } from '../../src/domain/accounts.js';
import { DUMMY_HASH, SCRYPT_PARAMS, dummyHash } from '../../src/domain/password.js';
import { SOURCE_LIMIT } from '../../src/domain/throttle.js';
import type { Services } from '../../src/domain/services.js';
import { openStore } from '../../src/store/open.js';
import { FAST_KDF } from '../helpers/kdf.js';

/**
 * Signing in with an unknown e-mail must cost what a wrong password for a real account
 * costs. The work is counted, not timed: every scrypt hash and verification goes through
 * this spy on scrypt-kdf, and each attempt must verify exactly once with the same
 * parameters and make no hash, on both paths.
 */
type Scrypt = {
  kdf: (...a: unknown[]) => Promise<Uint8Array>;
  verify: (key: Uint8Array, pw: unknown) => Promise<boolean>;
  viewParams: (key: Uint8Array) => { logN: number; r: number; p: number };
  pickParams: (...a: unknown[]) => unknown;
};
const work = vi.hoisted(() => ({ kdf: 0, verify: [] as string[] }));
vi.mock('scrypt-kdf', async (importOriginal) => {
  const real = (await importOriginal<{ default: Scrypt }>()).default;
  const spy: Scrypt = {
    kdf: (...a) => {
      work.kdf++;
      return real.kdf(...a);
    },
    verify: (key, pw) => {
      const p = real.viewParams(key);
      work.verify.push(`${p.logN}/${p.r}/${p.p}`);
      return real.verify(key, pw);
    },
    viewParams: (key) => real.viewParams(key),
    pickParams: (...a) => real.pickParams(...a),
  };
  return { default: spy };
});

describe('login costs the same for an unknown e-mail and a wrong password', () => {
  let dir: string;
  let svc: Services;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-oracle-'));
    svc = {
      store: await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' }),
      now: () => new Date(),
      kdf: FAST_KDF,
    };
    await register(
      svc,
      {
        email: 'ann@example.com',
        firstName: 'Ann',
        lastName: 'Smith',
        password: 'correct horse battery',
      },
      'unit-test-register-01',
    );
    // Tests' cheap parameters have no precomputed placeholder: made once here, before counting.
    await dummyHash(FAST_KDF);
  });
  afterAll(async () => {
    await svc.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    work.kdf = 0;
    work.verify = [];
  });

  const costOf = async (email: string, source: string) => {
    work.kdf = 0;
    work.verify = [];
    const code = await login(svc, email, 'a wrong guess', source).then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );
    return { code, kdf: work.kdf, verify: [...work.verify] };
  };

  it('one verification with the same parameters and no hash, throttled or not', async () => {
    const fast = `${FAST_KDF.logN}/${FAST_KDF.r}/${FAST_KDF.p}`;
    for (let i = 0; i < SOURCE_LIMIT + 2; i++) {
      const known = await costOf('ann@example.com', 'oracle-device-0001');
      const unknown = await costOf('nobody@example.com', 'oracle-device-0001');
      expect(unknown).toEqual(known);
      expect(known).toMatchObject({ kdf: 0, verify: [fast] });
      expect(known.code).toBe(i < SOURCE_LIMIT - 1 ? 'BAD_CREDENTIALS' : 'THROTTLED');
    }
    // An address that is not one at all costs the same too.
    expect(await costOf('not an address', 'oracle-device-0002')).toMatchObject({ kdf: 0, verify: [fast] });
  });

  it("production's placeholder is a constant made with production's parameters: no hash is made for it", async () => {
    expect(await dummyHash()).toBe(DUMMY_HASH);
    expect(await dummyHash(SCRYPT_PARAMS)).toBe(DUMMY_HASH);
    expect(work.kdf).toBe(0);
    const { default: s } = (await import('scrypt-kdf')) as unknown as { default: Scrypt };
    expect(s.viewParams(Buffer.from(DUMMY_HASH, 'base64'))).toEqual(SCRYPT_PARAMS);
  });

  it('in a fresh process, an unknown e-mail at production cost is one verification and no hash', async () => {
    // As each CLI run is: nothing cached from earlier attempts.
    vi.resetModules();
    const fresh = await import('../../src/domain/accounts.js');
    const production: Services = { store: svc.store, now: () => new Date() };
    await expect(fresh.login(production, 'nobody@example.com', 'guess', 'oracle-device-0003')).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
    });
    expect(work).toEqual({ kdf: 0, verify: ['17/8/1'] });
  });
});
