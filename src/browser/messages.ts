/**
 * The messages between the page's pool ({@link ./pool.ts}) and its Web Workers
 * ({@link ./worker.ts}). Everything is structured-clone data: BigInt nonces, a
 * compiled `WebAssembly.Module`, and in the shared path a `SharedArrayBuffer`.
 *
 * Every message about a search carries its `search` id, so that a late message
 * from a search that was stopped can never be taken for one of the next.
 *
 * The library's {@link Miner} (src/browser/miner.ts) uses a third path, pieces:
 * one `piece` message per piece of a chunk, answered by `piece-progress`
 * reports and one `piece-done`; `piece-halt` ends a piece early at a batch
 * boundary. Piece ids are never reused, so a halt that crosses a finished
 * piece on the wire cannot touch the worker's next one. This path needs no
 * SharedArrayBuffer, so it runs the same with and without cross-origin
 * isolation (and in Electron renderers).
 * @module
 */
import type { KernelBound, NonceWidth } from '../core/protocol.ts';
import type { KernelBuild } from '../core/kernel.ts';

/** The part of a request a worker needs to set its kernel's job. */
export interface WorkerJob {
  /** The 64-byte preimage. */
  preimage: Uint8Array;
  /** Nonce width in bytes. */
  nonceWidth: NonceWidth;
  /** The kernel's 96-bit bound, `kernelBound(effectiveTarget)`. */
  bound: KernelBound;
}

/** Page → worker: instantiate the kernel. Sent once, first. */
export interface InitMessage {
  type: 'init';
  /** Which build the module is. */
  build: KernelBuild;
  /** The compiled module (shared, not copied) or, where a module cannot be posted, its bytes. */
  module: WebAssembly.Module | Uint8Array;
}

/** Page → worker: run one thread of a search on a shared {@link ChunkBoard}. */
export interface SharedSearchMessage {
  type: 'shared';
  search: number;
  job: WorkerJob;
  /** The board's `SharedArrayBuffer`. */
  board: SharedArrayBuffer;
  /** This thread's slot on the board. */
  slot: number;
  /** The nonce at offset 0 of the board's range. */
  start: bigint;
  /** Nonces per kernel call. */
  batch: number;
}

/** Page → worker: set up a search whose chunks will arrive as {@link ChunkMessage}s. */
export interface MessageSearchMessage {
  type: 'messages';
  search: number;
  job: WorkerJob;
  /** The nonce at offset 0 of the range. */
  start: bigint;
  /** Nonces in the range. */
  count: bigint;
  /** Nonces per chunk. */
  chunkSize: bigint;
  /** Nonces per kernel call. */
  batch: number;
}

/** Page → worker: search chunk `k` of the current message-path search (queued in order). */
export interface ChunkMessage {
  type: 'chunk';
  search: number;
  k: bigint;
}

/** Page → worker: a hit is known in chunk `above`; drop every chunk numbered higher. */
export interface CancelMessage {
  type: 'cancel';
  search: number;
  above: bigint;
}

/** Page → worker: stop the current search at the next batch boundary and answer {@link StoppedMessage}. */
export interface StopMessage {
  type: 'stop';
  search: number;
}

/** Page → worker: re-check a nonce with a SHA-256 independent of the kernel. */
export interface VerifyMessage {
  type: 'verify';
  id: number;
  preimage: Uint8Array;
  nonceWidth: NonceWidth;
  effectiveTarget: bigint;
  nonce: bigint;
}

/**
 * Page → worker: search nonces `[first, first + count)` in batches, yielding to
 * the event loop between them, until the end, a hit, or a {@link PieceHaltMessage}.
 * One piece at a time per worker.
 */
export interface PieceMessage {
  type: 'piece';
  /** This piece's id, unique within the miner. */
  piece: number;
  /** The job's id: the worker sets its kernel's job only when it changes. */
  jobId: number;
  job: WorkerJob;
  /** First nonce of the piece. */
  first: bigint;
  /** Nonces in the piece. */
  count: bigint;
  /** Nonces per kernel call. */
  batch: number;
}

