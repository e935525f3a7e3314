/**
 * The two batch loops every wasm thread runs: search one piece of a chunk in
 * kernel calls of `batch` nonces and stop at a batch boundary when asked (the
 * GPU executor has a dispatch loop of its own).
 *
 * - {@link runPiece}, synchronous, for threads the engine reaches through
 *   shared memory ({@link PieceCells}): Node's piscina threads, and Web Workers
 *   on a cross-origin isolated page. Nothing is read between batches but the
 *   cells, so nothing slows the hot loop.
 * - {@link runPieceAsync}, which awaits `between` after every batch, for
 *   threads that must read messages or let timers run between batches: Web
 *   Workers by messages, and the CLI's head start on the main thread.
 *
 * Both take a duty (the throttle, in percent): below 100 the thread rests
 * after each batch for as long as the batch took, scaled so that it hashes
 * about `duty` % of the time. A halt cuts a rest short, so a throttled miner
 * stops as fast as a full-speed one.
 * @module
 */
import type { Kernel } from './kernel.ts';

/** Index of the halt flag in the Int32 view: Atomics.wait needs an Int32Array, so a rest can wait on it. */
const HALT = 0;
/** Index of the count of nonces searched in the BigUint64 view (bytes 8 to 15). */
const SEARCHED = 1;

/** One piece's shared cells: the engine's request to halt, and the thread's progress. */
export class PieceCells {
  /** The shared memory; post it to the thread and wrap it with {@link PieceCells.attach}. */
  readonly buffer: SharedArrayBuffer;
  readonly #flags: Int32Array;
  readonly #cells: BigUint64Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#flags = new Int32Array(buffer, 0, 2);
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

  /** Ask the thread to stop the piece at its next batch boundary (waking it from a rest). */
  halt(): void {
    Atomics.store(this.#flags, HALT, 1);
    Atomics.notify(this.#flags, HALT);
  }

  /** Whether {@link PieceCells.halt} was called. */
  get halted(): boolean {
    return Atomics.load(this.#flags, HALT) !== 0;
  }

  /**
   * Block this thread for `ms` milliseconds or until a halt, whichever comes
   * first. Only where blocking is allowed: worker threads, never a page's main thread.
   */
  rest(ms: number): void {
    if (ms > 0) Atomics.wait(this.#flags, HALT, 0, ms);
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

/**
 * Milliseconds to rest after a batch that hashed for `busyMs`, so that a
 * thread hashes `duty` % of its time (0 at 100 %).
 */
export function restAfter(busyMs: number, duty: number): number {
  return duty >= 100 ? 0 : (busyMs * (100 - duty)) / duty;
}

/**
 * A rest between batches that a halt can cut short, for the threads that wait
 * on their event loop (message workers, the head start).
 */
export class Rest {
  #wake: (() => void) | undefined;

  /** Resolve after `ms` milliseconds, or at once on {@link Rest.wake}. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        if (this.#wake === wake) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wake = wake;
    });
  }

  /** End the current rest now, if there is one. */
  wake(): void {
    this.#wake?.();
  }
}

/** The nonces of the next kernel call: at most `batch`, never past `end`. */
function callSize(next: bigint, end: bigint, batch: number): number {
  return end - next < BigInt(batch) ? Number(end - next) : batch;
}

/**
 * Search nonces `[first, first + count)` in batches on this thread, publishing
 * progress to `cells` after each and stopping at the first batch boundary
 * after `cells` is halted; below a `duty` of 100 (percent) it rests in
 * `cells` after each batch. The kernel must hold the piece's job.
 */
export function runPiece(kernel: Kernel, cells: PieceCells, first: bigint, count: bigint, batch: number, duty = 100): PieceResult {
  let searched = 0;
  const end = first + count;
  for (let next = first; next < end && !cells.halted;) {
    const n = callSize(next, end, batch);
    const began = duty < 100 ? performance.now() : 0;
    const r = kernel.scan(next, n);
    searched += r.scanned;
    cells.searched = searched;
    if (r.hit !== null) return { hit: r.hit, searched };
    next += BigInt(n);
    if (duty < 100 && next < end) cells.rest(restAfter(performance.now() - began, duty));
  }
  return { hit: null, searched };
}

/**
 * Search nonces `[first, first + count)` in batches, awaiting
 * `between(searched, restMs)` after every batch but the last; it resolves to
 * false to stop there. `restMs` is how long to rest for the `duty` (percent;
 * 0 at 100). The kernel must hold the piece's job.
 */
export async function runPieceAsync(
  kernel: Kernel, first: bigint, count: bigint, batch: number, duty: number,
  between: (searched: number, restMs: number) => Promise<boolean>,
): Promise<PieceResult> {
  let searched = 0;
  const end = first + count;
  for (let next = first; next < end;) {
    const n = callSize(next, end, batch);
    const began = duty < 100 ? performance.now() : 0;
    const r = kernel.scan(next, n);
    searched += r.scanned;
    if (r.hit !== null) return { hit: r.hit, searched };
    next += BigInt(n);
    if (next < end && !(await between(searched, duty < 100 ? restAfter(performance.now() - began, duty) : 0))) break;
  }
  return { hit: null, searched };
}
