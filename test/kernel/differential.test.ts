// Differential tests of both kernel builds against node:crypto: random digests
// byte for byte, and with loose bounds the exact set of hits over random ranges.
import { describe, expect, it } from 'vitest';
import type { NonceWidth } from '../../src/core/nonce.ts';
import { BUILDS, kernelHits, kernelOf, prng, refDigest, refHits } from '../support/kernels.ts';

const WIDTHS: NonceWidth[] = [4, 8];
const PAIRS = 100_000;
const NEVER = { b0: 0, b1: 0, b2: 0 };

describe.each(BUILDS)('%s kernel vs node:crypto', (build) => {
  describe.each(WIDTHS)('width %i', (width) => {
    it(`${PAIRS} random (preimage, nonce) digests are equal byte for byte`, () => {
      const kernel = kernelOf(build);
      const rnd = prng(0x5eed0000 + width * 17 + (build === 'simd' ? 1 : 2));
      const perPreimage = 50 * kernel.lanes;
      let compared = 0;
      let mismatches = 0;
      while (compared < PAIRS) {
        const preimage = rnd.bytes(64);
        kernel.setJob(preimage, width, NEVER);
        for (let j = 0; j < perPreimage / kernel.lanes; j++) {
          const hi = width === 8 ? BigInt(rnd.u32()) << 32n : 0n;
          const first = hi | BigInt(rnd.u32());
          const digests = kernel.digests(first);
          digests.forEach((got, lane) => {
            const nonce = (first & ~0xffffffffn) | ((first + BigInt(lane)) & 0xffffffffn);
            const want = refDigest(preimage, nonce, width);
            if (!want.equals(got)) mismatches++;
          });
          compared += digests.length;
        }
      }
      expect(mismatches).toBe(0);
      expect(compared).toBeGreaterThanOrEqual(PAIRS);
    });

    it('reports exactly the hits node:crypto finds over random ranges (loose bounds)', () => {
      const kernel = kernelOf(build);
      const rnd = prng(0xb0b0 + width + (build === 'simd' ? 100 : 200));
      let totalHits = 0;
      for (let trial = 0; trial < 40; trial++) {
        const preimage = rnd.bytes(64);
        // h0 < 2^24: about one nonce in 256 hits; some trials also bound h1 and h2.
        const bound = trial % 4 === 3
          ? { b0: 0x01000000, b1: rnd.u32(), b2: rnd.u32() }
          : { b0: 0x01000000, b1: 0, b2: 0 };
        const count = 1 + rnd.below(3000); // often not a multiple of 4
        let start: bigint;
        if (width === 8 && trial % 2 === 0) {
          // Cross a 2^32 boundary somewhere inside the range.
          start = ((BigInt(rnd.u32()) + 1n) << 32n) - BigInt(1 + rnd.below(count));
        } else if (width === 4 && trial % 5 === 0) {
          start = 2n ** 32n - BigInt(count); // ends exactly at ffffffff
        } else {
          start = width === 8 ? (BigInt(rnd.u32()) << 32n) | BigInt(rnd.u32()) : BigInt(rnd.below(2 ** 32 - count));
        }
        kernel.setJob(preimage, width, bound);
        const want = refHits(preimage, width, bound, start, count);
        expect(kernelHits(kernel, start, count), `trial ${trial} start ${start} count ${count}`).toEqual(want);
        totalHits += want.length;
      }
      expect(totalHits).toBeGreaterThan(100); // the bounds really were loose enough to test something
    });
  });
});
