// The engine with many hits per range: real kernels under a loose bound,
// threads simulated on this one (each runner its own kernel, yielding a random
// while between batches, so pieces interleave and end out of order), checked
// against node:crypto's list of every hit. The answer must be the lowest hit of
// the range at any thread count, chunk size, head start or thread change.
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine.ts';
import type { Executor, PieceEnd, PieceOrder, PieceRunner, RunningPiece } from '../../src/core/executor.ts';
import type { HitCheck, MineProgress, MineResponse } from '../../src/core/job-api.ts';
import type { Kernel } from '../../src/core/kernel.ts';
import { runPieceAsync } from '../../src/core/piece-run.ts';
import { nonceToHex, type NonceWidth } from '../../src/core/nonce.ts';
import { type KernelBound } from '../../src/core/kernel-bound.ts';
import { parseRequest, type MineRequest } from '../../src/core/request.ts';
import { toResponse } from '../../src/core/response.ts';
import { belowBound, kernelOf, prng, refDigest, refHits } from '../support/kernels.ts';

// h0 < 2^20: about one nonce in 4096 hits, so a range holds several, over many chunks.
const LOOSE: KernelBound = { b0: 1 << 20, b1: 0, b2: 0 };
const NEVER: KernelBound = { b0: 0, b1: 0, b2: 0 };
type Rnd = ReturnType<typeof prng>;

/** Pieces on simulated threads: the kernel runs under `bound` whatever the request's target. */
class LooseRunner implements PieceRunner {
  readonly #idle: Kernel[] = [];
  constructor(readonly bound: KernelBound, readonly rnd: Rnd) {}

  run(order: PieceOrder, end: PieceEnd): RunningPiece {
    const kernel = this.#idle.pop() ?? kernelOf('simd');
    kernel.setJob(order.preimage, order.nonceWidth, this.bound);
    let halted = false;
    let searched = 0;
    void runPieceAsync(kernel, order.first, order.count, order.batch, order.duty, async (n) => {
      searched = n;
      if (this.rnd.below(4) === 0) await sleep(this.rnd.below(3));
      else await tick();
      return !halted;
    }).then((report) => {
      this.#idle.push(kernel);
      end.done(report);
    }, end.lost);
    return { searched: () => searched, halt: () => (halted = true) };
  }

  async close(): Promise<void> {}
}

class LooseExecutor extends LooseRunner implements Executor {
  room(wanted: number, busy: number): number {
    return wanted - busy;
  }

  verify(request: MineRequest, nonce: bigint): Promise<HitCheck> {
    const digest = refDigest(request.preimage, nonce, request.nonceWidth);
    return Promise.resolve({ nonce, valid: belowBound(digest, this.bound), digestHex: digest.toString('hex'), sha256: 'node:crypto' });
  }
}

interface Shape {
  threads: number;
  chunkSize: bigint;
  batch: number;
  seed?: number;
  headStart?: boolean;
  bound?: KernelBound;
}

class LooseEngine extends Engine {
  constructor({ threads, chunkSize, batch, seed = 1, headStart = false, bound = LOOSE }: Shape) {
    const rnd = prng(seed);
    super('simd', { threads, chunkSize, batch }, () => new LooseExecutor(bound, rnd), headStart ? new LooseRunner(bound, rnd) : undefined);
  }
}

const requestOf = (preimage: Uint8Array, width: NonceWidth) => ({ preimage_hex: Buffer.from(preimage).toString('hex'), target_hex: '1', nonce_width: width });
const hitOf = (nonce: bigint, width: NonceWidth) => ({ nonce_hex: nonceToHex(nonce, width) });

/** Mine with a fresh engine; resolve with the response and the last progress report. */
async function mine(shape: Shape, preimage: Uint8Array, width: NonceWidth, start: bigint, count: bigint): Promise<{ r: MineResponse; last: MineProgress }> {
  const engine = new LooseEngine(shape);
  let last: MineProgress | undefined;
  const r = await engine.mine(requestOf(preimage, width), { start, count, onProgress: (p) => (last = p) });
  await engine.close();
  return { r, last: last! };
}

const SHAPES: Shape[] = [
  { threads: 1, chunkSize: 4096n, batch: 256 },
  { threads: 2, chunkSize: 1024n, batch: 100 },
  { threads: 3, chunkSize: 777n, batch: 64 },
  { threads: 4, chunkSize: 4096n, batch: 1000 },
];