/**
 * Why the host ends a piece early. The worker acts the same on all three
 * (stop at the next batch boundary, report what it searched); the host decides
 * whether the rest goes out again.
 * - `yield`: pause or fewer threads; the rest is handed back and goes out first.
 * - `lower`: a lower chunk of the job holds a hit; the rest is not needed.
 * - `stop`: the job was aborted; nothing of it is needed.
 */
export type HaltReason = 'yield' | 'lower' | 'stop';

/** Page → worker: end piece `piece` at the next batch boundary (ignored once it is done). */
export interface PieceHaltMessage {
  type: 'piece-halt';
  piece: number;
  reason: HaltReason;
}

/** Everything the page sends to a worker. */
export type ToWorker =
  | InitMessage
  | SharedSearchMessage
  | MessageSearchMessage
  | ChunkMessage
  | CancelMessage
  | StopMessage
  | VerifyMessage
  | PieceMessage
  | PieceHaltMessage;

/** Worker → page: the kernel is instantiated. */
export interface ReadyMessage {
  type: 'ready';
  build: KernelBuild;
  lanes: number;
}

/** Worker → page: a shared-path thread returned (no chunk left, a hit, or a stop). */
export interface ThreadDoneMessage {
  type: 'thread-done';
  search: number;
  hit: bigint | null;
  attempts: number;
}

/** Worker → page: nonces hashed since the last report (message path, about every 100 ms). */
export interface ProgressMessage {
  type: 'progress';
  search: number;
  attempts: number;
}

/** Worker → page: chunk `k` is finished, has a hit, or was abandoned. */
export interface ChunkDoneMessage {
  type: 'chunk-done';
  search: number;
  k: bigint;
  /** The lowest hit in the chunk, or null. */
  hit: bigint | null;
  /** True when the chunk was dropped (cancelled or stopped) before it was fully searched. */
  abandoned: boolean;
  /** Nonces hashed since the last progress report. */
  attempts: number;
}

/** Worker → page: the worker is idle after a {@link StopMessage}. */
export interface StoppedMessage {
  type: 'stopped';
  search: number;
}

/** Worker → page: the answer to a {@link VerifyMessage}. */
export interface VerifiedMessage {
  type: 'verified';
  id: number;
  valid: boolean;
  /** The double SHA-256 of `preimage || nonce`, lowercase hex. */
  digestHex: string;
  /** Which SHA-256 computed it. */
  sha256: Sha256Name;
}

/** Worker → page: something failed inside the worker (the search cannot go on). */
export interface WorkerErrorMessage {
  type: 'error';
  message: string;
  /** The error's name, e.g. `CompileError` when a Content Security Policy blocks WebAssembly. */
  name: string;
}

/** Worker → page: nonces of piece `piece` searched so far, from its first (about every 100 ms). */
export interface PieceProgressMessage {
  type: 'piece-progress';
  piece: number;
  searched: number;
}

/** Worker → page: piece `piece` is over: searched to its end, stopped at a hit, or halted. */
export interface PieceDoneMessage {
  type: 'piece-done';
  piece: number;
  /** The lowest hit in the piece (a nonce), or null. */
  hit: bigint | null;
  /** Nonces searched from the piece's first: up to and including the hit, or up to where it stopped. */
  searched: number;
}

/** Everything a worker sends to the page. */
export type FromWorker =
  | ReadyMessage
  | ThreadDoneMessage
  | ProgressMessage
  | ChunkDoneMessage
  | StoppedMessage
  | VerifiedMessage
  | WorkerErrorMessage
  | PieceProgressMessage
  | PieceDoneMessage;

/** The SHA-256 implementations a browser host verifies with. */
export type Sha256Name = 'WebCrypto' | 'built-in';
