/**
 * wasm-dmint-miner for Node: mine pyrxd protocol requests on worker threads (or
 * the GPU, through the optional `webgpu` package) from any Node program (`mine`, `Miner`), or in a child process over IPC
 * (`spawnMiner`), plus the host-neutral core (parse, verify, estimate).
 * @module
 */
export { mine, type MineOptions } from './mine.ts';
export {
  Miner, BACKENDS, abortError, type Backend, type BackendChoice, type BackendStatus, type HitCheck, type JobOptions, type MinerOptions, type MineProgress, type MineResponse,
} from './miner.ts';
export { NoGpuError, type GpuAdapterSummary } from '../gpu/kernel.ts';
export { spawnMiner, type ChildStatus, type MinerProcess, type SpawnOptions } from './spawn.ts';
export type { FromChild, ToChild, JobId } from '../core/ipc-messages.ts';
export { VerificationError } from '../core/errors.ts';
export { RequestError, type RequestErrorCode } from '../core/errors.ts';
export { parseRequest, formatHit, formatExhausted, formatProgress, nonceToHex, nonceFromHex, MAX_TARGET, type MineRequest, type NonceWidth } from '../core/protocol.ts';
export { verifySolution, verifySolutionSync, digestMeetsTarget, type Verification } from '../core/verify.ts';
export { estimate, attemptsForProbability, type Estimate } from '../core/estimate.ts';
export { nodeSha256 } from './sha256.ts';
