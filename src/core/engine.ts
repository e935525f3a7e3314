/**
 * The search engine under every host: the Node `Miner` (and the CLI on it),
 * the browser `Miner` (and the mining page on it). It keeps the open jobs and
 * their piece schedules, hands pieces to threads through an {@link Executor}
 * (the one part each host writes), follows their progress, and hands every
 * hit to the executor's independent verifier before a job resolves.
 *
 * The rules (docs/design.md explains why each holds):
 * - a job's range is cut into chunks, handed out in order as pieces; a piece
 *   a thread hands back (pause, fewer threads) goes out again before any
 *   fresh chunk, and nothing above a hit's chunk goes out any more;
 * - a job answers once nothing below its lowest hit's chunk is out or waiting,
 *   so the answer is the lowest valid nonce of the range at any thread count;
 * - at most `threads` pieces hash at once over all jobs, taken in turn.
 * @module
 */
import { VerificationError } from './errors.ts';
import type { Executor, ExecutorEvents, PieceOrder, PieceReport, PieceRunner, RunningPiece } from './executor.ts';
import { abortError, type JobOptions, type MineResponse, type SearchOutcome } from './job-api.ts';
import { JobBook, jobProgress, openJob, type BookJob } from './job-book.ts';
import type { KernelBuild } from './kernel-build.ts';
import { kernelBound, type KernelBound } from './kernel-bound.ts';
import { nonceToHex } from './nonce.ts';
import { checkThreads, checkThrottle } from './range.ts';
import { isParsedRequest, parseRequest, type MineRequest } from './request.ts';
import { toResponse } from './response.ts';
import type { Piece } from './schedule.ts';
import { BATCH_SIZE, CHUNK_SIZE, PROGRESS_INTERVAL_MS } from './tuning.ts';

/** Options every host's `Miner` takes. */
export interface EngineOptions {
  /** Threads hashing at once, over all jobs. */
  threads: number;
  /** Nonces per chunk (tests use small ones to make many chunks). */
  chunkSize?: bigint;
  /** Nonces per kernel call. */
  batch?: number;
  /** Percent of each thread's time spent hashing, 1 to 100 (default 100: no rest). */
  throttle?: number;
}

interface Out {
  readonly job: Job;
  readonly piece: Piece;
  readonly counted: boolean;
  run: RunningPiece | undefined;
  halted: boolean;
  searched(): number;
}

interface Job extends BookJob<Out> {
  readonly id: number;
  readonly options: JobOptions;
  readonly bound: KernelBound;
  verifying: boolean;
  settled: boolean;
  end(outcome: { ok: true; value: SearchOutcome } | { ok: false; reason: unknown }): void;
}

/**
 * A miner over one executor: the public API both hosts' `Miner`s share.
 * Hosts subclass it with their executor; it never writes to the console.
 */
export class Engine {
  /** The kernel build the threads run. */
  readonly build: KernelBuild;
  readonly #executor: Executor;
  readonly #head: PieceRunner | undefined;
  readonly #chunkSize: bigint;
  readonly #batch: number;
  readonly #book = new JobBook<Job, Out>();
  /** Every piece out, jobs settled or not (a settled job's pieces still hold their threads until they stop). */
  readonly #out = new Set<Out>();
  #threads: number;
  #throttle: number;
  #paused = false;
  #closed = false;
  #ids = 0;

  /**
   * For hosts only: the executor types stay out of the shipped declarations.
   * @internal
   * @param build - the kernel build the executor's threads run.
   * @param executor - made with the engine's events.
   * @param head - an executor that searches each job's first piece outside the thread count (the CLI's head start).
   * @throws RangeError for a bad thread count, throttle, chunk size or batch.
   */
  protected constructor(build: KernelBuild, options: EngineOptions, executor: (events: ExecutorEvents) => Executor, head?: PieceRunner) {
    this.#threads = checkThreads(options.threads);
    this.#throttle = checkThrottle(options.throttle ?? 100);
    const chunkSize = options.chunkSize ?? CHUNK_SIZE;
    if (typeof chunkSize !== 'bigint' || chunkSize < 1n) throw new RangeError(`chunkSize must be a positive bigint, got ${String(chunkSize)}`);
    const batch = options.batch ?? BATCH_SIZE;
    if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
    this.build = build;
    this.#chunkSize = chunkSize;
    this.#batch = batch;
    this.#head = head;
    this.#executor = executor({
      capacity: () => this.#dispatch(),
      broken: (err) => {
        for (const job of [...this.#book.jobs]) this.#fail(job, err);
      },
    });
  }

  /** Threads allowed to hash at once. */
  get threads(): number {
    return this.#threads;
  }

