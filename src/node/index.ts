/**
 * wasm-dmint-miner for Node: mine a pyrxd protocol request on worker threads
 * from any Node program, plus the host-neutral core (parse, verify, estimate).
 * @module
 */
export { mine, type MineOptions, type MineProgress, type MineResponse } from './mine.ts';
export { RequestError, type RequestErrorCode } from '../core/errors.ts';
export { parseRequest, formatHit, formatExhausted, formatProgress, nonceToHex, nonceFromHex, MAX_TARGET, type MineRequest, type NonceWidth } from '../core/protocol.ts';
export { verifySolution, verifySolutionSync, digestMeetsTarget, type Verification } from '../core/verify.ts';
export { estimate, attemptsForProbability, type Estimate } from '../core/estimate.ts';
export { nodeSha256 } from './sha256.ts';
