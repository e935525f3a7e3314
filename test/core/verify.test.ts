import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_TARGET,
  digestMeetsTarget,
  kernelBound,
  nonceFromHex,
  parseRequest,
  powMessage,
  sha256,
  verifySolution,
  verifySolutionSync,
  type SolutionJob,
} from '../../src/core/index.ts';
import { fixture, hex, nodeSha256, unhex } from '../support/vectors.ts';

const backends = [
  ['node:crypto', nodeSha256],
  ['pure-TS sha256', sha256],
] as const;

function job(preimageHex: string, targetHex: string, width: 4 | 8): SolutionJob {
  return parseRequest(JSON.stringify({ preimage_hex: preimageHex, target_hex: targetHex, nonce_width: width }));
}

/** A 32-byte digest with the given first-4-bytes state and big-endian value in bytes 4..12. */
function syntheticDigest(prefixZero: boolean, value: bigint, fill = 0xa5): Uint8Array {
  const d = new Uint8Array(32).fill(fill);
  d.set(prefixZero ? [0, 0, 0, 0] : [0, 0, 0, 1], 0);
  for (let i = 0; i < 8; i++) d[11 - i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return d;
}

describe.each(backends)('pow vectors with %s', (_, hash) => {
  for (const v of fixture.pow_vectors) {
    it(`${v.id}: digest, prefix, value and every check`, async () => {
      const nonce = nonceFromHex(v.nonce_hex, v.nonce_width);
      expect(nonce).toBe(BigInt(v.nonce_int_le));
      const atMax = job(v.preimage_hex, '7fffffffffffffff', v.nonce_width);
      const sync = verifySolutionSync(atMax, nonce, hash);
      expect(hex(sync.digest)).toBe(v.digest_hex);
      expect(hex(sync.digest.subarray(0, 4)) === '00000000').toBe(v.prefix_zero);
      expect(hex(sync.digest.subarray(4, 12))).toBe(v.value_hex.padStart(16, '0'));
      expect(sync.valid).toBe(v.valid_at_max_target);
      expect(v.checks.length).toBeGreaterThan(0);
      for (const check of v.checks) {
        const j = job(v.preimage_hex, check.target_hex, v.nonce_width);
        expect(verifySolutionSync(j, nonce, hash).valid, check.label).toBe(check.valid);
        expect((await verifySolution(j, nonce, hash)).valid, check.label).toBe(check.valid);
        expect(digestMeetsTarget(sync.digest, BigInt('0x' + check.target_hex)), check.label).toBe(check.valid);
      }
    });

    it(`${v.id}: every listed 4-zero-byte hit`, () => {
      const hits = [...(v.prefix_hits_in_0_to_nonce ?? []), ...(v.prefix_hits_in_scanned_range ?? [])];
      expect(hits.length).toBeGreaterThan(0);
      const atMax = job(v.preimage_hex, '7fffffffffffffff', v.nonce_width);
      for (const h of hits) {
        const r = verifySolutionSync(atMax, BigInt(h.nonce_int_le), hash);
        expect(hex(r.digest.subarray(0, 12))).toBe('00000000' + h.value_hex.padStart(16, '0'));
        expect(r.valid).toBe(h.valid_at_max_target);
        // A signed compare would call these valid: the value is at or above 2^63.
        if (!h.valid_at_max_target) expect(BigInt('0x' + h.value_hex) >= 2n ** 63n).toBe(true);
      }
    });
  }

  it('verifies the mainnet mint c9fdcd34 (nonce 65e55b1c) at its contract target', async () => {
    const v = fixture.pow_vectors.find((x) => x.id === 'pxd-mainnet-mint-c9fdcd34')!;
    const r = await verifySolution(job(v.preimage_hex, '7fffffffffffffff', 4), nonceFromHex('65e55b1c', 4), hash);
    expect(r.valid).toBe(true);
  });

  for (const v of fixture.negative_vectors) {
    it(`negative ${v.id}: digest matches and is invalid at any target`, async () => {
      const nonce = nonceFromHex(v.nonce_hex, v.nonce_width);
      for (const t of ['7fffffffffffffff', 'f'.repeat(64), '1']) {
        const r = await verifySolution(job(v.preimage_hex, t, v.nonce_width), nonce, hash);
        expect(hex(r.digest)).toBe(v.digest_hex);
        expect(r.valid).toBe(false);
      }
    });
  }

  it('accepts an asynchronous host hash', async () => {
    const v = fixture.pow_vectors[0];
    const asyncHash = async (data: Uint8Array) => hash(data);
    const r = await verifySolution(job(v.preimage_hex, '7fffffffffffffff', 4), BigInt(v.nonce_int_le), asyncHash);
    expect(r.valid).toBe(true);
    expect(hex(r.digest)).toBe(v.digest_hex);
  });
});

describe('comparison cases (synthetic digests)', () => {
  it.each(fixture.comparison_cases.map((c) => [c.source, c] as const))('%s', (_, c) => {
    const target = BigInt(c.target_int_str);
    for (const fill of [0x00, 0xa5, 0xff]) {
      expect(digestMeetsTarget(syntheticDigest(c.digest_prefix_zero, BigInt('0x' + c.value_hex), fill), target)).toBe(c.valid);
    }
  });

  it('covers zero, negative and huge targets', () => {
    const targets = fixture.comparison_cases.map((c) => BigInt(c.target_int_str));
    expect(targets.some((t) => t === 0n)).toBe(true);
    expect(targets.some((t) => t < 0n)).toBe(true);
    expect(targets.some((t) => t > 2n ** 64n)).toBe(true);
  });
});

describe('digestMeetsTarget', () => {
  it('is strict and unsigned at the boundaries', () => {
    for (const t of [1n, 2n, 256n, 2n ** 32n, 2n ** 62n, MAX_TARGET]) {
      expect(digestMeetsTarget(syntheticDigest(true, t - 1n), t)).toBe(true);
      expect(digestMeetsTarget(syntheticDigest(true, t), t)).toBe(false);
    }
    expect(digestMeetsTarget(syntheticDigest(true, MAX_TARGET), 2n ** 64n)).toBe(false); // clamped
    expect(digestMeetsTarget(syntheticDigest(true, 2n ** 64n - 1n), 2n ** 64n)).toBe(false);
    expect(digestMeetsTarget(syntheticDigest(true, 2n ** 63n), 2n ** 200n)).toBe(false);
    expect(digestMeetsTarget(syntheticDigest(true, 0n), 0n)).toBe(false);
    expect(digestMeetsTarget(syntheticDigest(true, 0n), -5n)).toBe(false);
  });

  it('needs all four leading bytes to be zero', () => {
    for (let i = 0; i < 4; i++) {
      const d = syntheticDigest(true, 0n);
      d[i] = 1;
      expect(digestMeetsTarget(d, MAX_TARGET)).toBe(false);
      d[i] = 0x80;
      expect(digestMeetsTarget(d, MAX_TARGET)).toBe(false);
    }
  });

  it('equals "top 96 bits < min(target, 2^63-1)" on random digests', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.boolean(),
        fc.bigInt({ min: -(2n ** 10n), max: 2n ** 70n }),
        (d, zero, t) => {
          if (zero) d.fill(0, 0, 4);
          const top96 = BigInt('0x' + hex(d.subarray(0, 12)));
          const expected = t > 0n && top96 < (t < MAX_TARGET ? t : MAX_TARGET);
          expect(digestMeetsTarget(d, t)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with the kernel bound compared as (h0:h1:h2) < (b0:b1:b2)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 1n, max: MAX_TARGET }),
        fc.boolean(),
        (d, t, near) => {
          d.fill(0, 0, 4);
          if (near) d.set(syntheticDigest(true, t - 1n + BigInt(d[31] % 3)).subarray(4, 12), 4); // t-1, t, t+1
          const view = new DataView(d.buffer);
          const h = [view.getUint32(0), view.getUint32(4), view.getUint32(8)];
          const { b0, b1, b2 } = kernelBound(t);
          const below = h[0] !== b0 ? h[0] < b0 : h[1] !== b1 ? h[1] < b1 : h[2] < b2;
          expect(digestMeetsTarget(d, t)).toBe(below);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects digests that are not 32 bytes and targets that are not bigints', () => {
    expect(() => digestMeetsTarget(new Uint8Array(31), 1n)).toThrow(RangeError);
    expect(() => digestMeetsTarget('00' as unknown as Uint8Array, 1n)).toThrow(TypeError);
    expect(() => digestMeetsTarget(new Uint8Array(32), 1 as unknown as bigint)).toThrow(TypeError);
  });
});

describe('powMessage and nonce range', () => {
  const pre = unhex('ab'.repeat(64));

  it('is the preimage followed by the little-endian nonce', () => {
    expect(hex(powMessage(pre, 0x62017fd1n, 4))).toBe('ab'.repeat(64) + 'd17f0162');
    expect(hex(powMessage(pre, 2n ** 32n + 1n, 8))).toBe('ab'.repeat(64) + '0100000001000000');
  });

  it('rejects a nonce outside [0, 2^(8*width)) and a preimage that is not 64 bytes', async () => {
    const j4: SolutionJob = { preimage: pre, effectiveTarget: MAX_TARGET, nonceWidth: 4 };
    expect(() => verifySolutionSync(j4, 2n ** 32n, sha256)).toThrow(RangeError);
    expect(() => verifySolutionSync(j4, -1n, sha256)).toThrow(RangeError);
    await expect(verifySolution(j4, 2n ** 32n, sha256)).rejects.toThrow(RangeError);
    const j8: SolutionJob = { ...j4, nonceWidth: 8 };
    expect(verifySolutionSync(j8, 2n ** 32n, sha256).digest).toHaveLength(32);
    expect(() => verifySolutionSync(j8, 2n ** 64n, sha256)).toThrow(RangeError);
    expect(() => powMessage(pre.subarray(1), 0n, 4)).toThrow('preimage must be 64 bytes, got 63');
  });

  it('refuses a host hash that returns something other than 32 bytes', async () => {
    const j: SolutionJob = { preimage: pre, effectiveTarget: MAX_TARGET, nonceWidth: 4 };
    expect(() => verifySolutionSync(j, 0n, () => new Uint8Array(20))).toThrow('sha256 output must be 32 bytes, got 20');
    await expect(verifySolution(j, 0n, async () => new Uint8Array(64))).rejects.toThrow(RangeError);
  });
});
