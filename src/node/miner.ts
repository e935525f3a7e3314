/**
 * The long-lived Node miner for wallets and apps: one set of piscina worker
 * threads shared by every job it runs, a thread count that can change while a
 * job runs, and pause/resume that really stop and restart hashing.
 *
 * Work goes to the threads as pieces of chunks from a {@link PieceSchedule}
 * (one per job); the host hands out the next piece whenever a thread is free,
 * taking the jobs in turn. A thread asked to yield (pause, fewer threads) stops
 * at a batch boundary and its unfinished piece goes out again first, so the
 * answer stays the lowest hit of the range. Every hit is re-verified with
 * node:crypto before a job resolves. The miner never writes to the console.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { kernelBinaries } from '../core/binaries.ts';
import { abortError, type JobOptions, type MineProgress, type MineResponse } from '../core/job-api.ts';
import { JobBook, hitResponse, jobProgress, openJob, watchJob, type BookJob } from '../core/job-book.ts';
import type { KernelBuild } from '../core/kernel-build.ts';
import { chooseBuild } from '../core/kernel.ts';
import { JobFlags, PieceCells } from '../core/piece-run.ts';
import { formatExhausted, kernelBound, type KernelBound } from '../core/protocol.ts';
import { checkThreads } from '../core/range.ts';
import type { Piece } from '../core/schedule.ts';
import { verifiedNonce } from './verify-hit.ts';
import { workerPath } from './worker-file.ts';
import type { PieceTask, PieceTaskResult } from './worker.ts';

export { abortError, type JobOptions, type MineProgress, type MineResponse };

/** Nonces per chunk: about 0.1 s of one thread, the most a thread change or a lower chunk waits for. */
export const MINER_CHUNK = 1n << 18n;
/** Nonces per kernel call: pause, yield and abort act between calls (about 15 ms). */
export const MINER_BATCH = 1 << 15;
/** Options of {@link Miner}. */
export interface MinerOptions {
  /** Threads hashing at once, over all jobs (default: the available parallelism). */
  threads?: number;
  /** Kernel build (default: SIMD where `WebAssembly.validate` accepts it). */
  build?: KernelBuild;
  /** Path or file URL of the piscina worker (default: worker.cjs beside this bundle). */
  workerFile?: string | URL;
  /** Nonces per chunk (tests use small ones to make many chunks). */
  chunkSize?: bigint;
  /** Nonces per kernel call. */
  batch?: number;
}

interface Job extends BookJob<PieceCells> {
  readonly bound: KernelBound;
  readonly flags: JobFlags;
  finish(outcome: { ok: true; value: MineResponse } | { ok: false; reason: unknown }): void;
}

/**
 * A miner that runs protocol requests on worker threads shared by all its jobs.
 *
 * ```ts
 * const miner = new Miner({ threads: 2 });
 * const response = await miner.mine(request, { onProgress: (p) => show(p.rate) });
 * miner.setThreads(1); // the user came back: leave them a core
 * await miner.close();
 * ```
 */
export class Miner {
  /** The kernel build the threads run. */
  readonly build: KernelBuild;
  readonly #module: WebAssembly.Module;
  readonly #workerFile: string;
  readonly #chunkSize: bigint;
  readonly #batch: number;
  #threads: number;
  #paused = false;
  #closed = false;
  #pool: Piscina;
  #poolSize: number;
  /** Pools replaced by a larger one, closing once their tasks are done. */
  readonly #retiring = new Set<Promise<void>>();
  readonly #book = new JobBook<Job, PieceCells>();

