/**
 * One thread's side of {@link PieceSchedule} scheduling: search one piece in
 * short batches, publishing progress after each, and stop at a batch boundary
 * when the job is stopped, a lower chunk holds a hit, or the host asks this
 * piece to yield (pause, fewer threads). The flags live in SharedArrayBuffers,
 * so the host can raise them while the thread is busy in the kernel.
 * @module
 */
import { atomicLower } from './board.ts';
import type { Kernel } from './kernel.ts';
import { searchRange } from './search.ts';

const STOP = 0;
const BEST_CHUNK = 1;
const NONE = (1n << 64n) - 1n;

/** Flags every piece of one job reads: stopped, and the lowest chunk holding a hit. */
export class JobFlags {
  /** The shared memory; post it to threads and wrap it with {@link JobFlags.attach}. */
  readonly buffer: SharedArrayBuffer;
  readonly #cells: BigUint64Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#cells = new BigUint64Array(buffer);
  }

  /** Fresh flags: running, no hit. */
  static create(): JobFlags {
    const flags = new JobFlags(new SharedArrayBuffer(16));
    flags.#cells[BEST_CHUNK] = NONE;
    return flags;
  }

  /** Wrap flags received from another thread. */
  static attach(buffer: SharedArrayBuffer): JobFlags {
    return new JobFlags(buffer);
  }

  /** Tell every piece of the job to stop at its next batch boundary. */
  stop(): void {
    Atomics.store(this.#cells, STOP, 1n);
  }

  /** Record that chunk `chunk` holds a hit: pieces of higher chunks stop. */
  lowerBest(chunk: bigint): void {
    atomicLower(this.#cells, BEST_CHUNK, chunk);
  }

  /** Whether a piece of chunk `chunk` should keep going. */
  wants(chunk: bigint): boolean {
    const c = this.#cells;
    return Atomics.load(c, STOP) === 0n && Atomics.load(c, BEST_CHUNK) >= chunk;
  }
}

const YIELD = 0;
const SEARCHED = 1;

/** One piece's cells: the host's request to yield, and the thread's progress. */
export class PieceCells {
  /** The shared memory; post it to the thread and wrap it with {@link PieceCells.attach}. */
  readonly buffer: SharedArrayBuffer;
  readonly #cells: BigUint64Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#cells = new BigUint64Array(buffer);
  }

  /** Fresh cells: nothing searched, no yield asked. */
  static create(): PieceCells {
    return new PieceCells(new SharedArrayBuffer(16));
  }

  /** Wrap cells received from another thread. */
  static attach(buffer: SharedArrayBuffer): PieceCells {
    return new PieceCells(buffer);
  }

  /** Ask the thread to hand the rest of the piece back at its next batch boundary. */
  requestYield(): void {
    Atomics.store(this.#cells, YIELD, 1n);
  }

  /** Whether {@link PieceCells.requestYield} was called. */
  get yieldRequested(): boolean {
    return Atomics.load(this.#cells, YIELD) !== 0n;
  }

  /** Nonces of the piece searched so far (published after every batch). */
  get searched(): bigint {
    return Atomics.load(this.#cells, SEARCHED);
  }

  set searched(n: bigint) {
    Atomics.store(this.#cells, SEARCHED, n);
  }
}

/** What a thread reports for one piece. */
export interface PieceResult {
  /** The lowest hit in the piece (a nonce), or null. */
  hit: bigint | null;
  /** Nonces searched from the piece's first nonce. */
  searched: number;
  /** True when it stopped before the end of the piece without a hit. */
  stopped: boolean;
}

/**
 * Search nonces `[first, first + count)` of chunk `chunk` in batches; the
 * kernel must hold the job. Stops at a batch boundary when `flags` or `cells`
 * say so.
 */
export function runPiece(
  kernel: Kernel, flags: JobFlags, cells: PieceCells, first: bigint, count: bigint, chunk: bigint, batch: number,
): PieceResult {
  if (!flags.wants(chunk) || cells.yieldRequested) return { hit: null, searched: 0, stopped: true };
  const r = searchRange(kernel, first, count, {
    batch,
    onBatch: (searched) => {
      cells.searched = BigInt(searched);
      return flags.wants(chunk) && !cells.yieldRequested;
    },
  });
  cells.searched = BigInt(r.searched);
  return { hit: r.hit, searched: r.searched, stopped: r.stopped };
}
