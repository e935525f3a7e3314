/**
 * Chunk scheduling by messages, for pages without a SharedArrayBuffer (no
 * cross-origin isolation, Electron renderers). The same rule as the shared
 * {@link ChunkBoard}, kept on the main thread instead of in shared memory:
 *
 * - chunks are handed out in order, 0, 1, 2, ...;
 * - a hit in chunk k means no chunk above k is handed out any more, and queued
 *   or running chunks above k are cancelled; chunks below k finish;
 * - so when nothing is in flight, every chunk below the lowest hit chunk was
 *   searched in full, and the lowest hit reported is the lowest of the range.
 *
 * Pure bookkeeping, no workers and no timers, so it is unit-tested in Node.
 * @module
 */

/** The main thread's side of message-path scheduling for one search. */
export class ChunkDispatcher {
  /** Nonces per chunk. */
  readonly chunkSize: bigint;
  /** Number of chunks in the range. */
  readonly chunkCount: bigint;
  #next = 0n;
  #bestChunk: bigint | null = null;
  #hit: bigint | null = null;
  #stopped = false;
  readonly #inFlight = new Set<bigint>();

  /**
   * @param count - nonces in the range (at least 1).
   * @param chunkSize - nonces per chunk (at least 1).
   */
  constructor(count: bigint, chunkSize: bigint) {
    if (count < 1n) throw new RangeError(`count must be at least 1, got ${count}`);
    if (chunkSize < 1n) throw new RangeError(`chunkSize must be at least 1, got ${chunkSize}`);
    this.chunkSize = chunkSize;
    this.chunkCount = (count + chunkSize - 1n) / chunkSize;
  }

  /**
   * The next chunk number to hand out, now marked in flight; null when none is
   * left, a lower chunk holds a hit, or the search was stopped.
   */
  take(): bigint | null {
    if (this.#stopped || this.#next >= this.chunkCount) return null;
    if (this.#bestChunk !== null && this.#next > this.#bestChunk) return null;
    const k = this.#next++;
    this.#inFlight.add(k);
    return k;
  }

  /**
   * Record that chunk `k` is finished (`hit` is its lowest hit, or null) or was
   * abandoned before its end. Returns true when this lowered the best hit chunk,
   * i.e. chunks above {@link ChunkDispatcher.bestChunk} must now be cancelled.
   */
  settle(k: bigint, hit: bigint | null, abandoned: boolean): boolean {
    if (!this.#inFlight.delete(k)) throw new Error(`chunk ${k} was not in flight`);
    if (abandoned || hit === null) return false;
    if (this.#bestChunk !== null && k >= this.#bestChunk) {
      // A higher chunk that finished before its cancel arrived: its hit is not the lowest.
      return false;
    }
    this.#bestChunk = k;
    this.#hit = hit;
    return true;
  }

  /** Hand out nothing more (the user pressed Stop). */
  stop(): void {
    this.#stopped = true;
  }

  /** Whether {@link ChunkDispatcher.stop} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** The lowest chunk with a reported hit, or null. */
  get bestChunk(): bigint | null {
    return this.#bestChunk;
  }

  /** The hit in {@link ChunkDispatcher.bestChunk}, or null. */
  get hit(): bigint | null {
    return this.#hit;
  }

  /** Chunks handed out and not yet settled. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * True when the search is over: nothing in flight and nothing left to hand
   * out. Then {@link ChunkDispatcher.hit} is the lowest hit of the range (or
   * null: exhausted), unless the search was stopped.
   */
  get finished(): boolean {
    if (this.#inFlight.size > 0) return false;
    if (this.#stopped) return true;
    if (this.#bestChunk !== null) return this.#next > this.#bestChunk;
    return this.#next >= this.chunkCount;
  }
}
