// The Node pool in-process, with loose bounds so that ranges hold many hits:
// the answer is the lowest hit of the range at any thread count and chunk size.
import { describe, expect, it } from 'vitest';
import type { MineRequest } from '../../src/core/protocol.ts';
import { VerificationError, startSearch } from '../../src/node/pool.ts';
import { WORKER } from '../support/cli.ts';
import { prng, refHits } from '../support/kernels.ts';

function request(preimage: Uint8Array, nonceWidth: 4 | 8): MineRequest {
  return { preimage, preimageHex: Buffer.from(preimage).toString('hex'), target: 1n, effectiveTarget: 1n, nonceWidth, protocol: 1 };
}

// h0 < 2^20: about one nonce in 4096 hits, so a range holds several, over many chunks.
const LOOSE = { b0: 1 << 20, b1: 0, b2: 0 };
const SHAPES = [[1, 4096n], [2, 1024n], [3, 777n], [4, 4096n]] as const;

describe('startSearch (piscina pool, shared chunk board)', () => {
  it('returns the lowest hit, verified, whatever the thread count and chunk size', async () => {
    const rnd = prng(4242);
    for (let trial = 0; trial < 3; trial++) {
      const preimage = rnd.bytes(64);
      const start = BigInt(rnd.below(2 ** 31));
      const count = 40_000n;
      const want = refHits(preimage, 4, LOOSE, start, Number(count));
      expect(want.length).toBeGreaterThan(2);
      for (const [threads, chunkSize] of SHAPES) {
        const outcome = await startSearch(request(preimage, 4), { threads, chunkSize, batch: 256, bound: LOOSE, start, count, workerFile: WORKER }).outcome;
        expect(outcome, `threads ${threads}, chunk ${chunkSize}`).toMatchObject({ kind: 'found', nonce: want[0] });
      }
    }
  });

  it('with a head start on the calling thread, the answer is still the lowest hit, in chunk 0 or above it', async () => {
    const rnd = prng(31337);
    for (let trial = 0; trial < 3; trial++) {
      const preimage = rnd.bytes(64);
      const start = BigInt(rnd.below(2 ** 31));
      const want = refHits(preimage, 4, LOOSE, start, 30_000);
      // Chunks smaller than the first gap put the lowest hit in chunk 0 or, with an offset start, above it.
      for (const [from, chunkSize] of [[start, 2048n], [want[0] - 10n, 4n], [want[0] + 1n, 1000n]] as const) {
        const expected = want.find((n) => n >= from);
        const outcome = await startSearch(request(preimage, 4), { threads: 2, chunkSize, batch: 64, bound: LOOSE, start: from, count: 20_000n, headStart: true, workerFile: WORKER }).outcome;
        expect(outcome, `from ${from} chunk ${chunkSize}`).toMatchObject({ kind: 'found', nonce: expected });
      }
    }
  });

  it('finds the lowest hit of a V2 range across a 2^32 boundary, and exhausts a range with none', async () => {
    const preimage = prng(7).bytes(64);
    const start = (5n << 32n) - 3000n;
    const want = refHits(preimage, 8, LOOSE, start, 12_000);
    const after = want.find((n) => n >= 5n << 32n)!;
    expect(after).toBeDefined();
    for (const [threads, chunkSize] of SHAPES) {
      const fromBoundary = await startSearch(request(preimage, 8), { threads, chunkSize, batch: 300, bound: LOOSE, start: (5n << 32n) - 1n, count: 9000n, workerFile: WORKER }).outcome;
      expect(fromBoundary).toMatchObject({ kind: 'found', nonce: want.find((n) => n >= (5n << 32n) - 1n) });
    }
    const gap = want.findIndex((n, i) => i > 0 && n - want[i - 1] > 10n);
    const none = await startSearch(request(preimage, 8), { threads: 2, chunkSize: 3n, batch: 2, bound: LOOSE, start: want[gap - 1] + 1n, count: want[gap] - want[gap - 1] - 1n, workerFile: WORKER }).outcome;
    expect(none).toMatchObject({ kind: 'exhausted', attempts: Number(want[gap] - want[gap - 1] - 1n) });
    expect(after).toBeGreaterThan(0n);
  });

  it('counts every nonce of an exhausted range exactly once in attempts, and stop() ends it early', async () => {
    const preimage = prng(9).bytes(64);
    const never = { b0: 0, b1: 0, b2: 0 };
    const outcome = await startSearch(request(preimage, 4), { threads: 3, chunkSize: 1000n, batch: 128, bound: never, start: 0xffff0000n, count: 0x10000n, workerFile: WORKER }).outcome;
    expect(outcome).toMatchObject({ kind: 'exhausted', attempts: 0x10000 });
    const search = startSearch(request(preimage, 4), { threads: 2, bound: never, workerFile: WORKER });
    await new Promise((r) => setTimeout(r, 300));
    const t = performance.now();
    search.stop();
    const stopped = await search.outcome;
    expect(stopped.kind).toBe('stopped');
    expect(performance.now() - t).toBeLessThan(200);
    expect(search.watermark()).toBeLessThanOrEqual(BigInt(stopped.attempts));
  });
});

describe('re-verification', () => {
  it('a nonce the kernel side reports but node:crypto does not confirm is an internal error, never an answer', async () => {
    const lying = new URL('../support/lying-worker.cjs', import.meta.url);
    const search = startSearch(request(prng(1).bytes(64), 4), { threads: 1, workerFile: lying, count: 1000n });
    await expect(search.outcome).rejects.toThrow(VerificationError);
    await expect(search.outcome).rejects.toThrow(/does not confirm it; nothing was printed/);
  });
});
