/**
 * Single-threaded search over a nonce range with one kernel, in short batches so
 * the caller can report progress and stop between them. Thread pools (Node,
 * browsers) schedule chunks across workers and run this loop inside each one.
 */
import type { Kernel } from './kernel.ts';

/** Default nonces per kernel call: about 10 ms of work on one SIMD thread. */
export const DEFAULT_BATCH = 1 << 16;

/** Options of {@link searchRange}. */
export interface RangeSearchOptions {
  /** Nonces per kernel call (a positive integer); progress and stop act between calls. */
  batch?: number;
  /**
   * Called after every batch with the nonces searched so far in this range.
   * Return `false` to stop the search before the next batch.
   */
  onBatch?: (searched: number) => boolean | void;
}

/** Outcome of {@link searchRange}. */
export interface RangeSearchResult {
  /** The lowest hit in the searched part of the range, or null. */
  hit: bigint | null;
  /** Nonces searched: up to and including the hit, or the whole range. */
  searched: number;
  /** True when `onBatch` stopped the search before the range was done. */
  stopped: boolean;
}

/**
 * Search `[start, start + count)` in order and return the lowest hit. The
 * kernel must already hold the job (`Kernel.setJob`).
 */
export function searchRange(kernel: Kernel, start: bigint, count: bigint, options: RangeSearchOptions = {}): RangeSearchResult {
  const batch = options.batch ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  if (count < 0n) throw new RangeError(`count must be >= 0, got ${count}`);
  if (start < 0n || start + count > kernel.spaceEnd) {
    throw new RangeError(`range [${start}, ${start + count}) runs outside the nonce space [0, ${kernel.spaceEnd})`);
  }
  let searched = 0;
  let next = start;
  const end = start + count;
  while (next < end) {
    const left = end - next;
    const n = left < BigInt(batch) ? Number(left) : batch;
    const r = kernel.scan(next, n);
    searched += r.scanned;
    if (r.hit !== null) return { hit: r.hit, searched, stopped: false };
    next += BigInt(n);
    if (next < end && options.onBatch?.(searched) === false) return { hit: null, searched, stopped: true };
  }
  return { hit: null, searched, stopped: false };
}
