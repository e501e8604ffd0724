import type { KdfParams } from '../../src/domain/services.js';

/**
 * scrypt parameters for unit tests about behaviour, not cost: a hash takes microseconds
 * instead of production's half second. The e2e suite keeps production's (SCRYPT_PARAMS).
 */
export const FAST_KDF: KdfParams = { logN: 4, r: 1, p: 1 };
