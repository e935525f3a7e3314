/**
 * The engine's jobs: opening one from a request and its options (its range
 * and piece schedule), its progress, and the book of open jobs that are taken
 * in turn for the next piece and chosen from when fewer threads may hash.
 * @module
 */
import { toBigInt, type JobOptions, type MineProgress } from './job-api.ts';
import { resolveRange } from './range.ts';
import type { MineRequest } from './request.ts';
import { PieceSchedule, type Piece } from './schedule.ts';

/** What the book needs of a piece out on a thread. */
export interface BookPiece {
  /** Nonces of the piece searched so far (live). */
  searched(): number;
  /** True once the piece was asked to stop. */
  readonly halted: boolean;
  /** False for a piece outside the thread count (the CLI's head start on the main thread). */
  readonly counted: boolean;
}

/** What the engine keeps for every job. */
export interface BookJob<T extends BookPiece> {
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
}

/** The parts of a new job taken from its request and options. */
export type OpenedJob = Pick<BookJob<never>, 'request' | 'start' | 'schedule' | 'startedAt' | 'attempts'>;

/**
 * Check a parsed request's range and open its schedule. Throws what `search()`
 * rejects with: the signal's reason when it is already aborted, a
 * NonceRangeError for a bad range.
 */
export function openJob(request: MineRequest, options: JobOptions, chunkSize: bigint): OpenedJob {
  if (options.signal?.aborted) throw options.signal.reason;
  const range = resolveRange(request, toBigInt(options.start, 'start'), toBigInt(options.count, 'count'));
  return { request, start: range.start, schedule: new PieceSchedule(range.count, chunkSize), startedAt: performance.now(), attempts: 0 };
}

/** A job's progress: pieces back plus the live count of pieces out; `final` on the report made as it settles. */
export function jobProgress(job: BookJob<BookPiece>, final: boolean): MineProgress {
  // One reading per piece: a thread keeps counting, and attempts must cover the watermark.
  const searched = new Map<Piece, number>();
  let attempts = job.attempts;
  for (const [piece, out] of job.out) {
    const n = out.searched();
    searched.set(piece, n);
    attempts += n;
  }
  const elapsed = (performance.now() - job.startedAt) / 1000;
  const watermark = job.start + job.schedule.watermark((p) => BigInt(searched.get(p) ?? 0));
  return { attempts, elapsed_s: elapsed, rate: elapsed > 0 ? attempts / elapsed : 0, watermark, final };
}

/** The open jobs, taken in turn when a thread is free. */
export class JobBook<J extends BookJob<T>, T extends BookPiece> {
  /** Open jobs, oldest first. */
  readonly jobs: J[] = [];
  #turn = 0;

  /** Forget a settled job. */
  remove(job: J): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
  }

  /** The next piece to hand out (spanning up to `chunks` chunks), from the next job in turn that has one. */
  nextPiece(chunks = 1): { job: J; piece: Piece } | null {
    const n = this.jobs.length;
    for (let i = 0; i < n; i++) {
      const job = this.jobs[(this.#turn + i) % n]!;
      const piece = job.schedule.take(chunks);
      if (piece !== null) {
        this.#turn = (this.#turn + i + 1) % n;
        return { job, piece };
      }
    }
    return null;
  }

  /**
   * The pieces out that must stop so that at most `allowed` keep hashing,
   * among those counted and not halted already: the latest job's highest chunks first,
   * since lower chunks are the ones an answer waits for.
   */
  surplus(allowed: number): T[] {
    const keeping: { job: number; chunk: bigint; out: T }[] = [];
    this.jobs.forEach((job, i) => {
      for (const [piece, out] of job.out) if (!out.halted && out.counted) keeping.push({ job: i, chunk: piece.chunk, out });
    });
    keeping.sort((a, b) => b.job - a.job || (b.chunk > a.chunk ? 1 : b.chunk < a.chunk ? -1 : 0));
    return keeping.slice(0, Math.max(0, keeping.length - allowed)).map((k) => k.out);
  }
}
