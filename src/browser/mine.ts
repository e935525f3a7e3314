/**
 * The one-call library API for browsers: `mine(request, options)` runs one
 * request on its own {@link Miner} and terminates its workers once it settles,
 * so nothing keeps hashing or holding memory after the answer.
 * @module
 */
import { mineOnce } from '../core/mine-once.ts';
import type { JobOptions, MineResponse } from '../core/job-api.ts';
import { Miner, type BackendChoice } from './miner.ts';

/** Options of {@link mine}: a job's options plus its thread count, throttle and worker script. */
export interface MineOptions extends JobOptions {
  /** Worker threads (default: `navigator.hardwareConcurrency`). */
  threads?: number;
  /** Percent of each thread's time spent hashing, 1 to 100 (default 100). */
  throttle?: number;
  /** The worker script (default: worker.js beside this bundle). */
  workerUrl?: URL | string;
  /** What hashes: `wasm` (default), `webgpu` or `auto` (see {@link Miner}). */
  backend?: BackendChoice;
}

/**
 * Mine one request: the protocol request as an object or JSON text. Resolves to
 * `{nonce_hex, attempts, elapsed_s}` (re-verified in a worker with WebCrypto,
 * or the core's pure-TS SHA-256 where `crypto.subtle` is missing) or
 * `{exhausted: true}`; rejects with the core's RequestError for a bad request,
 * a RangeError for a bad range, thread count or throttle, or the abort reason (a
 * DOMException named AbortError unless the signal was given another) within
 * 200 ms of the abort.
 */
export async function mine(request: object | string, options: MineOptions = {}): Promise<MineResponse> {
  const { threads, throttle, workerUrl, backend, ...job } = options;
  return mineOnce(request, job, () => new Miner({ threads, throttle, workerUrl, backend }));
}
