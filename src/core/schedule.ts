/**
 * Piece scheduling for one job's range, for miners whose thread count changes
 * while a job runs (pause, resume, fewer or more threads): chunks go out in
 * order, and a thread may hand back an unfinished chunk.
 *
 * - The range is cut into chunks numbered 0, 1, 2, ...; work goes out as
 *   pieces: a whole fresh chunk, or the rest of a chunk a thread handed back.
 * - Handed-back pieces go out again before any fresh chunk, lowest first, so
 *   lowering the thread count or pausing never loses or reorders work.
 * - A hit in chunk k means nothing above k goes out any more; pieces below k
 *   still finish. So when nothing is out, every chunk below the lowest hit chunk
 *   was searched in full and the lowest hit reported is the lowest of the range.
 *
 * Pure bookkeeping, no threads and no timers: unit-tested on its own.
 * @module
 */

/**
 * Nonces `[from, to)`, as offsets from the start of the range, starting in chunk
 * `chunk`: one chunk or part of one, or several whole chunks for a fast thread (a GPU).
 */
export interface Piece {
  readonly chunk: bigint;
  readonly from: bigint;
  readonly to: bigint;
}

/**
 * How a piece came back, in the schedule's terms: offsets from the range
 * start and bigint counts (the engine's `PieceReport` is a thread's nonces).
 */
export interface ChunkReport {
  /** The lowest hit in the piece (a nonce offset from the range start), or null. */
  hit: bigint | null;
  /** Nonces of the piece searched, from its start: up to the hit, or up to where it stopped. */
  searched: bigint;
}

/** The host's side of scheduling one job's range. */
export class PieceSchedule {
  /** Nonces in the range. */
  readonly count: bigint;
  /** Nonces per chunk. */
  readonly chunkSize: bigint;
  /** Number of chunks in the range. */
  readonly chunkCount: bigint;
  #next = 0n;
  #bestChunk: bigint | null = null;
  #hit: bigint | null = null;
  #stopped = false;
  /** Handed-back pieces, kept sorted by chunk. */
  #returned: Piece[] = [];
  readonly #out = new Set<Piece>();

  /**
   * @param count - nonces in the range (at least 1).
   * @param chunkSize - nonces per chunk (at least 1).
   */
  constructor(count: bigint, chunkSize: bigint) {
    if (count < 1n) throw new RangeError(`count must be at least 1, got ${count}`);
    if (chunkSize < 1n) throw new RangeError(`chunkSize must be at least 1, got ${chunkSize}`);
    this.count = count;
    this.chunkSize = chunkSize;
    this.chunkCount = (count + chunkSize - 1n) / chunkSize;
  }

