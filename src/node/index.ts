/**
 * wasm-dmint-miner for Node: mine pyrxd protocol requests on worker threads (or
 * the GPU, through the optional `webgpu` package) from any Node program (`mine`, `Miner`), or in a child process over IPC
 * (`spawnMiner`), plus the host-neutral core (parse, verify, estimate).
 * @module
 */
export { mine, type MineOptions } from './mine.ts';
export {
  Miner, BACKENDS, abortError, type Backend, type BackendChoice, type BackendStatus, type HitCheck, type JobOptions, type MinerOptions, type MineProgress, type MineResponse, type SearchOutcome,
} from './miner.ts';
export { NoGpuError, type GpuAdapterSummary } from '../gpu/kernel.ts';
export { spawnMiner, type ChildStatus, type MinerProcess, type SpawnOptions } from './spawn.ts';
export type { FromChild, ToChild, JobId } from '../core/ipc-messages.ts';
export { VerificationError } from '../core/errors.ts';
export { RequestError, type RequestErrorCode } from '../core/errors.ts';
export { parseRequest, MAX_TARGET, type MineRequest } from '../core/request.ts';
export { formatHit, formatExhausted, formatProgress, toResponse } from '../core/response.ts';
export { NonceRangeError, MAX_THREADS } from '../core/range.ts';
export { nonceToHex, nonceFromHex, type NonceWidth } from '../core/nonce.ts';
export { verifySolution, verifySolutionSync, digestMeetsTarget, type Verification } from '../core/verify.ts';
export { estimate, attemptsForProbability, type Estimate } from '../core/estimate.ts';
export { nodeSha256 } from './sha256.ts';
