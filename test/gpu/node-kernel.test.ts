// The WGSL kernel in Node: Dawn in the GPU process (src/node/gpu-process.ts, the built
// dist/node/gpu-child.js) on whatever adapter it opens here (Mesa's llvmpipe on the CI image),
// against node:crypto: full digests (V1 up to ffffffff, V2 across a 2^32 boundary and at the top
// of the space), every fixture vector at its nonce for each target of its checks and as the
// lowest hit of a window ending at it (real bound, and the prefix alone), the lowest hit of
// seeded random ranges under a loose bound and under bounds tied in the first word, exhaustion,
// dispatches under a nonzero upper word, and a refused dispatch that leaves the process serving.
// Skipped with one notice where Node has no WebGPU adapter.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { MAX_TARGET } from '../../src/core/request.ts';
import { kernelBound, type KernelBound } from '../../src/core/kernel-bound.ts';
import { nonceFromHex, type NonceWidth } from '../../src/core/nonce.ts';
import type { GpuProcess } from '../../src/node/gpu-process.ts';
import { digestWords, openGpuOrSkip, refLowest, type GpuProbe } from '../support/gpu.ts';
import { prng, refDigest, refHits } from '../support/kernels.ts';
import { fixture, hex, unhex } from '../support/vectors.ts';

let probe: GpuProbe = { ok: false, reason: 'not opened', note: 'mesa: the GPU process was not opened' };

beforeAll(async () => {
  probe = await openGpuOrSkip('test/gpu/node-kernel.test.ts', { keep: true });
});

afterAll(async () => {
  if (!probe.ok) return;
  probe.start.kill();
  await probe.start.ended;
});

/** The open GPU process, or skip the test. */
function gpuOf(ctx: TestContext): GpuProcess {
  if (!probe.ok) ctx.skip(probe.note);
  return (probe as Extract<GpuProbe, { ok: true }>).gpu;
}

/** One dispatch's lowest hit of `[start, start + count)` for a job (set anew each call). */
async function scan(gpu: GpuProcess, preimage: Uint8Array, width: NonceWidth, bound: KernelBound, start: bigint, count: number) {
  gpu.setJob(preimage, width, bound);
  return gpu.submit(start, count);
}

/** Every hit of `[start, start + count)`, by submitting again just above each hit the kernel reports. */
async function allHits(gpu: GpuProcess, preimage: Uint8Array, width: NonceWidth, bound: KernelBound, start: bigint, count: number): Promise<bigint[]> {
  gpu.setJob(preimage, width, bound);
  const hits: bigint[] = [];
  const end = start + BigInt(count);
  for (let next = start; next < end;) {
    const r = await gpu.submit(next, Number(end - next));
    if (r.hit === null) {
      expect(r.scanned).toBe(Number(end - next));
      break;
    }
    expect(r.scanned).toBe(Number(r.hit - next) + 1);
    hits.push(r.hit);
    next = r.hit + 1n;
  }
  return hits;
}

/** The first nonce whose GPU digest differs from node:crypto's, as `nonce: gpu` vs `nonce: node`, or null. */
function firstMismatch(got: Uint8Array, preimage: Uint8Array, width: NonceWidth, start: bigint, count: number): [string, string] | null {
  for (let i = 0; i < count; i++) {
    const nonce = start + BigInt(i);
    const want = refDigest(preimage, nonce, width);
    const mine = got.subarray(i * 32, i * 32 + 32);
    if (!want.equals(mine)) return [`${nonce}: ${hex(mine)}`, `${nonce}: ${hex(want)}`];
  }
  return null;
}

