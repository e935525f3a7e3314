/**
 * The bookkeeping both hosts' `Miner`s share (Node: piscina threads; browsers:
 * Web Workers): opening a job from a request and its options, wiring its
 * signal and progress timer, taking the jobs in turn for the next piece,
 * choosing which pieces hand back when fewer threads may hash, progress, and
 * the response for a verified hit. How a piece reaches a thread, and how a hit
 * is re-verified, stay with each host.
 * @module
 */
import { PROGRESS_INTERVAL_MS, toBigInt, type JobOptions, type MineProgress, type MineResponse } from './job-api.ts';
import { formatHit, parseRequest, type MineRequest } from './protocol.ts';
import { resolveRange } from './range.ts';
import { PieceSchedule, type Piece } from './schedule.ts';

/** What a host keeps for every job; `T` is its record of a piece out on a thread. */
export interface BookJob<T> {
  readonly request: MineRequest;
  /** First nonce of the range: pieces and hits are offsets from it. */
  readonly start: bigint;
  readonly schedule: PieceSchedule;
  /** Pieces out on threads now. */
  readonly out: Map<Piece, T>;
  /** `performance.now()` when the job was opened. */
  readonly startedAt: number;
  /** Nonces hashed by pieces already back. */
  attempts: number;
  /** Why it ends without an answer: the abort reason, or a failure. */
  failure?: { reason: unknown };
}

/** The parts of a new job every host fills in the same way. */
export type OpenedJob = Pick<BookJob<never>, 'request' | 'start' | 'schedule' | 'startedAt' | 'attempts'>;

/**
 * Check a job's request and range and open its schedule. Throws what `mine()`
 * rejects with: the core's RequestError, the signal's reason when it is
 * already aborted, a RangeError for a bad range.
 */
export function openJob(request: object | string, options: JobOptions, chunkSize: bigint): OpenedJob {
  const parsed = parseRequest(request);
  if (options.signal?.aborted) throw options.signal.reason;
  const range = resolveRange(parsed, toBigInt(options.start, 'start'), toBigInt(options.count, 'count'));
  return { request: parsed, start: range.start, schedule: new PieceSchedule(range.count, chunkSize), startedAt: performance.now(), attempts: 0 };
}

/**
 * Call `onAbort` with the signal's reason when it aborts, and `onProgress`
 * about every 0.5 s. Returns the function that undoes both (call it when the
 * job settles).
 */
export function watchJob(options: JobOptions, onAbort: (reason: unknown) => void, progress: () => MineProgress): () => void {
  const { signal, onProgress } = options;
  const abort = (): void => onAbort(signal!.reason);
  signal?.addEventListener('abort', abort, { once: true });
  const timer = onProgress ? setInterval(() => onProgress(progress()), PROGRESS_INTERVAL_MS) : undefined;
  return () => {
    clearInterval(timer);
    signal?.removeEventListener('abort', abort);
  };
}

/** A job's progress; `searchedOf` gives the live count of a piece out. */
export function jobProgress<T>(job: BookJob<T>, searchedOf: (out: T) => number): MineProgress {
  let attempts = job.attempts;
  for (const out of job.out.values()) attempts += searchedOf(out);
  const elapsed = (performance.now() - job.startedAt) / 1000;
  const watermark = job.start + job.schedule.watermark((p) => {
    const out = job.out.get(p);
    return BigInt(out === undefined ? 0 : searchedOf(out));
  });
  return { attempts, elapsed_s: elapsed, rate: elapsed > 0 ? attempts / elapsed : 0, watermark };
}

/** The protocol response for a job's verified hit. */
export function hitResponse(job: BookJob<unknown>, nonce: bigint): MineResponse {
  const elapsedS = (performance.now() - job.startedAt) / 1000;
  return JSON.parse(formatHit({ nonce, nonceWidth: job.request.nonceWidth, attempts: job.attempts, elapsedS }));
}

/** A miner's open jobs, taken in turn when a thread is free. */
export class JobBook<J extends BookJob<T>, T> {
  /** Open jobs, oldest first. */
  readonly jobs: J[] = [];
  #turn = 0;

  /** Pieces out on threads now, over all jobs. */
  get piecesOut(): number {
    let n = 0;
    for (const job of this.jobs) n += job.out.size;
    return n;
  }

  /** Forget a settled job. */
  remove(job: J): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
  }

  /** The next piece to hand out, from the next job in turn that has one (failed jobs get none). */
  nextPiece(): { job: J; piece: Piece } | null {
    const n = this.jobs.length;
    for (let i = 0; i < n; i++) {
      const job = this.jobs[(this.#turn + i) % n]!;
      if (job.failure) continue;
      const piece = job.schedule.take();
      if (piece !== null) {
        this.#turn = (this.#turn + i + 1) % n;
        return { job, piece };
      }
    }
    return null;
  }

  /**
   * The pieces out that must hand back so that at most `allowed` keep hashing,
   * among those `hashing` says are not already handing back: the latest job's
   * highest chunks first, since lower chunks are the ones an answer waits for.
   */
  surplus(allowed: number, hashing: (out: T) => boolean): T[] {
    const keeping: { job: number; chunk: bigint; out: T }[] = [];
    this.jobs.forEach((job, i) => {
      for (const [piece, out] of job.out) if (hashing(out)) keeping.push({ job: i, chunk: piece.chunk, out });
    });
    keeping.sort((a, b) => b.job - a.job || (b.chunk > a.chunk ? 1 : b.chunk < a.chunk ? -1 : 0));
    return keeping.slice(0, Math.max(0, keeping.length - allowed)).map((k) => k.out);
  }
}
