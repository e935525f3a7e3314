/**
 * The last gate before a nonce leaves a Node host: re-hash it with node:crypto
 * (independent of the kernel) and check the core's predicate.
 */
import { VerificationError } from '../core/errors.ts';
import type { KernelBuild } from '../core/kernel-build.ts';
import type { KernelBound, MineRequest } from '../core/protocol.ts';
import { digestBelowBound, digestMeetsTarget, powMessage } from '../core/verify.ts';
import { nodeSha256 } from './sha256.ts';

export { VerificationError };

/**
 * Return `nonce` when node:crypto confirms it meets the request's target (or
 * `bound`, when a caller searched with an explicit one); throw
 * {@link VerificationError} otherwise.
 */
export function verifiedNonce(request: MineRequest, nonce: bigint, build: KernelBuild, bound?: KernelBound): bigint {
  const digest = nodeSha256(nodeSha256(powMessage(request.preimage, nonce, request.nonceWidth)));
  const valid = bound ? digestBelowBound(digest, bound) : digestMeetsTarget(digest, request.effectiveTarget);
  if (!valid) {
    throw new VerificationError(
      `internal error: the ${build} kernel reported nonce ${nonce.toString(16)} but node:crypto does not confirm it; nothing was printed`,
    );
  }
  return nonce;
}
