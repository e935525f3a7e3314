/**
 * The scheduling constants every host uses, in one place; docs/design.md has
 * the measurements behind them.
 * @module
 */

/**
 * Nonces per chunk: about 0.1 s of one SIMD thread. It bounds how long a hit
 * waits for lower chunks still in flight, and how much a thread hands back.
 */
export const CHUNK_SIZE = 1n << 18n;

/**
 * Nonces per kernel call (about 15 ms): halts, pause, thread changes and
 * aborts act between calls, and wasm has no on-stack replacement, so a long
 * call would also stay in a slower tier.
 */
export const BATCH_SIZE = 1 << 15;

/** Milliseconds between progress reports to the caller (pyrxd's reference interval). */
export const PROGRESS_INTERVAL_MS = 500;

/** Milliseconds between a message worker's reports of a piece's progress to the engine. */
export const PIECE_REPORT_MS = 100;
