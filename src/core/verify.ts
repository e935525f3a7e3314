/**
 * The proof-of-work predicate (docs/protocol.md), over a SHA-256 the host
 * supplies (node:crypto, WebCrypto, or the core's own {@link sha256}).
 * @module
 */

import { abytes, bytesToHex } from './bytes.ts';
import { describeValue } from './errors.ts';
import type { HitCheck } from './job-api.ts';
import { MAX_TARGET, type MineRequest } from './request.ts';
import { nonceBytes, type NonceWidth } from './nonce.ts';
import { type KernelBound } from './kernel-bound.ts';

/** A SHA-256 supplied by the host; may be asynchronous (WebCrypto). */
export type Sha256 = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** A synchronous SHA-256 (node:crypto, or the core's own `sha256`). */
export type Sha256Sync = (data: Uint8Array) => Uint8Array;

/** The part of a request that the predicate depends on. */
export type SolutionJob = Pick<MineRequest, 'preimage' | 'effectiveTarget' | 'nonceWidth'>;

/** The outcome of verifying one nonce. */
export interface Verification {
  /** Whether the nonce solves the job. */
  valid: boolean;
  /** `sha256(sha256(preimage || nonce_le))`, in raw digest order (never reversed). */
  digest: Uint8Array;
}

const PREIMAGE_BYTES = 64;
const DIGEST_BYTES = 32;

/**
 * The predicate on a finished digest: `target > 0`, `digest[0..4]` all zero, and the
 * big-endian u64 of `digest[4..12]` strictly below `min(target, MAX_TARGET)`.
 * Any bigint target is allowed: zero or negative never passes, a huge one is clamped.
 * @throws TypeError or RangeError if `digest` is not 32 bytes or `target` not a bigint.
 */
export function digestMeetsTarget(digest: Uint8Array, target: bigint): boolean {
  abytes(digest, DIGEST_BYTES, 'digest');
  if (typeof target !== 'bigint') throw new TypeError(`target must be a bigint, got ${describeValue(target)}`);
  if (target <= 0n) return false;
  if ((digest[0] | digest[1] | digest[2] | digest[3]) !== 0) return false;
  // Built as a bigint, so the comparison is unsigned by construction.
  let value = 0n;
  for (let i = 4; i < 12; i++) value = (value << 8n) | BigInt(digest[i]);
  return value < (target < MAX_TARGET ? target : MAX_TARGET);
}

/**
 * The kernel's generic predicate on a finished digest: its top 96 bits, big-endian,
 * are strictly below the bound `(b0:b1:b2)`. With the protocol's bound
 * `(0, target_hi, target_lo)` it is exactly {@link digestMeetsTarget}; looser
 * bounds let tests and benchmarks check many hits against the kernel.
 */
export function digestBelowBound(digest: Uint8Array, bound: KernelBound): boolean {
  abytes(digest, DIGEST_BYTES, 'digest');
  let prefix = 0n;
  for (let i = 0; i < 12; i++) prefix = (prefix << 8n) | BigInt(digest[i]);
  const limit = (BigInt(bound.b0 >>> 0) << 64n) | (BigInt(bound.b1 >>> 0) << 32n) | BigInt(bound.b2 >>> 0);
  return prefix < limit;
}

/**
 * The message that is hashed: `preimage || nonce` as `width` little-endian bytes.
 * @throws RangeError if the preimage is not 64 bytes or the nonce does not fit the width.
 */
export function powMessage(preimage: Uint8Array, nonce: bigint, width: NonceWidth): Uint8Array {
  abytes(preimage, PREIMAGE_BYTES, 'preimage');
  const message = new Uint8Array(PREIMAGE_BYTES + width);
  message.set(preimage);
  message.set(nonceBytes(nonce, width), PREIMAGE_BYTES);
  return message;
}

function checkDigest(digest: unknown): Uint8Array {
  // A host hash returning something else is a host bug, not a failed proof.
  return abytes(digest, DIGEST_BYTES, 'sha256 output');
}

/**
 * `sha256(sha256(preimage || nonce_le))`, in raw digest order, with a possibly asynchronous SHA-256.
 * @throws (rejects with) RangeError for a nonce outside `[0, 2^(8*width))` or a
 * preimage that is not 64 bytes.
 */
export async function powDigest(job: Pick<SolutionJob, 'preimage' | 'nonceWidth'>, nonce: bigint, sha256: Sha256): Promise<Uint8Array> {
  const message = powMessage(job.preimage, nonce, job.nonceWidth);
  return checkDigest(await sha256(checkDigest(await sha256(message))));
}

/**
 * Verifies `nonce` against `job` with a possibly asynchronous SHA-256.
 * @returns whether the nonce is a solution, and the double-SHA-256 digest.
 * @throws (rejects with) RangeError for a nonce outside `[0, 2^(8*width))` or a
 * preimage that is not 64 bytes.
 */
export async function verifySolution(job: SolutionJob, nonce: bigint, sha256: Sha256): Promise<Verification> {
  const digest = await powDigest(job, nonce, sha256);
  return { valid: digestMeetsTarget(digest, job.effectiveTarget), digest };
}

/**
 * {@link verifySolution} with a synchronous SHA-256.
 * @throws RangeError for a nonce outside `[0, 2^(8*width))` or a preimage that is not 64 bytes.
 */
export function verifySolutionSync(job: SolutionJob, nonce: bigint, sha256: Sha256Sync): Verification {
  const message = powMessage(job.preimage, nonce, job.nonceWidth);
  const digest = checkDigest(sha256(checkDigest(sha256(message))));
  return { valid: digestMeetsTarget(digest, job.effectiveTarget), digest };
}

/**
 * The engine's independent check of a hit: {@link verifySolution} with the
 * host's SHA-256, named for whoever shows the result.
 */
export async function checkHit(job: SolutionJob, nonce: bigint, sha256: Sha256, name: HitCheck['sha256']): Promise<HitCheck> {
  const v = await verifySolution(job, nonce, sha256);
  return { nonce, valid: v.valid, digestHex: bytesToHex(v.digest), sha256: name };
}
