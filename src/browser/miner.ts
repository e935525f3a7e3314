/**
 * The long-lived browser miner for wallets and apps: the same API and
 * semantics as the Node library's `Miner` (src/node/miner.ts), over module Web
 * Workers shared by every job it runs.
 *
 * Work goes to the workers as pieces of chunks from a {@link PieceSchedule}
 * (one per job), one `piece` message each; the host hands out the next piece
 * whenever a worker is free, taking the jobs in turn. Nothing needs a
 * SharedArrayBuffer, so a page with or without cross-origin isolation, and an
 * Electron renderer, mine the same way. A worker searches its piece in batches
 * and reads its messages between them, so a `piece-halt` (pause, fewer
 * threads, a lower hit, an abort) acts within one batch; a yielded piece goes
 * out again first, so the answer stays the lowest hit of the range at any
 * thread count.
 *
 * Workers: more threads start more workers at once; with fewer threads the
 * surplus workers hand their piece back and are terminated as soon as they are
 * idle (a worker costs a JS heap and a kernel instance, and a lower count is
 * usually meant to last). A pause keeps every worker, idle, so resume is
 * instant. Idle workers are kept between jobs until {@link Miner.close}.
 *
 * Every hit is re-verified in a worker, with WebCrypto (or the core's pure-TS
 * SHA-256 where `crypto.subtle` is missing), before a job resolves: the main
 * thread never hashes. The miner never writes to the console.
 * @module
 */
import { kernelBinaries } from '../core/binaries.ts';
import { abortError, type JobOptions, type MineResponse } from '../core/job-api.ts';
import { JobBook, hitResponse, jobProgress, openJob, watchJob, type BookJob } from '../core/job-book.ts';
import type { KernelBuild } from '../core/kernel-build.ts';
import { chooseBuild } from '../core/kernel.ts';
import { kernelBound, nonceToHex, type MineRequest } from '../core/protocol.ts';
import { checkThreads } from '../core/range.ts';
import type { Piece } from '../core/schedule.ts';
import { SupportError, VerificationError, WorkerFailure } from './errors.ts';
import { compileKernel } from './kernel-module.ts';
import type { FromWorker, HaltReason, VerifiedMessage, WorkerJob } from './messages.ts';
import { MinerWorker } from './miner-worker.ts';

/** Nonces per chunk: about 0.1 s of one thread, the most a thread change or a lower chunk waits for. */
export const MINER_CHUNK = 1n << 18n;
/** Nonces per kernel call: halts and verifications are read between calls (about 15 ms). */
export const MINER_BATCH = 1 << 15;
/**
 * Milliseconds an aborted job's workers get to hand their pieces back before
 * they are terminated (the last resort), so an abort always rejects within 200 ms.
 */
export const STOP_GRACE_MS = 120;
/** Milliseconds a worker may take to load and instantiate its kernel. */
export const START_TIMEOUT_MS = 15_000;
/** Milliseconds a worker may take to answer a verification. */
export const VERIFY_TIMEOUT_MS = 10_000;

/** Options of {@link Miner}. */
export interface MinerOptions {
  /** Workers hashing at once, over all jobs (default: `navigator.hardwareConcurrency`). */
  threads?: number;
  /** The worker script (default: worker.js beside this bundle, `new URL('./worker.js', import.meta.url)`). */
  workerUrl?: URL | string;
  /** Kernel build (default: SIMD where `WebAssembly.validate` accepts it). */
  build?: KernelBuild;
  /** Nonces per chunk (tests use small ones to make many chunks). */
  chunkSize?: bigint;
  /** Nonces per kernel call. */
  batch?: number;
}

/** A piece out on a worker. */
interface Out {
  readonly job: Job;
  readonly piece: Piece;
  /** The id its messages carry. */
  readonly id: number;
  readonly worker: MinerWorker<Out>;
  /** Nonces searched, from the worker's last report. */
  searched: number;
  halted: HaltReason | null;
}

interface Job extends BookJob<Out> {
  readonly id: number;
  readonly work: WorkerJob;
  /** Its hit is being re-checked in a worker. */
  verifying: boolean;
  settled: boolean;
  grace?: ReturnType<typeof setTimeout>;
  finish(outcome: { ok: true; value: MineResponse } | { ok: false; reason: unknown }): void;
}

interface PendingVerify {
  readonly worker: MinerWorker<Out>;
  readonly timer: ReturnType<typeof setTimeout>;
  resolve(m: VerifiedMessage): void;
  reject(err: Error): void;
}

