/**
 * The known answers `doctor` (and `bench`'s GPU probe) checks every kernel on:
 * fixture vectors whose digest node:crypto confirms, so a kernel's digest and
 * its search around the vector's nonce can be judged against both.
 * @module
 */
import vectors from '../../fixtures/pyrxd-vectors.json' with { type: 'json' };
import { bytesToHex, hexToBytes } from '../core/bytes.ts';
import { MAX_TARGET } from '../core/request.ts';
import { kernelBound, type KernelBound } from '../core/kernel-bound.ts';
import { nonceFromHex, type NonceWidth } from '../core/nonce.ts';
import { powMessage } from '../core/verify.ts';
import { nodeSha256 } from './sha256.ts';

/** The PXD mainnet mint, pyrxd's own pinned vector, and a V2 vector. */
const KNOWN = ['pxd-mainnet-mint-c9fdcd34', 'pyrxd-test-ab64-d17f0162', 'gen-w8-409'];

/** One vector, ready for a kernel. */
export interface KnownVector {
  readonly id: string;
  readonly preimage: Uint8Array;
  readonly width: NonceWidth;
  /** The kernel bound of the difficulty-1 target, under which `nonce` is the lowest hit of the 4096 nonces ending at it. */
  readonly bound: KernelBound;
  readonly nonce: bigint;
  /** Its sha256d, hex, as the fixture and node:crypto give it. */
  readonly digestHex: string;
}

/** What the known answers were checked on, for a report's detail. */
export const KNOWN_ANSWERS_DETAIL = `${KNOWN.length} vectors (PXD mainnet mint included) match node:crypto and the fixtures`;

/**
 * The known vectors, each one's fixture digest confirmed by node:crypto.
 * @throws Error naming a missing fixture, or a fixture node:crypto disagrees with.
 */
export function knownVectors(): KnownVector[] {
  return KNOWN.map((id) => {
    const v = vectors.pow_vectors.find((p) => p.id === id);
    if (!v) throw new Error(`fixture ${id} missing`);
    const width = v.nonce_width as NonceWidth;
    const preimage = hexToBytes(v.preimage_hex);
    const nonce = nonceFromHex(v.nonce_hex, width);
    const reference = bytesToHex(nodeSha256(nodeSha256(powMessage(preimage, nonce, width))));
    if (reference !== v.digest_hex) throw new Error(`${id}: node:crypto gives ${reference}, the fixture ${v.digest_hex}`);
    return { id, preimage, width, bound: kernelBound(MAX_TARGET), nonce, digestHex: v.digest_hex };
  });
}

/**
 * Judge a kernel on one vector: its digest of the vector's nonce, and the lowest
 * hit it found searching the 4096 nonces ending at it.
 * @throws Error saying what the kernel got wrong.
 */
export function judgeKnownAnswer(v: KnownVector, digest: Uint8Array, found: bigint | null, kernel: string): void {
  const got = bytesToHex(digest);
  if (got !== v.digestHex) throw new Error(`${v.id}: the ${kernel} digest is ${got}, node:crypto and the fixture say ${v.digestHex}`);
  if (found !== v.nonce) throw new Error(`${v.id}: the ${kernel} found ${found} instead of ${v.nonce}`);
}
