/**
 * The Node search pool: piscina worker threads, one long task per thread, all
 * claiming chunks of the same range from a shared {@link ChunkBoard}. The answer
 * is the lowest hit of the range whatever the thread count, and it is
 * re-verified with node:crypto before it is returned.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ChunkBoard } from '../core/board.ts';
import { kernelBinaries } from '../core/binaries.ts';
import { Kernel, chooseBuild, type KernelBuild } from '../core/kernel.ts';
import { kernelBound, type KernelBound, type MineRequest } from '../core/protocol.ts';
import { checkThreads, nonceSpace, resolveRange } from '../core/range.ts';
import type { ThreadResult } from '../core/thread-loop.ts';
import { VerificationError, verifiedNonce } from './verify-hit.ts';
import { workerPath } from './worker-file.ts';
import type { SearchTask } from './worker.ts';

export { VerificationError, nonceSpace };

/** Nonces per claimed chunk: about 0.1 s of one thread, so a hit waits at most that long for lower chunks. */
export const DEFAULT_CHUNK = 1n << 18n;
/** Nonces per kernel call inside a chunk: progress, stop and abort act between calls. */
export const DEFAULT_BATCH = 1 << 15;

/** Options of {@link startSearch}. */
export interface SearchOptions {
  /** Worker threads (default: available parallelism). */
  threads?: number;
  /** First nonce of the range (default 0). */
  start?: bigint;
  /** Nonces in the range (default: up to the end of the request's nonce space). */
  count?: bigint;
  /** Nonces per claimed chunk. */
  chunkSize?: bigint;
  /** Nonces per kernel call. */
  batch?: number;
  /** Kernel build (default: SIMD where WebAssembly.validate accepts it). */
  build?: KernelBuild;
  /** Path or URL of the worker file (default: dist/node/worker.cjs beside this bundle). */
  workerFile?: string | URL;
  /** Override the 96-bit bound derived from the target (benchmarks use one nothing meets). */
  bound?: KernelBound;
  /**
   * Search the first chunk on the calling thread while the workers start, so a
   * hit near the start of the range is answered without waiting for them. It
   * yields between batches (signals and timers still run). The CLI turns it on;
   * a host whose main thread must never hash leaves it off.
   */
  headStart?: boolean;
}

/** How a search ended. */
export type SearchOutcome =
  | { kind: 'found'; nonce: bigint; attempts: number; elapsedS: number }
  | { kind: 'exhausted'; attempts: number; elapsedS: number }
  | { kind: 'stopped'; attempts: number; elapsedS: number };

/** A running search: live counters for progress, a stop, and the outcome. */
export interface RunningSearch {
  /** Threads working on it. */
  readonly threads: number;
  /** The kernel build the threads run. */
  readonly build: KernelBuild;
  /** First nonce and size of the searched range. */
  readonly start: bigint;
  readonly count: bigint;
  /** Nonces hashed so far by all threads. */
  attempts(): number;
  /** Seconds since the search started (monotonic clock). */
  elapsedS(): number;
  /** Every nonce below this one has been searched. */
  watermark(): bigint;
  /** Stop every thread at its next batch boundary; the outcome then resolves as `stopped`. */
  stop(): void;
  /** Resolves when every thread has returned and the pool is closed. */
  readonly outcome: Promise<SearchOutcome>;
}

/**
 * Start searching `request` over `[start, start + count)` on worker threads.
 * @throws RangeError for a range outside the nonce space or a bad thread count.
 */
