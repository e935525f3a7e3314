// Every fixture vector through both kernel builds: digests byte for byte, the
// hit at exactly the vector's nonce, and a window ending at it (2^18 nonces on
// SIMD, 2^16 on the four-times-slower scalar build: no listed prefix hit lies
// within 2^20 below any vector's nonce, so a longer window tests nothing more;
// the sweeps from nonce 0 are in test/long).
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/core/bytes.ts';
import { kernelBound } from '../../src/core/kernel-bound.ts';
import { nonceFromHex } from '../../src/core/nonce.ts';
import { fixture, hex } from '../support/vectors.ts';
import { BUILDS, kernelOf, refDigest } from '../support/kernels.ts';

/** Nonces in the window ending at each vector's nonce, per build. */
const WINDOWS = { simd: 1 << 18, scalar: 1 << 16 } as const;
const MAX_T = 0x7fffffffffffffffn;
const MAX = kernelBound(MAX_T);
/** h0 == 0 with any value: the 4-zero-byte prefix alone. */
const PREFIX_ONLY = { b0: 1, b1: 0, b2: 0 };

describe.each(BUILDS)('%s kernel on the fixture vectors', (build) => {
  const kernel = kernelOf(build);
  const WINDOW = WINDOWS[build];

  for (const v of fixture.pow_vectors) {
    describe(v.id, () => {
      const preimage = hexToBytes(v.preimage_hex);
      const nonce = nonceFromHex(v.nonce_hex, v.nonce_width);

      it('digest at the nonce equals the fixture and node:crypto, in every lane', () => {
        expect(nonce).toBe(BigInt(v.nonce_int_le));
        kernel.setJob(preimage, v.nonce_width, MAX);
        // Put the vector's nonce in each lane in turn.
        for (let lane = 0; lane < kernel.lanes; lane++) {
          const first = nonce - BigInt(lane);
          const digests = kernel.digests(first);
          expect(hex(digests[lane])).toBe(v.digest_hex);
          digests.forEach((d, i) => expect(hex(d)).toBe(refDigest(preimage, first + BigInt(i), v.nonce_width).toString('hex')));
        }
      });

      it('hits at exactly its nonce for each target in the fixture checks', () => {
        for (const check of v.checks) {
          kernel.setJob(preimage, v.nonce_width, kernelBound(BigInt('0x' + check.target_hex) > MAX_T ? MAX_T : BigInt('0x' + check.target_hex)));
          const r = kernel.scan(nonce, 1);
          expect(r.hit, check.label).toBe(check.valid ? nonce : null);
          expect(r.scanned).toBe(1);
        }
      });

      it(`a window of ${WINDOW} nonces ending at it finds it, and nothing lower`, () => {
        const start = nonce + 1n > BigInt(WINDOW) ? nonce + 1n - BigInt(WINDOW) : 0n;
        const count = Number(nonce + 1n - start);
        // With the real predicate: the nonce if valid at the maximum target, else nothing.
        kernel.setJob(preimage, v.nonce_width, MAX);
        const real = kernel.scan(start, count);
        expect(real.hit).toBe(v.valid_at_max_target ? nonce : null);
        expect(real.scanned).toBe(count);
        // With the prefix alone: the fixture lists every 4-zero nonce below it; the lowest
        // inside the window must come back, whatever its value (9 vectors have values >= 2^63).
        const listed = (v.prefix_hits_in_0_to_nonce ?? v.prefix_hits_in_scanned_range ?? []).map((h) => BigInt(h.nonce_int_le));
        const expected = listed.filter((n) => n >= start && n <= nonce).sort((a, b) => (a < b ? -1 : 1))[0];
        kernel.setJob(preimage, v.nonce_width, PREFIX_ONLY);
        expect(kernel.scan(start, count).hit).toBe(expected ?? nonce);
      });
    });
  }

  for (const v of fixture.negative_vectors) {
    it(`negative vector ${v.id} misses and digests as the fixture says`, () => {
      const preimage = hexToBytes(v.preimage_hex);
      const nonce = nonceFromHex(v.nonce_hex, v.nonce_width);
      kernel.setJob(preimage, v.nonce_width, MAX);
      expect(hex(kernel.digests(nonce)[0])).toBe(v.digest_hex);
      expect(kernel.scan(nonce, 1).hit).toBeNull();
    });
  }

  it('compares the 96-bit prefix strictly and unsigned in every word (the comparison cases)', () => {
    // For a real digest with prefix (h0:h1:h2), a bound hits iff prefix < bound.
    const v = fixture.pow_vectors[0];
    const preimage = hexToBytes(v.preimage_hex);
    const nonce = nonceFromHex(v.nonce_hex, v.nonce_width);
    const d = refDigest(preimage, nonce, v.nonce_width);
    const prefix = (BigInt('0x' + d.subarray(0, 12).toString('hex')));
    const bounds = [prefix - 1n, prefix, prefix + 1n, prefix + (1n << 32n), prefix + (1n << 64n), 1n << 95n, (1n << 96n) - 1n, 0n, 1n << 63n];
    for (const b of bounds) {
      kernel.setJob(preimage, v.nonce_width, { b0: Number(b >> 64n), b1: Number((b >> 32n) & 0xffffffffn), b2: Number(b & 0xffffffffn) });
      expect(kernel.scan(nonce, 1).hit, `bound ${b.toString(16)}`).toBe(prefix < b ? nonce : null);
    }
  });
});
