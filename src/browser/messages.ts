/**
 * The messages between the browser executor (executor.ts) and its module Web
 * Workers (worker.ts). Everything is structured-clone data: BigInt nonces, a
 * compiled `WebAssembly.Module`, and on the shared path a `SharedArrayBuffer`.
 *
 * One `piece` message per piece. With `cells` (a cross-origin isolated page)
 * the worker runs the piece synchronously, publishes progress in the cells and
 * stops when the executor halts them there; without, it yields to its event
 * loop between batches, reports `piece-progress` and stops on `piece-halt`.
 * Either way one `piece-done` ends the piece. Piece ids are never reused, so
 * a halt that crosses a finished piece on the wire cannot touch the next one.
 * @module
 */
import type { PieceOrder } from '../core/executor.ts';
import type { HitCheck } from '../core/job-api.ts';
import type { KernelBuild } from '../core/kernel-build.ts';
import type { NonceWidth } from '../core/nonce.ts';

/** Executor → worker: instantiate the kernel. Sent once, first. */
export interface InitMessage {
  type: 'init';
  /** Which build the module is. */
  build: KernelBuild;
  /** The compiled module (shared, not copied) or, where a module cannot be posted, its bytes. */
  module: WebAssembly.Module | Uint8Array;
}

/** Executor → worker: search one piece (one at a time per worker). */
export interface PieceMessage {
  type: 'piece';
  /** This piece's id, unique within the executor. */
  piece: number;
  order: PieceOrder;
  /** The piece's shared cells (shared path), or absent (message path). */
  cells?: SharedArrayBuffer;
}

/** Executor → worker: end piece `piece` at the next batch boundary (message path; ignored once it is done). */
export interface PieceHaltMessage {
  type: 'piece-halt';
  piece: number;
}

/** Executor → worker: re-check a nonce with a SHA-256 independent of the kernel. */
export interface VerifyMessage {
  type: 'verify';
  id: number;
  preimage: Uint8Array;
  nonceWidth: NonceWidth;
  effectiveTarget: bigint;
  nonce: bigint;
}

/** Everything the executor sends to a worker. */
export type ToWorker = InitMessage | PieceMessage | PieceHaltMessage | VerifyMessage;

/** Worker → executor: the kernel is instantiated. */
export interface ReadyMessage {
  type: 'ready';
  build: KernelBuild;
}

/** Worker → executor: nonces of piece `piece` searched so far, from its first (message path, about every 100 ms). */
export interface PieceProgressMessage {
  type: 'piece-progress';
  piece: number;
  searched: number;
}

/** Worker → executor: piece `piece` is over: searched to its end, stopped at a hit, or halted. */
export interface PieceDoneMessage {
  type: 'piece-done';
  piece: number;
  /** The lowest hit in the piece (a nonce), or null. */
  hit: bigint | null;
  /** Nonces searched from the piece's first: up to and including the hit, or up to where it stopped. */
  searched: number;
}

/** Worker → executor: the answer to a {@link VerifyMessage}. */
export interface VerifiedMessage {
  type: 'verified';
  id: number;
  check: HitCheck;
}

/** Worker → executor: something failed inside the worker. */
export interface WorkerErrorMessage {
  type: 'error';
  message: string;
  /** The error's name, e.g. `CompileError` when a Content Security Policy blocks WebAssembly. */
  name: string;
}

/** Everything a worker sends to the executor. */
export type FromWorker = ReadyMessage | PieceProgressMessage | PieceDoneMessage | VerifiedMessage | WorkerErrorMessage;
