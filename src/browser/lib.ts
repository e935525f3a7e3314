/**
 * wasm-dmint-miner for browsers (bundled as dist/browser/index.js, with its
 * module worker dist/browser/worker.js beside it): mine pyrxd protocol requests
 * on Web Workers from any page or Electron renderer (`mine`, `Miner`), with or
 * without cross-origin isolation, plus the host-neutral core (parse, verify,
 * estimate). The same names as the Node entry, minus the Node-only ones.
 *
 * The workers are started with `new URL('./worker.js', import.meta.url)`, the
 * form Vite and webpack 5 follow; pass `workerUrl` where worker.js lives
 * elsewhere. The kernel is inlined: no .wasm file to serve. A Content Security
 * Policy needs `'wasm-unsafe-eval'` in `script-src`.
 * @module
 */
export { mine, type MineOptions } from './mine.ts';
export { Miner, BACKENDS, type Backend, type BackendChoice, type BackendStatus, type MinerOptions } from './miner.ts';
export type { GpuAdapterSummary } from '../gpu/kernel.ts';
export type { SchedulingMode } from './executor.ts';
export { sharedMemorySupport, type SharedMemorySupport, type SharedMemoryHost } from './shared-memory.ts';
export { abortError, type HitCheck, type JobOptions, type MineProgress, type MineResponse, type SearchOutcome } from '../core/job-api.ts';
export type { FromChild, ToChild, JobId } from '../core/ipc-messages.ts';
export { VerificationError, SupportError, WorkerFailure, type SupportProblem } from './errors.ts';
export { RequestError, type RequestErrorCode } from '../core/errors.ts';
export { parseRequest, MAX_TARGET, type MineRequest } from '../core/request.ts';
export { formatHit, formatExhausted, formatProgress, toResponse } from '../core/response.ts';
export { NonceRangeError, MAX_THREADS } from '../core/range.ts';
export { nonceToHex, nonceFromHex, type NonceWidth } from '../core/nonce.ts';
export { verifySolution, verifySolutionSync, digestMeetsTarget, type Verification } from '../core/verify.ts';
export { estimate, attemptsForProbability, type Estimate } from '../core/estimate.ts';