  #wanted(chunk: bigint): boolean {
    return !this.#stopped && (this.#bestChunk === null || chunk <= this.#bestChunk);
  }

  /**
   * The next piece to search, now marked out: the lowest handed-back piece, else
   * the next fresh chunk; null when nothing is left to hand out (for now: pieces
   * still out may be handed back). With `chunks` above 1 the piece runs on over
   * up to that many chunks (fresh ones, or a handed-back piece that long); a
   * longer handed-back piece is cut at a chunk boundary and its rest waits.
   */
  take(chunks = 1): Piece | null {
    if (!Number.isSafeInteger(chunks) || chunks < 1) throw new RangeError(`chunks must be a positive integer, got ${chunks}`);
    const span = BigInt(chunks);
    this.#returned = this.#returned.filter((p) => this.#wanted(p.chunk));
    let piece = this.#returned.shift() ?? null;
    if (piece !== null) {
      const end = (piece.chunk + span) * this.chunkSize;
      if (end < piece.to) {
        this.#returned.unshift({ chunk: piece.chunk + span, from: end, to: piece.to });
        piece = { chunk: piece.chunk, from: piece.from, to: end };
      }
    } else {
      if (this.#next >= this.chunkCount || !this.#wanted(this.#next)) return null;
      // Only wanted chunks: none above the best hit's.
      let last = this.#next + span - 1n;
      if (last >= this.chunkCount) last = this.chunkCount - 1n;
      if (this.#bestChunk !== null && last > this.#bestChunk) last = this.#bestChunk;
      const from = this.#next * this.chunkSize;
      const to = (last + 1n) * this.chunkSize < this.count ? (last + 1n) * this.chunkSize : this.count;
      piece = { chunk: this.#next, from, to };
      this.#next = last + 1n;
    }
    this.#out.add(piece);
    return piece;
  }

  /** The chunk holding a nonce offset. */
  #chunkOf(offset: bigint): bigint {
    return offset / this.chunkSize;
  }

  /**
   * Record how a piece that was out came back. A piece that stopped early
   * without a hit has its rest handed back (unless its chunk is no longer
   * wanted). Returns true when this lowered the best hit chunk: pieces out above
   * {@link PieceSchedule.bestChunk} should now be told to stop.
   */
  settle(piece: Piece, report: ChunkReport): boolean {
    if (!this.#out.has(piece)) throw new Error(`piece [${piece.from}, ${piece.to}) of chunk ${piece.chunk} was not out`);
    const size = piece.to - piece.from;
    if (report.searched < 0n || report.searched > size) throw new RangeError(`searched ${report.searched} is outside [0, ${size}]`);
    if (report.hit !== null && (report.hit < piece.from || report.hit >= piece.to)) {
      throw new RangeError(`hit ${report.hit} is outside the piece [${piece.from}, ${piece.to})`);
    }
    this.#out.delete(piece);
    if (report.hit !== null) {
      // The hit's own chunk, not the piece's first: a piece may span several.
      const chunk = this.#chunkOf(report.hit);
      if (this.#bestChunk !== null && chunk >= this.#bestChunk) return false;
      this.#bestChunk = chunk;
      this.#hit = report.hit;
      return true;
    }
    const from = piece.from + report.searched;
    if (report.searched < size && this.#wanted(this.#chunkOf(from))) {
      const rest = { chunk: this.#chunkOf(from), from, to: piece.to };
      const at = this.#returned.findIndex((p) => p.chunk > rest.chunk);
      this.#returned.splice(at < 0 ? this.#returned.length : at, 0, rest);
    }
    return false;
  }

  /** Hand nothing more out; pieces out may still be settled. */
  stop(): void {
    this.#stopped = true;
    this.#returned = [];
  }

  /** Whether {@link PieceSchedule.stop} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** The lowest chunk holding a reported hit, or null. */
  get bestChunk(): bigint | null {
    return this.#bestChunk;
  }

  /** The lowest hit reported so far (an offset from the range start), or null. */
  get hit(): bigint | null {
    return this.#hit;
  }

  /** Pieces out now. */
  get out(): ReadonlySet<Piece> {
    return this.#out;
  }

  /** Pieces handed back and waiting to go out again. */
  get waiting(): readonly Piece[] {
    return this.#returned.filter((p) => this.#wanted(p.chunk));
  }

  /**
   * True when the job has its answer: a hit with nothing below its chunk still
   * out or waiting (pieces above it may still be out: they are not needed), or
   * nothing out and nothing left (or, once stopped, nothing out). Then
   * {@link PieceSchedule.hit} is the lowest hit of the range, or null when the
   * range holds none (unless stopped).
   */
  get finished(): boolean {
    const best = this.#bestChunk;
    if (best !== null && !this.#stopped) {
      // Chunks are handed out in order, so every chunk below the hit's went out; one piece of a chunk is out at a time.
      for (const p of this.#out) if (p.chunk < best) return false;
      return !this.#returned.some((p) => p.chunk < best);
    }
    if (this.#out.size > 0) return false;
    return this.#stopped || (this.waiting.length === 0 && this.#next >= this.chunkCount);
  }

  /**
   * Every nonce offset below this one has been searched: the lowest start of a
   * waiting piece, of a piece out (advanced by `searchedOf`, its live progress),
   * or of the fresh chunks, capped at the count, and at the lowest hit once
   * there is one: a search resumed from the watermark finds that hit again
   * rather than passing it.
   */
  watermark(searchedOf: (piece: Piece) => bigint = () => 0n): bigint {
    let low = this.#next * this.chunkSize;
    if (this.#hit !== null && this.#hit < low) low = this.#hit;
    for (const p of this.#returned) if (p.from < low) low = p.from;
    for (const p of this.#out) {
      const at = p.from + searchedOf(p);
      if (at < low) low = at;
    }
    return low < this.count ? low : this.count;
  }
}