export function startSearch(request: MineRequest, options: SearchOptions = {}): RunningSearch {
  const wanted = checkThreads(options.threads ?? availableParallelism());
  const { start, count } = resolveRange(request, options.start, options.count);
  const build = options.build ?? chooseBuild(kernelBinaries);
  const module = new WebAssembly.Module(kernelBinaries[build] as Uint8Array<ArrayBuffer>);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  // No thread without a chunk to claim: a short range starts fewer threads, and sooner.
  const chunks = (count + chunkSize - 1n) / chunkSize;
  const threads = chunks < BigInt(wanted) ? Number(chunks) : wanted;
  // With a head start, the calling thread has its own slot and takes chunk 0 before any worker exists.
  const board = ChunkBoard.create(threads + (options.headStart ? 1 : 0), chunkSize, count);
  const headChunk = options.headStart ? board.claim(threads) : null;
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;
  const attempts = (): number => Number(board.attempts);
  const bound = options.bound ?? kernelBound(request.effectiveTarget);
  const batch = options.batch ?? DEFAULT_BATCH;

  const pool = new Piscina({
    filename: workerPath(options.workerFile),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 1000,
  });
  const tasks: Promise<ThreadResult>[] = [];
  for (let slot = 0; slot < threads; slot++) {
    const task: SearchTask = {
      module, build, board: board.buffer, slot,
      preimage: request.preimage, nonceWidth: request.nonceWidth, bound, start, batch,
    };
    tasks.push(pool.run(task));
  }
  const head = headChunk === null
    ? undefined
    : searchChunkHere(Kernel.fromModule(build, module), request, bound, board, threads, headChunk, start, batch);

  /** Re-check a nonce with node:crypto and the core's predicate: independent of the kernel. */
  const verified = (nonce: bigint): bigint => verifiedNonce(request, nonce, build, options.bound);

  const outcome = (async (): Promise<SearchOutcome> => {
    try {
      const first = head ? await head : undefined;
      if (first?.hit != null && !board.stopped) {
        // Chunk 0 holds the lowest nonces of the range: its hit is the answer, whatever the workers do.
        board.stop();
        // Workers still starting are terminated by destroy(); their tasks' rejections mean nothing now.
        for (const task of tasks) task.catch(() => {});
        return { kind: 'found', nonce: verified(first.hit), attempts: attempts(), elapsedS: elapsedS() };
      }
      const results = await Promise.all(tasks);
      if (first) results.push(first);
      const spent = elapsedS();
      const total = results.reduce((sum, r) => sum + r.attempts, 0);
      // After a stop, lower chunks may be unfinished: no hit is known to be the lowest.
      if (board.stopped) return { kind: 'stopped', attempts: total, elapsedS: spent };
      const hits = results.map((r) => r.hit).filter((h): h is bigint => h !== null);
      if (hits.length > 0) {
        const nonce = hits.reduce((a, b) => (b < a ? b : a));
        return { kind: 'found', nonce: verified(nonce), attempts: total, elapsedS: spent };
      }
      return { kind: 'exhausted', attempts: total, elapsedS: spent };
    } finally {
      await pool.destroy();
    }
  })();

  return {
    threads, build, start, count,
    attempts, elapsedS,
    watermark: () => start + board.watermark,
    stop: () => board.stop(),
    outcome,
  };
}

/**
 * Search chunk `k` on this thread in batches, yielding to the event loop between
 * them, with the same board protocol as a worker thread (attempts, position, hit).
 */
async function searchChunkHere(
  kernel: Kernel, request: MineRequest, bound: KernelBound, board: ChunkBoard, slot: number, k: bigint, start: bigint, batch: number,
): Promise<ThreadResult> {
  kernel.setJob(request.preimage, request.nonceWidth, bound);
  const offset = k * board.chunkSize;
  const n = board.count - offset < board.chunkSize ? board.count - offset : board.chunkSize;
  let searched = 0n;
  while (searched < n) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!board.shouldContinue(k)) return { hit: null, attempts: Number(searched) };
    const len = n - searched < BigInt(batch) ? Number(n - searched) : batch;
    const r = kernel.scan(start + offset + searched, len);
    board.addAttempts(r.scanned);
    if (r.hit !== null) {
      board.reportHit(k);
      return { hit: r.hit, attempts: Number(searched) + r.scanned };
    }
    searched += BigInt(len);
    board.setPosition(slot, offset + searched);
  }
  board.setPosition(slot, null); // done: no longer holds the watermark back
  return { hit: null, attempts: Number(searched) };
}