  /** Threads hashing right now (0 while paused or idle). */
  get activeThreads(): number {
    let n = 0;
    for (const out of this.#out) if (out.counted) n++;
    return n;
  }

  /** Percent of each thread's time spent hashing (100: full speed). */
  get throttle(): number {
    return this.#throttle;
  }

  /**
   * Change the throttle of the running jobs without restarting them: each
   * piece out hands its rest back within a batch (or a rest) and goes out
   * again at the new duty; the answer is the same lowest hit.
   * @throws RangeError unless 1 to 100; Error once closed.
   */
  setThrottle(percent: number): void {
    this.#assertOpen();
    const throttle = checkThrottle(percent);
    if (throttle === this.#throttle) return;
    this.#throttle = throttle;
    for (const out of this.#out) this.#halt(out);
  }

  /** Whether {@link Engine.pause} is in effect. */
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
    this.#yieldSurplus();
    this.#dispatch();
  }

  /** Stop hashing within a batch; jobs keep their place and wait for {@link Engine.resume}. */
  pause(): void {
    this.#assertOpen();
    this.#paused = true;
    this.#yieldSurplus();
    for (const out of this.#out) if (!out.counted) this.#halt(out);
  }

  /** Start hashing again where the jobs stopped. */
  resume(): void {
    this.#assertOpen();
    this.#paused = false;
    this.#dispatch();
  }

  /**
   * Mine one protocol request (an object or JSON text, as pyrxd sends it).
   * Resolves to `{nonce_hex, attempts, elapsed_s}` for the lowest valid nonce
   * of the range, re-verified independently of the kernel, or
   * `{exhausted: true}`. Rejects as {@link Engine.search} does, and with the
   * core's RequestError for a bad request.
   */
  mine(request: object | string, options: JobOptions = {}): Promise<MineResponse> {
    return new Promise<MineRequest>((resolve) => {
      if (this.#closed) throw abortError('the miner is closed');
      resolve(parseRequest(request));
    }).then((parsed) => this.search(parsed, options).then((outcome) => toResponse(outcome, parsed.nonceWidth)));
  }

  /**
   * Search a parsed request (from `parseRequest`) over its range. Resolves to
   * the lowest valid nonce of the range as a bigint, with the independent
   * check that confirmed it, or `{found: false}` once the range is exhausted.
   * Rejects with a NonceRangeError for a bad range, the abort reason when
   * `signal` aborts, an AbortError when the miner is closed, and a
   * VerificationError if a hit is not confirmed.
   */
  search(request: MineRequest, options: JobOptions = {}): Promise<SearchOutcome> {
    return new Promise<SearchOutcome>((resolve, reject) => {
      if (this.#closed) throw abortError('the miner is closed');
      if (!isParsedRequest(request)) throw new TypeError('search takes a request read by parseRequest; mine takes the protocol\'s JSON');
      const opened = openJob(request, options, this.#chunkSize);
      const { signal, onProgress } = options;
      const abort = (): void => this.#fail(job, signal!.reason);
      const timer = onProgress ? setInterval(() => onProgress(jobProgress(job, false)), PROGRESS_INTERVAL_MS) : undefined;
      const job: Job = {
        ...opened,
        id: ++this.#ids,
        options,
        bound: kernelBound(request.effectiveTarget),
        out: new Map(),
        verifying: false,
        settled: false,
        end: (outcome) => {
          clearInterval(timer);
          signal?.removeEventListener('abort', abort);
          if (outcome.ok) resolve(outcome.value);
          else reject(outcome.reason);
        },
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.#book.jobs.push(job);
      const first = this.#head ? job.schedule.take() : null;
      if (first !== null) this.#launch(job, first, this.#head!, false);
      this.#dispatch();
    });
  }

  /**
   * Reject every running job with an AbortError and release every thread. The
   * miner cannot be used afterwards.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of [...this.#book.jobs]) this.#fail(job, abortError('the miner was closed'));
    this.#out.clear();
    await Promise.all([this.#executor.close(), this.#head?.close()]);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the miner is closed');
  }

  /** Ask pieces to hand back until no more than the allowed threads keep hashing (none while paused). */
  #yieldSurplus(): void {
    for (const out of this.#book.surplus(this.#paused ? 0 : this.#threads)) this.#halt(out);
  }

  /** Hand out pieces while threads are free, taking the jobs in turn. */
  #dispatch(): void {
    if (this.#closed) return;
    const busy = this.activeThreads;
    const idle = this.#paused || this.#book.jobs.every((job) => job.verifying || job.schedule.finished);
    let room = Math.min(this.#threads - busy, this.#executor.room(this.#threads, busy, idle));
    for (; room > 0 && !this.#paused; room--) {
      const next = this.#book.nextPiece(this.#pieceChunks());
      if (next === null) return;
      this.#launch(next.job, next.piece, this.#executor, true);
    }
  }

  /** Chunks per piece the executor asks for: at least one. */
  #pieceChunks(): number {
    const nonces = this.#executor.pieceNonces?.();
    if (nonces === undefined) return 1;
    const chunks = BigInt(Math.floor(nonces)) / this.#chunkSize;
    return chunks > 1n ? Number(chunks > 1_000_000n ? 1_000_000n : chunks) : 1;
  }

  #launch(job: Job, piece: Piece, executor: PieceRunner, counted: boolean): void {
    const out: Out = { job, piece, counted, run: undefined, halted: false, searched: () => out.run?.searched() ?? 0 };
    job.out.set(piece, out);
    this.#out.add(out);
    const { preimage, nonceWidth } = job.request;
    const order: PieceOrder = {
      jobId: job.id, preimage, nonceWidth, bound: job.bound, first: job.start + piece.from, count: piece.to - piece.from, batch: this.#batch, duty: this.#throttle,
    };
    out.run = executor.run(order, {
      done: (report) => this.#settle(out, report),
      lost: (err) => {
        // Its nonces were not all searched, so its job cannot give a trustworthy answer.
        this.#fail(job, err);
        this.#settle(out, { hit: null, searched: out.searched() });
      },
    });
    if (out.halted) out.run.halt();
  }

  #halt(out: Out): void {
    if (out.halted) return;
    out.halted = true;
    out.run?.halt();
  }

  /** A piece came back: settle it in its job's schedule and see whether the job has its answer. */
  #settle(out: Out, report: PieceReport): void {
    if (!this.#out.delete(out)) return; // the miner was closed
    const { job, piece } = out;
    job.out.delete(piece);
    if (!job.settled) {
      job.attempts += report.searched;
      let lowered = false;
      try {
        lowered = job.schedule.settle(piece, { hit: report.hit === null ? null : report.hit - job.start, searched: BigInt(report.searched) });
      } catch (err) {
        // A report outside the piece: the thread cannot be trusted, and neither can the job's answer.
        this.#fail(job, new Error(`a mining thread reported an impossible result: ${(err as Error).message}`));
      }
      if (lowered) {
        const best = job.schedule.bestChunk!;
        for (const other of job.out.values()) if (other.piece.chunk > best) this.#halt(other);
      }
      this.#finishIfDone(job);
    }
    this.#dispatch();
  }

  #finishIfDone(job: Job): void {
    if (job.settled || job.verifying || !job.schedule.finished) return;
    const offset = job.schedule.hit;
    if (offset === null) {
      const { attempts, elapsed_s: elapsedS } = jobProgress(job, true);
      return this.#end(job, { ok: true, value: { found: false, attempts, elapsedS } });
    }
    job.verifying = true;
    const nonce = job.start + offset;
    // Pieces above the hit are not needed: stop them now rather than after the check.
    for (const out of job.out.values()) this.#halt(out);
    this.#executor.verify(job.request, nonce).then(
      (check) => {
        if (!check.valid || check.nonce !== nonce) {
          throw new VerificationError(
            `internal error: the ${this.build} kernel reported nonce ${nonceToHex(nonce, job.request.nonceWidth)} but ${check.sha256} SHA-256 does not confirm it; nothing was returned`,
          );
        }
        if (job.settled) return;
        job.options.onVerified?.(check);
        const { attempts, elapsed_s: elapsedS } = jobProgress(job, true);
        this.#end(job, { ok: true, value: { found: true, nonce, attempts, elapsedS, check } });
      },
    ).catch((err: unknown) => this.#end(job, { ok: false, reason: err }));
  }

  /** End a job without an answer (abort, close, failure): it rejects now, its pieces stop within a batch. */
  #fail(job: Job, reason: unknown): void {
    if (job.settled) return;
    job.schedule.stop();
    this.#end(job, { ok: false, reason });
  }

  #end(job: Job, outcome: Parameters<Job['end']>[0]): void {
    if (job.settled) return;
    job.settled = true;
    for (const out of job.out.values()) this.#halt(out);
    this.#book.remove(job);
    this.#report(job);
    job.end(outcome);
    this.#dispatch();
  }

  /** The final progress report; a throwing callback must not cost the job its outcome. */
  #report(job: Job): void {
    try {
      job.options.onProgress?.(jobProgress(job, true));
    } catch {
      /* the caller's problem, reported nowhere: the miner never writes to the console */
    }
  }
}
