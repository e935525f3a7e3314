/**
 * The browser host of wasm-dmint-miner: a pool of module Web Workers over the
 * shared core, with SharedArrayBuffer scheduling when the page is cross-origin
 * isolated and message scheduling when it is not.
 * @module
 */
export { ChunkDispatcher } from './dispatcher.ts';
export { SupportError, VerificationError, WorkerFailure, isCspBlock, type SupportProblem } from './errors.ts';
export { loadKernelModule, type KernelModule, type LoadOptions } from './kernel-module.ts';
export {
  DEFAULT_BATCH,
  DEFAULT_CHUNK,
  MinerPool,
  canShareMemory,
  nonceSpace,
  type BrowserOutcome,
  type BrowserSearch,
  type BrowserSearchOptions,
  type PoolOptions,
  type SchedulingMode,
} from './pool.ts';
export { hostSha256, type HostSha256, type SubtleHost } from './sha256.ts';
export type { Sha256Name } from './messages.ts';
