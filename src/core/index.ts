/**
 * Host-neutral core of wasm-dmint-miner: the pyrxd protocol v1, the
 * proof-of-work predicate, a portable SHA-256 and attempt estimates.
 * Standard ECMAScript only: no Node or DOM imports.
 * @module
 */

export { RequestError, type RequestErrorCode } from './errors.ts';
export { bytesToHex, hexToBytes } from './bytes.ts';
export { MAX_REQUEST_BYTES, MAX_TARGET, PROTOCOL_VERSION, parseRequest, type MineRequest } from './request.ts';
export { formatExhausted, formatHit, formatProgress, type Hit } from './response.ts';
export { kernelBound, type KernelBound } from './kernel-bound.ts';
export { nonceBytes, nonceFromHex, nonceToHex, type NonceWidth } from './nonce.ts';
export { sha256 } from './sha256.ts';
export {
  digestBelowBound,
  digestMeetsTarget,
  powMessage,
  verifySolution,
  verifySolutionSync,
  type Sha256,
  type Sha256Sync,
  type SolutionJob,
  type Verification,
} from './verify.ts';
export { attemptsForProbability, estimate, type Estimate } from './estimate.ts';
export {
  Kernel,
  chooseBuild,
  type KernelBinaries,
  type KernelBuild,
  type KernelExports,
  type ScanResult,
} from './kernel.ts';
