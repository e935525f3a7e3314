/**
 * The two batch loops every thread runs: search one piece of a chunk in kernel
 * calls of `batch` nonces and stop at a batch boundary when asked.
 *
 * - {@link runPiece}, synchronous, for threads the engine reaches through
 *   shared memory ({@link PieceCells}): Node's piscina threads, and Web Workers
 *   on a cross-origin isolated page. Nothing is read between batches but the
 *   cells, so nothing slows the hot loop.
 * - {@link runPieceAsync}, which awaits `between` after every batch, for
 *   threads that must read messages or let timers run between batches: Web
 *   Workers by messages, and the CLI's head start on the main thread.
 * @module
 */
import type { Kernel } from './kernel.ts';

const HALT = 0;
const SEARCHED = 1;

/** One piece's shared cells: the engine's request to halt, and the thread's progress. */
export class PieceCells {
  /** The shared memory; post it to the thread and wrap it with {@link PieceCells.attach}. */
  readonly buffer: SharedArrayBuffer;
  readonly #cells: BigUint64Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#cells = new BigUint64Array(buffer);
  }

  /** Fresh cells: nothing searched, no halt asked. */
  static create(): PieceCells {
    return new PieceCells(new SharedArrayBuffer(16));
  }

  /** Wrap cells received from another thread. */
  static attach(buffer: SharedArrayBuffer): PieceCells {
    return new PieceCells(buffer);
  }

  /** Ask the thread to stop the piece at its next batch boundary. */
  halt(): void {
    Atomics.store(this.#cells, HALT, 1n);
  }

  /** Whether {@link PieceCells.halt} was called. */
  get halted(): boolean {
    return Atomics.load(this.#cells, HALT) !== 0n;
  }

  /** Nonces of the piece searched so far (published after every batch). */
  get searched(): number {
    return Number(Atomics.load(this.#cells, SEARCHED));
  }

  set searched(n: number) {
    Atomics.store(this.#cells, SEARCHED, BigInt(n));
  }
}

/** What a thread reports for one piece. */
export interface PieceResult {
  /** The lowest hit in the piece (a nonce), or null. */
  hit: bigint | null;
  /** Nonces searched from the piece's first: up to and including the hit, or up to where it stopped. */
  searched: number;
}

/** The nonces of the next kernel call: at most `batch`, never past `end`. */
function callSize(next: bigint, end: bigint, batch: number): number {
  return end - next < BigInt(batch) ? Number(end - next) : batch;
}

/**
 * Search nonces `[first, first + count)` in batches on this thread, publishing
 * progress to `cells` after each and stopping at the first batch boundary
 * after `cells` is halted. The kernel must hold the piece's job.
 */
export function runPiece(kernel: Kernel, cells: PieceCells, first: bigint, count: bigint, batch: number): PieceResult {
  let searched = 0;
  const end = first + count;
  for (let next = first; next < end && !cells.halted;) {
    const n = callSize(next, end, batch);
    const r = kernel.scan(next, n);
    searched += r.scanned;
    cells.searched = searched;
    if (r.hit !== null) return { hit: r.hit, searched };
    next += BigInt(n);
  }
  return { hit: null, searched };
}

/**
 * Search nonces `[first, first + count)` in batches, awaiting
 * `between(searched)` after every batch but the last; it resolves to false to
 * stop there. The kernel must hold the piece's job.
 */
export async function runPieceAsync(
  kernel: Kernel, first: bigint, count: bigint, batch: number, between: (searched: number) => Promise<boolean>,
): Promise<PieceResult> {
  let searched = 0;
  const end = first + count;
  for (let next = first; next < end;) {
    const n = callSize(next, end, batch);
    const r = kernel.scan(next, n);
    searched += r.scanned;
    if (r.hit !== null) return { hit: r.hit, searched };
    next += BigInt(n);
    if (next < end && !(await between(searched))) break;
  }
  return { hit: null, searched };
}