/**
 * A miner that runs protocol requests on module Web Workers shared by all its jobs.
 *
 * ```ts
 * const miner = new Miner({ threads: 2 });
 * const response = await miner.mine(request, { onProgress: (p) => show(p.rate) });
 * miner.setThreads(1); // the tab went to the background: leave the user a core
 * await miner.close();
 * ```
 */
export class Miner {
  /** The kernel build the workers run. */
  readonly build: KernelBuild;
  readonly #module: Promise<WebAssembly.Module>;
  #moduleError: unknown;
  readonly #url: URL | string;
  readonly #chunkSize: bigint;
  readonly #batch: number;
  #threads: number;
  #paused = false;
  #closed = false;
  #workers: MinerWorker<Out>[] = [];
  readonly #book = new JobBook<Job, Out>();
  readonly #verifies = new Map<number, PendingVerify>();
  #ids = 0;

  /**
   * @throws RangeError for a bad thread count, chunk size or batch; SupportError
   * where the browser has no WebAssembly or no Web Workers.
   */
  constructor(options: MinerOptions = {}) {
    this.#threads = checkThreads(options.threads ?? (globalThis.navigator?.hardwareConcurrency || 1));
    const chunkSize = options.chunkSize ?? MINER_CHUNK;
    if (typeof chunkSize !== 'bigint' || chunkSize < 1n) throw new RangeError(`chunkSize must be a positive bigint, got ${String(chunkSize)}`);
    const batch = options.batch ?? MINER_BATCH;
    if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
    if (typeof WebAssembly !== 'object') {
      throw new SupportError('no-wasm', 'this browser has no WebAssembly, which the miner needs (any browser from 2017 on has it)');
    }
    if (typeof Worker !== 'function') {
      throw new SupportError('no-workers', 'this browser cannot run Web Workers, which the miner needs to hash off the page\'s main thread');
    }
    this.#chunkSize = chunkSize;
    this.#batch = batch;
    this.#url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
    this.build = options.build ?? chooseBuild(kernelBinaries);
    // Compiled once, asynchronously (the main thread may not compile large modules synchronously); workers share it.
    this.#module = compileKernel(this.build);
    this.#module.catch((err: unknown) => {
      this.#moduleError = err;
      for (const job of [...this.#book.jobs]) this.#fail(job, err);
    });
  }

  /** Threads allowed to hash at once. */
  get threads(): number {
    return this.#threads;
  }

