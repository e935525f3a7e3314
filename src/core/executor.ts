/**
 * The executor contract: what the {@link Engine} asks of the one part each
 * host writes (how pieces reach its threads, and how hits are checked), and
 * what it hands a thread for one piece.
 * @module
 */
import type { HitCheck } from './job-api.ts';
import type { KernelBound } from './kernel-bound.ts';
import type { NonceWidth } from './nonce.ts';
import type { MineRequest } from './request.ts';

/** What a thread needs to search one piece. */
export interface PieceOrder {
  /** The job's id, unique within the engine: a thread sets its kernel's job only when it changes. */
  readonly jobId: number;
  readonly preimage: Uint8Array;
  readonly nonceWidth: NonceWidth;
  /** The kernel's 96-bit bound for the job's target. */
  readonly bound: KernelBound;
  /** First nonce of the piece. */
  readonly first: bigint;
  /** Nonces in the piece. */
  readonly count: bigint;
  /** Nonces per kernel call. */
  readonly batch: number;
  /** Percent of its time the thread hashes (the throttle): below 100 it rests between batches. */
  readonly duty: number;
}

/** How a piece ended on its thread. */
export interface PieceReport {
  /** The lowest hit in the piece (a nonce), or null. */
  hit: bigint | null;
  /** Nonces searched from the piece's first: up to and including the hit, or up to where it stopped. */
  searched: number;
}

/** A piece running on a thread, as its executor follows it. */
export interface RunningPiece {
  /** Nonces searched so far, as last published by the thread. */
  searched(): number;
  /** Ask the thread to stop the piece at its next batch boundary (and report it as usual). */
  halt(): void;
}

/** Where a piece's end is reported: once, either way. */
export interface PieceEnd {
  done(report: PieceReport): void;
  /** The piece is lost with its thread. */
  lost(err: unknown): void;
}

/** What an executor tells the engine outside any piece. */
export interface ExecutorEvents {
  /** A thread became free or ready: hand out work. */
  capacity(): void;
  /** Threads cannot run at all (a worker that cannot load): every job fails with `err`. */
  broken(err: unknown): void;
}

/** Something that runs pieces: a host's threads, or the CLI's head start on the main thread. */
export interface PieceRunner {
  /** Start a piece (on a free thread, for an {@link Executor}). */
  run(order: PieceOrder, end: PieceEnd): RunningPiece;
  /** Release every thread; pieces still out are not reported. */
  close(): Promise<void>;
}

/** The one part each host writes: how pieces reach its threads, and how hits are checked. */
export interface Executor extends PieceRunner {
  /**
   * Pieces it can start now, given that `wanted` threads should be hashing and
   * `busy` are. Executors that own their threads start or end them here (none
   * while `idle`: no job wants work).
   */
  room(wanted: number, busy: number, idle: boolean): number;
  /** Re-check a hit with a SHA-256 independent of the kernel. */
  verify(request: MineRequest, nonce: bigint): Promise<HitCheck>;
  /**
   * Nonces the next piece may hold, in whole chunks (default: one chunk): a
   * thread far faster than a chunk per call (a GPU) asks for more, so it is
   * not held up by a round trip per chunk.
   */
  pieceNonces?(): number;
}
