import type * as ScryptKdfModule from 'scrypt-kdf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, register } from '../../src/domain/accounts.js';
import { changePassword } from '../../src/domain/password-change.js';
import { SCRYPT_PARAMS, kdfOf } from '../../src/domain/password.js';
import type { Services } from '../../src/domain/services.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { FAST_KDF } from '../helpers/kdf.js';

type ScryptKdf = typeof ScryptKdfModule;
async function paramsOf(store: Store, email: string) {
  const m = (await import('scrypt-kdf')) as ScryptKdf & { default?: ScryptKdf };
  const s = m.default ?? m;
  const row = await store.read((tx) =>
    tx.get<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = ?', [email]),
  );
  return s.viewParams(Buffer.from(row!.password_hash, 'base64'));
}

describe('the scrypt cost comes from the services', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-kdf-'));
    store = await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without kdf the services use production parameters', () => {
    expect(kdfOf({ store, now: () => new Date() })).toEqual({ logN: 17, r: 8, p: 1 });
    expect(SCRYPT_PARAMS).toEqual({ logN: 17, r: 8, p: 1 });
  });

  it('register, login (rehash) and password change hash with the injected parameters', async () => {
    const fast: Services = { store, now: () => new Date(), kdf: FAST_KDF };
    const { token } = await register(
      fast,
      {
        email: 'ann@example.com',
        firstName: 'Ann',
        lastName: 'Smith',
        password: 'correct horse battery',
      },
      'unit-test-register-01',
    );
    expect(await paramsOf(store, 'ann@example.com')).toEqual(FAST_KDF);
    // Services that ask for more than the stored hash has upgrade it at sign-in, to theirs.
    const stronger: Services = { ...fast, kdf: { ...FAST_KDF, logN: FAST_KDF.logN + 1 } };
    await login(stronger, 'ann@example.com', 'correct horse battery', 'unit-test-device-0001');
    expect(await paramsOf(store, 'ann@example.com')).toEqual(stronger.kdf);
    await changePassword(
      fast,
      { token },
      'correct horse battery',
      'another password',
      'another password',
      'unit-test-device-0001',
    );
    expect(await paramsOf(store, 'ann@example.com')).toEqual(FAST_KDF);
  });
});