describe('the WGSL kernel in the Node GPU process (Dawn), against node:crypto', () => {
  const DIGESTS = 4096;
  const digestCases = [
    [4, 0x1_0000_0000n - BigInt(DIGESTS), DIGESTS, 'V1, ending at ffffffff'],
    [8, (7n << 32n) - BigInt(DIGESTS / 2), DIGESTS, 'V2, across a 2^32 boundary'],
    [8, (0xffffffffn << 32n) | 0xffff_f800n, 2048, 'V2, the last 2048 nonces of the space (the request for 4096 is clipped there)'],
  ] as const;
  for (const [width, start, expected, what] of digestCases) {
    it(`computes the full sha256d of consecutive nonces exactly as node:crypto (${what})`, async (ctx) => {
      const gpu = gpuOf(ctx);
      const preimage = new Uint8Array(64).map((_, i) => (i * 37 + width + Number(start & 0xffn)) & 255);
      gpu.setJob(preimage, width, kernelBound(MAX_TARGET));
      const got = await gpu.digests(start, DIGESTS);
      expect(got.length).toBe(expected * 32);
      expect(firstMismatch(got, preimage, width, start, expected)).toBeNull();
    });
  }

  it('hits every fixture vector at its nonce for each target of its checks, and a 2^14 window ending at it finds it and nothing lower, with the real bound and with the prefix alone', async (ctx) => {
    const gpu = gpuOf(ctx);
    const WINDOW = 1n << 14n;
    expect(new Set(fixture.pow_vectors.map((v) => v.nonce_width))).toEqual(new Set([4, 8]));
    for (const v of fixture.pow_vectors) {
      const preimage = unhex(v.preimage_hex);
      const width = v.nonce_width;
      const nonce = nonceFromHex(v.nonce_hex, width);
      gpu.setJob(preimage, width, kernelBound(MAX_TARGET));
      expect(hex(await gpu.digests(nonce, 1)), v.id).toBe(v.digest_hex);
      for (const check of v.checks) {
        const target = BigInt(`0x${check.target_hex}`);
        const r = await scan(gpu, preimage, width, kernelBound(target > MAX_TARGET ? MAX_TARGET : target), nonce, 1);
        expect(r, `${v.id} ${check.label}`).toEqual(check.valid ? { hit: nonce, scanned: 1 } : { hit: null, scanned: 1 });
      }
      const start = nonce + 1n > WINDOW ? nonce + 1n - WINDOW : 0n;
      const count = Number(nonce + 1n - start);
      const real = await scan(gpu, preimage, width, kernelBound(MAX_TARGET), start, count);
      expect(real, v.id).toEqual(v.valid_at_max_target ? { hit: nonce, scanned: count } : { hit: null, scanned: count });
      // The prefix alone (four zero bytes): the lowest listed prefix nonce inside the window, else the vector's own.
      const listed = (v.prefix_hits_in_0_to_nonce ?? v.prefix_hits_in_scanned_range ?? []).map((h) => BigInt(h.nonce_int_le));
      const lowest = listed.filter((n) => n >= start && n <= nonce).sort((a, b) => (a < b ? -1 : 1))[0] ?? nonce;
      const prefix = await scan(gpu, preimage, width, { b0: 1, b1: 0, b2: 0 }, start, count);
      expect(prefix, `${v.id} prefix only`).toEqual({ hit: lowest, scanned: Number(lowest - start) + 1 });
    }
  });

  it('finds the lowest hit of seeded random ranges under a loose bound (about one nonce in 256), V1 and V2 under random upper words, as node:crypto', async (ctx) => {
    const gpu = gpuOf(ctx);
    const rand = prng(0x5eed_6b1);
    let hitsSeen = 0;
    for (let round = 0; round < 8; round++) {
      const width: NonceWidth = round % 2 === 0 ? 4 : 8;
      const preimage = rand.bytes(64);
      const bound = { b0: 0x00ff_ffff + rand.below(0x1_0000), b1: rand.u32(), b2: rand.u32() };
      const count = 1000 + rand.below(2000);
      // One dispatch stays under one upper word; a V2 range sits anywhere under a random nonzero one.
      const lo = BigInt(rand.below(0x1_0000_0000 - count));
      const start = width === 8 ? (BigInt(1 + rand.below(0xffff_fffe)) << 32n) | lo : lo;
      const want = refLowest(preimage, width, bound, start, count);
      const got = await scan(gpu, preimage, width, bound, start, count);
      expect(got, `round ${round}: ${count} nonces from ${start}`).toEqual({ hit: want, scanned: want === null ? count : Number(want - start) + 1 });
      if (want !== null) hitsSeen++;
    }
    expect(hitsSeen).toBeGreaterThanOrEqual(6); // the bound is loose enough that nearly every range has a hit
    // Every hit of a whole range, not just the lowest: rescanning just above each one.
    const preimage = rand.bytes(64);
    const bound = { b0: 0x0100_0000, b1: 0, b2: 0 };
    const start = (0x1234_5678n << 32n) | 0x9abc_0000n;
    const want = refHits(preimage, 8, bound, start, 8192);
    expect(want.length).toBeGreaterThan(10);
    expect(await allHits(gpu, preimage, 8, bound, start, 8192)).toEqual(want);
  });

  it('compares the second and third bound words when the first ties with a digest of the range, V1 and V2', async (ctx) => {
    const gpu = gpuOf(ctx);
    for (const width of [4, 8] as const) {
      const preimage = new Uint8Array(64).map((_, i) => (i * 11 + width) & 255);
      const start = width === 8 ? (3n << 32n) + 500n : 1_000_000n;
      const count = 1000;
      // The nonce with the smallest first word: with a bound equal to it in that word, only its second and
      // third words decide, and no other nonce of the range is below the bound.
      const words = Array.from({ length: count }, (_, i) => digestWords(preimage, start + BigInt(i), width));
      const k = words.reduce((best, w, i) => (w[0] < words[best][0] ? i : best), 0);
      const [d0, d1, d2] = words[k];
      const bounds: [KernelBound, boolean][] = [
        [{ b0: d0, b1: d1, b2: d2 }, false], // equal: not below
        [{ b0: d0, b1: d1, b2: d2 + 1 }, true], // one above in the third word
        [{ b0: d0, b1: d1 + 1, b2: 0 }, true], // one above in the second word, the third word lower
        [{ b0: d0, b1: d1 - 1, b2: 0xffffffff }, false], // one under in the second word, the third word higher
        [{ b0: d0, b1: d1, b2: d2 - 1 }, false], // one under in the third word
      ];
      let decided = 0;
      for (const [bound, below] of bounds) {
        if (![bound.b1, bound.b2].every((x) => x >= 0 && x <= 0xffffffff)) continue;
        const want = refLowest(preimage, width, bound, start, count);
        expect(want === start + BigInt(k), JSON.stringify(bound)).toBe(below);
        if (below) expect(want).toBe(start + BigInt(k));
        else expect(want).toBeNull();
        expect((await scan(gpu, preimage, width, bound, start, count)).hit, `width ${width}, bound ${JSON.stringify(bound)}`).toBe(want);
        decided++;
      }
      expect(decided).toBeGreaterThanOrEqual(3);
    }
  });

  it('exhausts a range with no hit: hit null and every nonce counted (an impossible bound, and the real one below a known hit)', async (ctx) => {
    const gpu = gpuOf(ctx);
    const none = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
    expect(await scan(gpu, unhex(none.preimage_hex), 4, kernelBound(1n), 0n, 1 << 18)).toEqual({ hit: null, scanned: 1 << 18 });
    // The mainnet mint's nonce is the lowest valid one from 0: the 2^16 nonces below it hold none.
    const mainnet = fixture.pow_vectors.find((p) => p.id.startsWith('pxd-mainnet'))!;
    const nonce = nonceFromHex(mainnet.nonce_hex, 4);
    const below = await scan(gpu, unhex(mainnet.preimage_hex), 4, kernelBound(MAX_TARGET), nonce - (1n << 16n), 1 << 16);
    expect(below).toEqual({ hit: null, scanned: 1 << 16 });
    expect(await gpu.submit(nonce - (1n << 16n), (1 << 16) + 1)).toEqual({ hit: nonce, scanned: (1 << 16) + 1 });
  });

  it('searches V2 dispatches under a nonzero upper word exactly: ending at a 2^32 boundary, starting at one, and at the top of the space', async (ctx) => {
    const gpu = gpuOf(ctx);
    const preimage = new Uint8Array(64).map((_, i) => (i * 101 + 7) & 255);
    const bound = { b0: 0x0100_0000, b1: 0, b2: 0 };
    const ranges: [bigint, number][] = [
      [(0xdead_beefn << 32n) | 0xffff_e000n, 8192], // its last nonce is deadbeef_ffffffff
      [0xdead_bef0n << 32n, 8192], // the next upper word, from its first nonce
      [(0xffff_ffffn << 32n) | 0xffff_f000n, 4096], // the last nonces of the V2 space
    ];
    for (const [start, count] of ranges) {
      const want = refHits(preimage, 8, bound, start, count);
      expect(want.length, `hits from ${start.toString(16)}`).toBeGreaterThan(5);
      expect(await allHits(gpu, preimage, 8, bound, start, count), `from ${start.toString(16)}`).toEqual(want);
    }
    // The same lower words under upper word 0, after them: the prepared upper word follows the dispatch.
    expect(await allHits(gpu, preimage, 8, bound, 0xffff_e000n, 8192)).toEqual(refHits(preimage, 8, bound, 0xffff_e000n, 8192));
  });

  it('refuses a dispatch across a 2^32 boundary (the upper word is fixed per dispatch) and goes on serving', async (ctx) => {
    const gpu = gpuOf(ctx);
    const preimage = new Uint8Array(64).fill(9);
    const bound = { b0: 0x0100_0000, b1: 0, b2: 0 };
    gpu.setJob(preimage, 8, bound);
    await expect(gpu.submit((5n << 32n) - 100n, 200)).rejects.toThrow(/one dispatch takes 1 to \d+ nonces under one upper word, got 200 from 21474836380/);
    const want = refLowest(preimage, 8, bound, 5n << 32n, 4096);
    expect(want).not.toBeNull();
    expect(await gpu.submit(5n << 32n, 4096)).toEqual({ hit: want, scanned: Number(want! - (5n << 32n)) + 1 });
  });
});
