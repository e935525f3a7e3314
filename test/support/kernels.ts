// Both kernel builds, loaded from the compiled wasm in build/ (npm test builds
// first), and a node:crypto oracle the kernel tests compare against.
import { readFileSync } from 'node:fs';
import { Kernel, type KernelBinaries, type KernelBuild } from '../../src/core/kernel.ts';
import type { KernelBound } from '../../src/core/kernel-bound.ts';
import type { NonceWidth } from '../../src/core/nonce.ts';
import { digestBelowBound } from '../../src/core/verify.ts';
import { nodeSha256 } from './vectors.ts';

const read = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../build/${name}`, import.meta.url)));

/** The compiled bytes of both builds. */
export const binaries: KernelBinaries = { simd: read('kernel-simd.wasm'), scalar: read('kernel-scalar.wasm') };

/** Every build, for `describe.each`. */
export const BUILDS: KernelBuild[] = ['simd', 'scalar'];

/** A fresh instance of one build. */
export function kernelOf(build: KernelBuild): Kernel {
  return Kernel.fromBytes(build, binaries[build]);
}

/** sha256d(preimage || nonce LE) through node:crypto. */
export function refDigest(preimage: Uint8Array, nonce: bigint, width: NonceWidth): Buffer {
  const msg = Buffer.alloc(64 + width);
  msg.set(preimage);
  if (width === 4) msg.writeUInt32LE(Number(nonce), 64);
  else msg.writeBigUInt64LE(nonce, 64);
  return Buffer.from(nodeSha256(nodeSha256(msg)));
}

/** Whether the digest's top 96 bits, big-endian, are below the bound (the kernel's predicate). */
export const belowBound = digestBelowBound;

/** Every nonce in [start, start+count) whose digest is below the bound, by node:crypto. */
export function refHits(preimage: Uint8Array, width: NonceWidth, bound: KernelBound, start: bigint, count: number): bigint[] {
  const hits: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const nonce = start + BigInt(i);
    if (belowBound(refDigest(preimage, nonce, width), bound)) hits.push(nonce);
  }
  return hits;
}

/** Every hit the kernel reports in [start, start+count), by rescanning after each one. */
export function kernelHits(kernel: Kernel, start: bigint, count: number): bigint[] {
  const hits: bigint[] = [];
  const end = start + BigInt(count);
  let next = start;
  while (next < end) {
    const r = kernel.scan(next, Number(end - next));
    if (r.hit === null) break;
    hits.push(r.hit);
    next = r.hit + 1n;
  }
  return hits;
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function prng(seed: number): { bytes(n: number): Uint8Array; u32(): number; below(n: number): number } {
  let s = seed >>> 0 || 1;
  const u32 = (): number => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
  return {
    u32,
    below: (n) => Math.floor((u32() / 2 ** 32) * n),
    bytes: (n) => Uint8Array.from({ length: n }, () => u32() & 0xff),
  };
}
