/**
 * The chunk board: shared state through which search threads claim chunks of a
 * nonce range in order, publish attempts, and learn when to stop (DESIGN §3).
 *
 * The range `[start, start + count)` is cut into fixed-size chunks numbered
 * 0, 1, 2, ... Threads claim the next number with one atomic add. A thread that
 * finds a hit in chunk k lowers `bestHitChunk` to k; chunks above it are then
 * abandoned and chunks below it still in flight finish. So every chunk below the
 * best one is fully searched, and the lowest hit any thread reports is the lowest
 * hit of the range, whatever the number of threads.
 *
 * It lives in a SharedArrayBuffer (standard ECMAScript: Node worker threads, and
 * browsers when cross-origin isolated), so this module has no host imports.
 */

const NEXT_CHUNK = 0;
const BEST_HIT_CHUNK = 1;
const STOP = 2;
const ATTEMPTS = 3;
const CHUNK_SIZE = 4;
const LAST_OFFSET = 5;
const HEADER = 6;
/** Marks "none" in chunk and position slots (unsigned cells, so this is the largest value). */
const NONE = (1n << 64n) - 1n;

/**
 * Lower `cells[index]` to `value` when that is lower, atomically: threads racing
 * to report hits leave the lowest one, whatever their order.
 */
export function atomicLower(cells: BigUint64Array, index: number, value: bigint): void {
  for (let seen = Atomics.load(cells, index); value < seen;) {
    const before = Atomics.compareExchange(cells, index, seen, value);
    if (before === seen) return;
    seen = before;
  }
}

/** Shared scheduling state of one search (one per job). */
export class ChunkBoard {
  /** The shared memory; post it to workers and wrap it with {@link ChunkBoard.attach}. */
  readonly buffer: SharedArrayBuffer;
  /** Number of per-thread slots. */
  readonly slots: number;
  readonly #cells: BigUint64Array;

  private constructor(buffer: SharedArrayBuffer, slots: number) {
    this.buffer = buffer;
    this.slots = slots;
    this.#cells = new BigUint64Array(buffer);
  }

  /**
   * A fresh board for `count` nonces cut into chunks of `chunkSize`, with `slots`
   * per-thread slots (the most threads that may ever work on it).
   */
  static create(slots: number, chunkSize: bigint, count: bigint): ChunkBoard {
    if (!Number.isSafeInteger(slots) || slots < 1) throw new RangeError(`slots must be a positive integer, got ${slots}`);
    if (chunkSize < 1n) throw new RangeError(`chunkSize must be positive, got ${chunkSize}`);
    // Offsets up to 2^64 - 1 fit the unsigned cells; the count is kept as the last offset.
    if (count < 1n || count > 1n << 64n) throw new RangeError(`count must be in [1, 2^64], got ${count}`);
    const board = new ChunkBoard(new SharedArrayBuffer((HEADER + slots) * 8), slots);
    const c = board.#cells;
    c[BEST_HIT_CHUNK] = NONE;
    c[CHUNK_SIZE] = chunkSize;
    c[LAST_OFFSET] = count - 1n;
    c.fill(NONE, HEADER);
    return board;
  }

  /** Nonces per chunk. */
  get chunkSize(): bigint {
    return this.#cells[CHUNK_SIZE];
  }

  /** Nonces in the whole range. */
  get count(): bigint {
    return this.#cells[LAST_OFFSET] + 1n;
  }

  /** Number of chunks in the range. */
  get chunkCount(): bigint {
    return this.#cells[LAST_OFFSET] / this.chunkSize + 1n;
  }

  /** Wrap a board's buffer received from another thread. */
  static attach(buffer: SharedArrayBuffer): ChunkBoard {
    return new ChunkBoard(buffer, buffer.byteLength / 8 - HEADER);
  }

  /**
   * Claim the next chunk for thread `slot`: its number, or null when there is
   * none left, a lower chunk already holds a hit, or the search was stopped.
   * Before claiming, the slot's position is set to the claim frontier, so the
   * watermark never runs ahead of a chunk being taken.
   */
  claim(slot: number): bigint | null {
    const c = this.#cells;
    if (Atomics.load(c, STOP) !== 0n) return null;
    const frontier = Atomics.load(c, NEXT_CHUNK) * c[CHUNK_SIZE];
    Atomics.store(c, HEADER + slot, frontier > c[LAST_OFFSET] ? NONE : frontier);
    const k = Atomics.add(c, NEXT_CHUNK, 1n);
    if (k >= this.chunkCount || k > Atomics.load(c, BEST_HIT_CHUNK)) {
      Atomics.store(c, HEADER + slot, NONE);
      return null;
    }
    return k;
  }

  /** Whether a thread working in chunk `k` should keep going. */
  shouldContinue(k: bigint): boolean {
    const c = this.#cells;
    return Atomics.load(c, STOP) === 0n && Atomics.load(c, BEST_HIT_CHUNK) >= k;
  }

  /** Record a hit in chunk `k`: chunks above the lowest such chunk are abandoned. */
  reportHit(k: bigint): void {
    atomicLower(this.#cells, BEST_HIT_CHUNK, k);
  }

  /** Add nonces hashed by a thread to the shared attempt count. */
  addAttempts(n: number): void {
    Atomics.add(this.#cells, ATTEMPTS, BigInt(n));
  }

  /** Nonces hashed so far by all threads. */
  get attempts(): bigint {
    return Atomics.load(this.#cells, ATTEMPTS);
  }

  /**
   * Publish thread `slot`'s position: every nonce offset (from the range start)
   * below `offset` in its current chunk is searched. null marks it idle.
   */
  setPosition(slot: number, offset: bigint | null): void {
    Atomics.store(this.#cells, HEADER + slot, offset === null || offset > this.#cells[LAST_OFFSET] ? NONE : offset);
  }

  /**
   * The watermark, as an offset from the range start: every nonce below it has
   * been searched (the lowest position of any working thread, or the claim
   * frontier when none is working), capped at the range's count.
   */
  get watermark(): bigint {
    const c = this.#cells;
    let low = Atomics.load(c, NEXT_CHUNK) * c[CHUNK_SIZE];
    for (let i = 0; i < this.slots; i++) {
      const p = Atomics.load(c, HEADER + i);
      if (p !== NONE && p < low) low = p;
    }
    return low < this.count ? low : this.count;
  }

  /** Ask every thread to stop at its next batch boundary. */
  stop(): void {
    Atomics.store(this.#cells, STOP, 1n);
  }

  /** Whether {@link ChunkBoard.stop} was called. */
  get stopped(): boolean {
    return Atomics.load(this.#cells, STOP) !== 0n;
  }

  /** Lowest chunk number with a reported hit, or null. */
  get bestHitChunk(): bigint | null {
    const best = Atomics.load(this.#cells, BEST_HIT_CHUNK);
    return best === NONE ? null : best;
  }
}
