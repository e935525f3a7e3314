// `npm run test:long`: the full searches from nonce 0 that take minutes to
// billions of nonces, on all cores. Not part of `npm test`.
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/core/bytes.ts';
import { kernelBound } from '../../src/core/kernel-bound.ts';
import { nonceFromHex } from '../../src/core/nonce.ts';
import { fixture } from '../support/vectors.ts';
import { parallelLowestHit } from '../support/parallel-scan.ts';

const MAX = kernelBound(0x7fffffffffffffffn);

describe('searches from nonce 0 (SIMD kernel, all cores)', () => {
  // Vectors whose fixture says the nonce is the lowest valid one from 0.
  for (const v of fixture.pow_vectors.filter((p) => p.lowest_valid_nonce_from_0 !== null)) {
    it(`${v.id}: the lowest valid nonce from 0 is ${v.lowest_valid_nonce_from_0}`, async () => {
      const nonce = nonceFromHex(v.lowest_valid_nonce_from_0!, v.nonce_width);
      const hit = await parallelLowestHit(hexToBytes(v.preimage_hex), v.nonce_width, MAX, 0n, nonce + 1n);
      expect(hit).toBe(nonce);
    });
  }

  it('gen-w4-8403: a full V1 sweep of 2^32 nonces finds nothing valid', async () => {
    const v = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
    const hit = await parallelLowestHit(hexToBytes(v.preimage_hex), 4, MAX, 0n, 1n << 32n);
    expect(hit).toBeNull();
  });
});
