/**
 * The one-call library API for Node: `mine(request, options)` runs one request
 * on its own {@link Miner} and releases every thread once it settles, so a
 * process with nothing else to do exits by itself.
 * @module
 */
import { mineOnce } from '../core/mine-once.ts';
import { Miner, type BackendChoice, type JobOptions, type MineResponse } from './miner.ts';

/** Options of {@link mine}: a job's options plus its thread count and throttle. */
export interface MineOptions extends JobOptions {
  /** Worker threads (default: the available parallelism). */
  threads?: number;
  /** Percent of each thread's time spent hashing, 1 to 100 (default 100). */
  throttle?: number;
  /** What hashes (default `wasm`): see the Miner's `backend`. */
  backend?: BackendChoice;
}

/**
 * Mine one request: the protocol request as an object or JSON text. Resolves to
 * `{nonce_hex, attempts, elapsed_s}` (re-verified with node:crypto) or
 * `{exhausted: true}`; rejects with the core's RequestError for a bad request,
 * a RangeError for a bad range, thread count, throttle or backend, a NoGpuError
 * for `backend: 'webgpu'` where there is no GPU, or the abort reason (a
 * DOMException named AbortError unless the signal was given another) within
 * a kernel batch of the abort.
 */
export async function mine(request: object | string, options: MineOptions = {}): Promise<MineResponse> {
  const { threads, throttle, backend, ...job } = options;
  return mineOnce(request, job, () => new Miner({ threads, throttle, backend }));
}
