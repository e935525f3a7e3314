/**
 * Mine one request on the calling thread: the kernel scans the whole nonce space
 * from 0 in batches, and any hit is re-verified with node:crypto before it is
 * returned. The multi-threaded CLI builds on the same pieces.
 */
import { kernelBinaries } from '../core/binaries.ts';
import { Kernel } from '../core/kernel.ts';
import { formatExhausted, formatHit, kernelBound, type MineRequest } from '../core/protocol.ts';
import { searchRange } from '../core/search.ts';
import { verifySolutionSync } from '../core/verify.ts';
import { nodeSha256 } from './sha256.ts';

/** Outcome of {@link mineOnThisThread}. */
export interface SingleThreadResult {
  /** The protocol response line (no newline). */
  line: string;
  /** Process exit code the protocol gives it: 0 hit, 2 exhausted. */
  exitCode: 0 | 2;
  /** The kernel build that ran. */
  build: Kernel['build'];
}

/** Thrown when the kernel reports a nonce that node:crypto does not confirm. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
}

/**
 * Search `request` from nonce 0 upwards on this thread and return the response.
 * `onProgress` is called after every batch with attempts and elapsed seconds.
 */
export function mineOnThisThread(request: MineRequest, onProgress?: (attempts: number, elapsedS: number) => void): SingleThreadResult {
  const started = performance.now();
  const kernel = Kernel.best(kernelBinaries);
  kernel.setJob(request.preimage, request.nonceWidth, kernelBound(request.effectiveTarget));
  const space = kernel.spaceEnd;
  const result = searchRange(kernel, 0n, space, {
    onBatch: (searched) => onProgress?.(searched, (performance.now() - started) / 1000),
  });
  const elapsedS = (performance.now() - started) / 1000;
  if (result.hit === null) return { line: formatExhausted(), exitCode: 2, build: kernel.build };
  const check = verifySolutionSync(request, result.hit, nodeSha256);
  if (!check.valid) {
    throw new VerificationError(`internal error: the ${kernel.build} kernel reported nonce ${result.hit} but node:crypto does not confirm it`);
  }
  return {
    line: formatHit({ nonce: result.hit, nonceWidth: request.nonceWidth, attempts: result.searched, elapsedS }),
    exitCode: 0,
    build: kernel.build,
  };
}