  /** Threads hashing right now (0 while paused or idle). */
  get activeThreads(): number {
    let n = 0;
    for (const w of this.#workers) if (w.task !== null) n++;
    return n;
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
   * workers start at once; surplus ones hand their piece back within a batch
   * and are terminated once idle.
   * @throws RangeError for a bad count; Error once closed.
   */
  setThreads(threads: number): void {
    this.#assertOpen();
    this.#threads = checkThreads(threads);
    this.#yieldSurplus();
    this.#trim();
    this.#dispatch();
  }

  /** Stop hashing within a batch; jobs keep their place and wait for {@link Miner.resume}. Workers stay, idle. */
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
   * shared workers. Resolves to `{nonce_hex, attempts, elapsed_s}`, re-verified
   * in a worker with WebCrypto (or the core's pure-TS SHA-256), or
   * `{exhausted: true}`. Rejects with the core's RequestError for a bad request,
   * a RangeError for a bad range, the abort reason when `signal` aborts (within
   * 200 ms), an AbortError when the miner is closed, a SupportError when the
   * browser cannot run the kernel or its workers, a WorkerFailure when a worker
   * dies mid-job, and a VerificationError if a hit is not confirmed.
   */
  mine(request: object | string, options: JobOptions = {}): Promise<MineResponse> {
    return new Promise<MineResponse>((resolve, reject) => {
      if (this.#closed) throw abortError('the miner is closed');
      const opened = openJob(request, options, this.#chunkSize);
      if (this.#moduleError !== undefined) throw this.#moduleError;
      const { preimage, nonceWidth, effectiveTarget } = opened.request;
      const job: Job = {
        ...opened,
        id: ++this.#ids,
        work: { preimage, nonceWidth, bound: kernelBound(effectiveTarget) },
        out: new Map(),
        verifying: false,
        settled: false,
        finish: (outcome) => {
          if (job.settled) return;
          job.settled = true;
          clearTimeout(job.grace);
          unwatch();
          this.#book.remove(job);
          if (outcome.ok) resolve(outcome.value);
          else reject(outcome.reason);
        },
      };
      this.#book.jobs.push(job);
      const unwatch = watchJob(options, (reason) => this.#fail(job, reason), () => jobProgress(job, (out) => out.searched));
      this.#dispatch();
    });
  }

  /**
   * Reject every running job with an AbortError and terminate every worker at
   * once. The miner cannot be used afterwards.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of [...this.#book.jobs]) {
      job.failure ??= { reason: abortError('the miner was closed') };
      job.finish({ ok: false, reason: job.failure.reason });
    }
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    for (const v of this.#verifies.values()) clearTimeout(v.timer);
    this.#verifies.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the miner is closed');
  }

  // ---- workers ----

  #spawn(): MinerWorker<Out> {
    const w: MinerWorker<Out> = new MinerWorker<Out>(
      {
        url: this.#url, name: `dmint-miner-${++this.#ids}`, build: this.build,
        module: this.#module, bytes: kernelBinaries[this.build], startTimeoutMs: START_TIMEOUT_MS,
      },
      {
        onReady: () => this.#dispatch(),
        onMessage: (m) => this.#receive(w, m),
        onFailure: (err) => this.#lost(w, err),
      },
    );
    this.#workers.push(w);
    return w;
  }

  /** Terminate idle workers beyond the thread count (those starting first: they cost the least to drop). */
  #trim(): void {
    const idle = this.#workers.filter((w) => w.task === null && w.verifying === 0).sort((a, b) => Number(a.ready) - Number(b.ready));
    for (const w of idle) {
      if (this.#workers.length <= this.#threads) return;
      this.#drop(w);
    }
  }

  /** Terminate a worker and forget it; its unanswered verifications fail. */
  #drop(w: MinerWorker<Out>): void {
    w.terminate();
    this.#workers = this.#workers.filter((x) => x !== w);
    for (const [id, v] of this.#verifies) {
      if (v.worker !== w) continue;
      this.#verifies.delete(id);
      clearTimeout(v.timer);
      v.reject(new WorkerFailure('the worker verifying a hit was lost'));
    }
  }

  /** A worker failed (it is terminated already). */
  #lost(w: MinerWorker<Out>, err: Error): void {
    if (this.#closed) return;
    this.#drop(w);
    const out = w.task;
    if (out !== null) {
      // Its piece is lost, so its job cannot give a trustworthy answer.
      this.#fail(out.job, err);
      this.#release(out, out.searched, null);
    } else if (!w.ready) {
      // A worker that cannot start means none will: end the jobs now rather than retry forever.
      for (const job of [...this.#book.jobs]) this.#fail(job, err);
    }
    this.#dispatch();
  }

  #receive(w: MinerWorker<Out>, m: FromWorker): void {
    const out = w.task;
    switch (m.type) {
      case 'piece-progress':
        if (out?.id === m.piece) out.searched = m.searched;
        return;
      case 'piece-done':
        if (out?.id !== m.piece) return;
        this.#release(out, m.searched, m.hit);
        this.#trim();
        this.#dispatch();
        return;
      case 'verified': {
        const v = this.#verifies.get(m.id);
        if (!v) return;
        this.#verifies.delete(m.id);
        clearTimeout(v.timer);
        w.verifying--;
        v.resolve(m);
        this.#trim();
        return;
      }
      default:
        return;
    }
  }

  // ---- scheduling ----

  /** Ask pieces to hand back until no more than the allowed threads keep hashing (none while paused). */
  #yieldSurplus(): void {
    for (const out of this.#book.surplus(this.#paused ? 0 : this.#threads, (o) => o.halted === null)) this.#halt(out, 'yield');
  }

  /** Hand out pieces while threads are free, taking the jobs in turn; start workers up to the thread count. */
  #dispatch(): void {
    if (this.#paused || this.#closed) return;
    if (this.#book.jobs.some((job) => !job.failure && !job.schedule.finished)) {
      while (this.#workers.length < this.#threads) this.#spawn();
    }
    let active = this.activeThreads;
    for (const w of this.#workers) {
      if (active >= this.#threads) return;
      if (!w.ready || w.task !== null) continue;
      const next = this.#book.nextPiece();
      if (next === null) return;
      this.#launch(w, next.job, next.piece);
      active++;
    }
  }

  #launch(w: MinerWorker<Out>, job: Job, piece: Piece): void {
    const out: Out = { job, piece, id: ++this.#ids, worker: w, searched: 0, halted: null };
    w.task = out;
    job.out.set(piece, out);
    w.post({
      type: 'piece', piece: out.id, jobId: job.id, job: job.work,
      first: job.start + piece.from, count: piece.to - piece.from, batch: this.#batch,
    });
  }

  #halt(out: Out, reason: HaltReason): void {
    if (out.halted !== null) return;
    out.halted = reason;
    out.worker.post({ type: 'piece-halt', piece: out.id, reason });
  }

  /** A piece came back (or was lost with its worker): settle it and see whether its job is done. */
  #release(out: Out, searched: number, hit: bigint | null): void {
    const { job, piece, worker } = out;
    if (worker.task === out) worker.task = null;
    job.out.delete(piece);
    job.attempts += searched;
    let lowered = false;
    try {
      lowered = job.schedule.settle(piece, { hit: hit === null ? null : hit - job.start, searched: BigInt(searched) });
    } catch (err) {
      // A report outside the piece: the worker cannot be trusted, and neither can the job's answer.
      this.#fail(job, new WorkerFailure(`a mining worker reported an impossible result: ${(err as Error).message}`));
      job.schedule.settle(piece, { hit: null, searched: 0n });
    }
    if (lowered) {
      const best = job.schedule.bestChunk!;
      for (const other of job.out.values()) if (other.piece.chunk > best) this.#halt(other, 'lower');
    }
    this.#finishIfDone(job);
  }

  // ---- ending jobs ----

  /** End a job without an answer (abort, failure): its pieces halt within a batch, or their workers are terminated. */
  #fail(job: Job, reason: unknown): void {
    if (job.failure || job.settled) return;
    job.failure = { reason };
    job.schedule.stop();
    for (const out of job.out.values()) this.#halt(out, 'stop');
    this.#finishIfDone(job);
    if (!job.settled) job.grace = setTimeout(() => this.#forceStop(job), STOP_GRACE_MS);
  }

  /** The last resort for an aborted job: terminate the workers still holding its pieces (new ones start on demand). */
  #forceStop(job: Job): void {
    for (const out of [...job.out.values()]) {
      this.#drop(out.worker);
      this.#release(out, out.searched, null);
    }
    this.#dispatch();
  }

  #finishIfDone(job: Job): void {
    if (job.settled || !job.schedule.finished) return;
    if (job.failure) return job.finish({ ok: false, reason: job.failure.reason });
    if (job.verifying) return;
    const offset = job.schedule.hit;
    if (offset === null) return job.finish({ ok: true, value: { exhausted: true } });
    job.verifying = true;
    void this.#conclude(job, job.start + offset);
  }

  /** Re-check the hit in a worker, then resolve the job with the protocol response. */
  async #conclude(job: Job, nonce: bigint): Promise<void> {
    const { request } = job;
    try {
      const v = await this.#verify(request, nonce);
      if (!v.valid) {
        throw new VerificationError(
          `internal error: the ${this.build} kernel reported nonce ${nonceToHex(nonce, request.nonceWidth)} but ${v.sha256} SHA-256 does not confirm it; nothing is returned`,
        );
      }
      job.finish({ ok: true, value: hitResponse(job, nonce) });
    } catch (err) {
      job.finish({ ok: false, reason: err });
    }
  }

  /** Post a `verify` to a ready worker (an idle one if any: it answers at once; a busy one answers between batches). */
  #verify(request: MineRequest, nonce: bigint): Promise<VerifiedMessage> {
    return new Promise((resolve, reject) => {
      if (this.#closed) throw abortError('the miner was closed');
      const ready = this.#workers.filter((x) => x.ready);
      const w = ready.find((x) => x.task === null) ?? ready[0];
      // Unreachable in practice (the worker that settled the hit is still there); never hash on this thread instead.
      if (w === undefined) throw new WorkerFailure('no worker is left to verify the hit');
      const id = ++this.#ids;
      const timer = setTimeout(() => {
        this.#verifies.delete(id);
        w.verifying--;
        reject(new WorkerFailure(`the worker did not answer the verification within ${VERIFY_TIMEOUT_MS / 1000} s`));
      }, VERIFY_TIMEOUT_MS);
      this.#verifies.set(id, { worker: w, timer, resolve, reject });
      w.verifying++;
      w.post({ type: 'verify', id, preimage: request.preimage, nonceWidth: request.nonceWidth, effectiveTarget: request.effectiveTarget, nonce });
    });
  }
}
