// Range edges of scan(): the end of the V1 space, 2^32 crossings for V2, counts
// of 0, 1 and non-multiples of 4, and the 2^64 end.
import { describe, expect, it } from 'vitest';
import { BUILDS, belowBound, kernelOf, prng, refDigest } from '../support/kernels.ts';

const NEVER = { b0: 0, b1: 0, b2: 0 };
const ALWAYS = { b0: 0xffffffff, b1: 0xffffffff, b2: 0xffffffff };
const TOP32 = 2n ** 32n;
const TOP64 = 2n ** 64n;

/** A preimage for which `target` has the strictly smallest h0 among `nonces`, and its bound. */
function preimageWhereOnlyHits(target: bigint, nonces: bigint[], width: 4 | 8, seed: number) {
  const rnd = prng(seed);
  for (;;) {
    const preimage = rnd.bytes(64);
    const h0 = (n: bigint): number => refDigest(preimage, n, width).readUInt32BE(0);
    const mine = h0(target);
    if (mine < 0xffffffff && nonces.every((n) => n === target || h0(n) > mine)) {
      const bound = { b0: mine + 1, b1: 0, b2: 0 };
      expect(belowBound(refDigest(preimage, target, width), bound)).toBe(true);
      return { preimage, bound };
    }
  }
}

const range = (start: bigint, count: number): bigint[] => Array.from({ length: count }, (_, i) => start + BigInt(i));

describe.each(BUILDS)('%s kernel range edges', (build) => {
  const kernel = kernelOf(build);

  it('searches the last V1 nonce ffffffff and never wraps to 0', () => {
    const last = TOP32 - 1n;
    const { preimage, bound } = preimageWhereOnlyHits(last, [...range(last - 9n, 10), 0n, 1n, 2n], 4, 11);
    kernel.setJob(preimage, 4, bound);
    expect(kernel.scan(last - 9n, 10)).toEqual({ hit: last, scanned: 10 });
    expect(kernel.scan(last, 1)).toEqual({ hit: last, scanned: 1 });
    // A count past the end is clipped, not wrapped: 0, 1, 2 are never reached.
    expect(kernel.scan(last - 9n, 1000)).toEqual({ hit: last, scanned: 10 });
    kernel.setJob(preimage, 4, NEVER);
    expect(kernel.scan(last - 9n, 1000)).toEqual({ hit: null, scanned: 10 });
    expect(() => kernel.scan(TOP32, 1)).toThrow(RangeError);
  });

  it('finds a V2 hit just after a 2^32 boundary, with the upper word carried', () => {
    const hi = 0x12345678n;
    const target = ((hi + 1n) << 32n) + 2n;
    const nonces = range(target - 7n, 10);
    const { preimage, bound } = preimageWhereOnlyHits(target, nonces, 8, 12);
    kernel.setJob(preimage, 8, bound);
    expect(kernel.scan(target - 7n, 10)).toEqual({ hit: target, scanned: 8 });
    // and just before one
    const before = (hi << 32n) + 0xffffffffn;
    const b = preimageWhereOnlyHits(before, range(before - 3n, 8), 8, 13);
    kernel.setJob(b.preimage, 8, b.bound);
    expect(kernel.scan(before - 3n, 8)).toEqual({ hit: before, scanned: 4 });
  });

  it('crosses several 2^32 boundaries in one V2 scan', () => {
    const start = 5n * TOP32 - 3n;
    const target = 7n * TOP32 + 1n;
    kernel.setJob(new Uint8Array(64).fill(7), 8, NEVER);
    const count = Number(target - start + 1n);
    expect(kernel.scan(start, 6)).toEqual({ hit: null, scanned: 6 });
    // ALWAYS hits on any h0 < ffffffff: the first nonce after each crossing.
    kernel.setJob(new Uint8Array(64).fill(7), 8, ALWAYS);
    for (const s of [start, 6n * TOP32 - 1n, 6n * TOP32, target]) {
      const expectHit = refDigest(new Uint8Array(64).fill(7), s, 8).readUInt32BE(0) !== 0xffffffff;
      if (expectHit) expect(kernel.scan(s, count).hit).toBe(s);
    }
  });

  it('stops at the end of the V2 space', () => {
    kernel.setJob(new Uint8Array(64).fill(9), 8, NEVER);
    expect(kernel.scan(TOP64 - 5n, 100)).toEqual({ hit: null, scanned: 5 });
    const last = TOP64 - 1n;
    const { preimage, bound } = preimageWhereOnlyHits(last, range(last - 4n, 5), 8, 14);
    kernel.setJob(preimage, 8, bound);
    expect(kernel.scan(last - 4n, 100)).toEqual({ hit: last, scanned: 5 });
  });

  it('handles counts of 0, 1 and every remainder modulo 4', () => {
    const rnd = prng(99);
    const preimage = rnd.bytes(64);
    kernel.setJob(preimage, 4, NEVER);
    expect(kernel.scan(1000n, 0)).toEqual({ hit: null, scanned: 0 });
    expect(kernel.scan(1000n, 1)).toEqual({ hit: null, scanned: 1 });
    for (let count = 1; count <= 9; count++) {
      // The only hit sits just past the range: a kernel that hashes the padding lanes
      // of its last pass must not report it.
      const start = 5000n + BigInt(count * 16);
      const after = start + BigInt(count);
      const p = preimageWhereOnlyHits(after, range(start, count + 4), 4, 100 + count);
      kernel.setJob(p.preimage, 4, p.bound);
      expect(kernel.scan(start, count), `count ${count}`).toEqual({ hit: null, scanned: count });
      expect(kernel.scan(start, count + 1), `count ${count + 1}`).toEqual({ hit: after, scanned: count + 1 });
    }
  });
});