  /** @throws RangeError for a bad thread count. */
  constructor(options: MinerOptions = {}) {
    this.#threads = checkThreads(options.threads ?? availableParallelism());
    this.build = options.build ?? chooseBuild(kernelBinaries);
    this.#module = new WebAssembly.Module(kernelBinaries[this.build] as Uint8Array<ArrayBuffer>);
    this.#workerFile = workerPath(options.workerFile);
    this.#chunkSize = options.chunkSize ?? MINER_CHUNK;
    this.#batch = options.batch ?? MINER_BATCH;
    if (!Number.isSafeInteger(this.#batch) || this.#batch < 1) throw new RangeError(`batch must be a positive integer, got ${this.#batch}`);
    if (this.#chunkSize < 1n) throw new RangeError(`chunkSize must be a positive bigint, got ${this.#chunkSize}`);
    // Sized for going back up to all cores without a new pool; threads start on demand and idle ones exit.
    this.#poolSize = Math.max(this.#threads, availableParallelism());
    this.#pool = this.#newPool(this.#poolSize);
  }

  #newPool(size: number): Piscina {
    const pool = new Piscina({ filename: this.#workerFile, minThreads: 0, maxThreads: size, concurrentTasksPerWorker: 1, idleTimeout: 2000 });
    // An error outside any task (a worker that cannot load its file) would leave its tasks waiting forever.
    pool.on('error', (err: unknown) => this.#poolFailed(pool, err));
    return pool;
  }

  /** Fail every job (their pieces may never come back) and start over with a fresh pool for later jobs. */
  #poolFailed(pool: Piscina, err: unknown): void {
    if (pool !== this.#pool || this.#closed) return;
    const reason = new Error(`a mining thread failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    this.#pool = this.#newPool(this.#poolSize);
    for (const job of [...this.#book.jobs]) {
      for (const piece of job.out.keys()) job.schedule.settle(piece, { hit: null, searched: 0n });
      job.out.clear();
      this.#fail(job, reason);
    }
    void pool.destroy().catch(() => {});
  }

  /** Threads allowed to hash at once. */
  get threads(): number {
    return this.#threads;
  }

  /** Threads hashing right now (0 while paused or idle). */
  get activeThreads(): number {
    return this.#book.piecesOut;
  }

  /** Whether {@link Miner.pause} is in effect. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Jobs not yet settled. */
  get jobs(): number {
    return this.#book.jobs.length;
  }

  /**
   * Change the thread count of the running jobs without restarting them: more
   * threads start at once, surplus ones hand their piece back within a batch.
   * @throws RangeError for a bad count; Error once closed.
   */
  setThreads(threads: number): void {
    this.#assertOpen();
    this.#threads = checkThreads(threads);
    if (threads > this.#poolSize) {
      const old = this.#pool;
      this.#pool = this.#newPool(threads);
      this.#poolSize = threads;
      const closing = old.close().catch(() => {});
      this.#retiring.add(closing);
      void closing.then(() => this.#retiring.delete(closing));
    }
    this.#yieldSurplus();
    this.#dispatch();
  }

  /** Stop hashing within a batch; jobs keep their place and wait for {@link Miner.resume}. */
  pause(): void {
    this.#assertOpen();
    this.#paused = true;
    this.#yieldSurplus();
  }

  /** Start hashing again where the jobs stopped. */
  resume(): void {
    this.#assertOpen();
    this.#paused = false;
    this.#dispatch();
  }

  /**
   * Mine one request (the protocol request as an object or JSON text) over the
   * shared threads. Resolves to `{nonce_hex, attempts, elapsed_s}`, re-verified
   * with node:crypto, or `{exhausted: true}`. Rejects with the core's
   * RequestError for a bad request, a RangeError for a bad range, the abort
   * reason when `signal` aborts, an AbortError when the miner is closed.
   */
  mine(request: object | string, options: JobOptions = {}): Promise<MineResponse> {
    return new Promise<MineResponse>((resolve, reject) => {
      if (this.#closed) throw abortError('the miner is closed');
      const opened = openJob(request, options, this.#chunkSize);
      const job: Job = {
        ...opened,
        bound: kernelBound(opened.request.effectiveTarget),
        flags: JobFlags.create(),
        out: new Map(),
        finish: (outcome) => {
          unwatch();
          this.#book.remove(job);
          if (outcome.ok) resolve(outcome.value);
          else reject(outcome.reason);
        },
      };
      this.#book.jobs.push(job);
      const unwatch = watchJob(options, (reason) => this.#fail(job, reason), () => jobProgress(job, (cells) => Number(cells.searched)));
      this.#dispatch();
    });
  }

  /**
   * Reject every running job with an AbortError, stop all threads and release
   * them. The miner cannot be used afterwards.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of [...this.#book.jobs]) this.#fail(job, abortError('the miner was closed'));
    await Promise.all([this.#pool.destroy(), ...this.#retiring]);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the miner is closed');
  }

  /** Ask pieces to hand back until no more than the allowed threads keep hashing (none while paused). */
  #yieldSurplus(): void {
    for (const cells of this.#book.surplus(this.#paused ? 0 : this.#threads, (c) => !c.yieldRequested)) cells.requestYield();
  }

  /** Hand out pieces while threads are free, taking the jobs in turn. */
  #dispatch(): void {
    while (!this.#paused && !this.#closed && this.#book.piecesOut < this.#threads) {
      const next = this.#book.nextPiece();
      if (next === null) return;
      this.#launch(next.job, next.piece);
    }
  }

  #launch(job: Job, piece: Piece): void {
    const cells = PieceCells.create();
    job.out.set(piece, cells);
    const task: PieceTask = {
      kind: 'piece', module: this.#module, build: this.build,
      preimage: job.request.preimage, nonceWidth: job.request.nonceWidth, bound: job.bound, batch: this.#batch,
      flags: job.flags.buffer, cells: cells.buffer, first: job.start + piece.from, count: piece.to - piece.from, chunk: piece.chunk,
    };
    (this.#pool.run(task) as Promise<PieceTaskResult>).then(
      (r) => this.#settle(job, piece, r.hit === null ? null : r.hit - job.start, r.searched),
      (err: unknown) => {
        // A worker that died or was destroyed: the piece is lost, so the job cannot give a trustworthy answer.
        this.#fail(job, err);
        this.#settle(job, piece, null, Number(cells.searched));
      },
    );
  }

  #settle(job: Job, piece: Piece, hit: bigint | null, searched: number): void {
    if (!job.out.delete(piece)) return; // already written off with a failed pool
    job.attempts += searched;
    if (job.schedule.settle(piece, { hit, searched: BigInt(searched) })) job.flags.lowerBest(piece.chunk);
    this.#finishIfDone(job);
    this.#dispatch();
  }

  /** End a job without an answer (abort, close, failure): its pieces stop within a batch. */
  #fail(job: Job, reason: unknown): void {
    if (job.failure || !this.#book.jobs.includes(job)) return;
    job.failure = { reason };
    job.schedule.stop();
    job.flags.stop();
    this.#finishIfDone(job);
  }

  #finishIfDone(job: Job): void {
    if (!job.schedule.finished || !this.#book.jobs.includes(job)) return;
    if (job.failure) return job.finish({ ok: false, reason: job.failure.reason });
    const offset = job.schedule.hit;
    if (offset === null) return job.finish({ ok: true, value: JSON.parse(formatExhausted()) });
    try {
      job.finish({ ok: true, value: hitResponse(job, verifiedNonce(job.request, job.start + offset, this.build)) });
    } catch (err) {
      job.finish({ ok: false, reason: err });
    }
  }
}