describe('Engine (real kernels, simulated threads, many hits per range)', () => {
  it('answers the lowest hit of the range, verified, at any thread count and chunk size', async () => {
    const rnd = prng(4242);
    for (let trial = 0; trial < 3; trial++) {
      const preimage = rnd.bytes(64);
      const start = BigInt(rnd.below(2 ** 31));
      const want = refHits(preimage, 4, LOOSE, start, 40_000);
      expect(want.length).toBeGreaterThan(2);
      for (const [i, shape] of SHAPES.entries()) {
        const { r, last } = await mine({ ...shape, seed: trial * 10 + i }, preimage, 4, start, 40_000n);
        expect(r, `threads ${shape.threads}, chunk ${shape.chunkSize}`).toMatchObject(hitOf(want[0], 4));
        // Everything below the hit was searched, and the final report says no more than that.
        expect((r as { attempts: number }).attempts).toBeGreaterThanOrEqual(Number(want[0] - start) + 1);
        expect(last.watermark).toBeLessThanOrEqual(want[0]);
      }
    }
  });

  it('with a head start outside the thread count, the answer is still the lowest hit, in chunk 0 or above it', async () => {
    const rnd = prng(31337);
    for (let trial = 0; trial < 3; trial++) {
      const preimage = rnd.bytes(64);
      const start = BigInt(rnd.below(2 ** 31));
      const want = refHits(preimage, 4, LOOSE, start, 30_000);
      // Chunks smaller than the first gap put the lowest hit in chunk 0 or, with an offset start, above it.
      for (const [from, chunkSize] of [[start, 2048n], [want[0] - 10n, 4n], [want[0] + 1n, 1000n]] as const) {
        const expected = want.find((n) => n >= from)!;
        const { r } = await mine({ threads: 2, chunkSize, batch: 64, headStart: true, seed: trial }, preimage, 4, from, 20_000n);
        expect(r, `from ${from}, chunk ${chunkSize}`).toMatchObject(hitOf(expected, 4));
      }
    }
  });

  it('finds the lowest hit of a V2 range across a 2^32 boundary, and exhausts a gap between hits counting each nonce once', async () => {
    const preimage = prng(7).bytes(64);
    const boundary = 5n << 32n;
    const want = refHits(preimage, 8, LOOSE, boundary - 3000n, 12_000);
    expect(want.some((n) => n < boundary) && want.some((n) => n >= boundary)).toBe(true);
    for (const shape of SHAPES) {
      const { r } = await mine(shape, preimage, 8, boundary - 1n, 9000n);
      expect(r).toMatchObject(hitOf(want.find((n) => n >= boundary - 1n)!, 8));
    }
    const gap = want.findIndex((n, i) => i > 0 && n - want[i - 1] > 10n);
    const [from, count] = [want[gap - 1] + 1n, want[gap] - want[gap - 1] - 1n];
    const { r, last } = await mine({ threads: 2, chunkSize: 3n, batch: 2 }, preimage, 8, from, count);
    expect(r).toEqual({ exhausted: true });
    expect([last.attempts, last.watermark]).toEqual([Number(count), from + count]);
  });

  it('counts every nonce of an exhausted range exactly once, up to the end of the V1 space', async () => {
    const preimage = prng(9).bytes(64);
    const { r, last } = await mine({ threads: 3, chunkSize: 1000n, batch: 128, bound: NEVER }, preimage, 4, 0xffff0000n, 0x10000n);
    expect(r).toEqual({ exhausted: true });
    expect([last.attempts, last.watermark]).toEqual([0x10000, 1n << 32n]);
  });

  it('keeps the lowest hit through random thread, throttle and pause changes while pieces are out', async () => {
    const rnd = prng(2718);
    for (let trial = 0; trial < 4; trial++) {
      const preimage = rnd.bytes(64);
      const start = BigInt(rnd.below(2 ** 31));
      const want = refHits(preimage, 4, LOOSE, start, 30_000);
      const engine = new LooseEngine({ threads: 2, chunkSize: 512n, batch: 32, seed: trial });
      const job = engine.mine(requestOf(preimage, 4), { start, count: 30_000n });
      let settled = false;
      void job.finally(() => (settled = true)).catch(() => {});
      for (let step = 0; step < 30 && !settled; step++) {
        const op = rnd.below(4);
        if (op === 0) engine.setThreads(1 + rnd.below(4));
        else if (op === 1) engine.pause();
        else if (op === 2) engine.setThrottle(1 + rnd.below(100));
        else engine.resume();
        await sleep(rnd.below(3));
      }
      engine.resume();
      expect(await job, `trial ${trial}`).toMatchObject(hitOf(want[0], 4));
      await engine.close();
    }
  });

  it('counts every nonce of a range exactly once through random throttle changes (each hands the pieces back)', async () => {
    const rnd = prng(1618);
    const preimage = rnd.bytes(64);
    const engine = new LooseEngine({ threads: 3, chunkSize: 700n, batch: 50, bound: NEVER, seed: 5 });
    let last: MineProgress | undefined;
    const job = engine.mine(requestOf(preimage, 4), { start: 1000n, count: 60_000n, onProgress: (p) => (last = p) });
    let settled = false;
    void job.finally(() => (settled = true)).catch(() => {});
    for (let step = 0; step < 40 && !settled; step++) {
      engine.setThrottle(1 + rnd.below(100));
      await sleep(rnd.below(3));
    }
    expect(await job).toEqual({ exhausted: true });
    expect([last!.attempts, last!.watermark]).toEqual([60_000, 61_000n]);
    expect(engine.throttle).toBeGreaterThanOrEqual(1);
    await engine.close();
  });

  it('search() keeps the nonce a bigint with its check; mine() answers the same as its response object', async () => {
    const rnd = prng(2718);
    for (let trial = 0; trial < 3; trial++) {
      const preimage = rnd.bytes(64);
      const width: NonceWidth = trial === 2 ? 8 : 4;
      const start = BigInt(rnd.below(2 ** 31));
      const want = refHits(preimage, width, LOOSE, start, 30_000);
      const request = parseRequest(requestOf(preimage, width));
      const engine = new LooseEngine({ threads: 2, chunkSize: 1000n, batch: 64, seed: trial });
      const outcome = await engine.search(request, { start, count: 30_000n });
      expect(outcome.found && outcome.nonce).toBe(want[0]);
      if (!outcome.found) return;
      expect(outcome.check).toMatchObject({ nonce: want[0], valid: true, sha256: 'node:crypto' });
      expect(outcome.check.digestHex).toBe(refDigest(preimage, want[0], width).toString('hex'));
      expect(outcome.attempts).toBeGreaterThanOrEqual(Number(want[0] - start) + 1);
      const response = await engine.mine(requestOf(preimage, width), { start, count: 30_000n });
      expect(response).toMatchObject(hitOf(want[0], width));
      expect(toResponse(outcome, width)).toMatchObject(hitOf(want[0], width));
      await engine.close();
    }
  });

  it('search() refuses the protocol JSON (a request not read by parseRequest) with a TypeError naming mine()', async () => {
    const engine = new LooseEngine({ threads: 1, chunkSize: 1000n, batch: 64 });
    const json = requestOf(prng(3).bytes(64), 4);
    await expect(engine.search(json as unknown as MineRequest)).rejects.toThrow(/search takes a request read by parseRequest; mine takes the protocol's JSON/);
    await expect(engine.search(JSON.stringify(json) as unknown as MineRequest)).rejects.toBeInstanceOf(TypeError);
    await engine.close();
  });

  it('marks exactly one progress report final: the last, made as the job settles (here by an abort after two periodic ones)', async () => {
    const preimage = prng(11).bytes(64);
    const engine = new LooseEngine({ threads: 2, chunkSize: 2000n, batch: 256, bound: NEVER });
    const reports: MineProgress[] = [];
    const controller = new AbortController();
    const job = engine.search(parseRequest(requestOf(preimage, 4)), {
      start: 0n, count: 1n << 31n, signal: controller.signal,
      onProgress: (p) => {
        reports.push(p);
        if (reports.length === 2) controller.abort();
      },
    });
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    await engine.close();
    expect(reports.map((p) => p.final)).toEqual([false, false, true]);
    expect(reports[2]!.attempts).toBeGreaterThanOrEqual(reports[1]!.attempts);
  });
});
