/**
 * The GPU as `doctor` and `bench` see it: the adapter Dawn opens, known answers
 * of the WGSL kernel against node:crypto, and its rate, measured in the GPU
 * process the miner uses (so a crash here costs nothing either).
 * @module
 */
import vectors from '../../fixtures/pyrxd-vectors.json' with { type: 'json' };
import { bytesToHex, hexToBytes } from '../core/bytes.ts';
import { MAX_TARGET, kernelBound, nonceFromHex, type NonceWidth } from '../core/protocol.ts';
import { powMessage } from '../core/verify.ts';
import type { GpuAdapterSummary } from '../gpu/kernel.ts';
import { startGpuProcess, type GpuProcess } from './gpu-process.ts';
import { nodeSha256 } from './sha256.ts';

/** What {@link probeGpu} found. */
export type GpuProbe =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly adapter: GpuAdapterSummary | null;
      /** Whether the kernel's digests of the fixture vectors match node:crypto's and the fixtures'; the mismatch otherwise. */
      readonly knownAnswers: { readonly ok: boolean; readonly detail: string };
      /** Nonces per second of the kernel alone, after a warm-up. */
      readonly rate: number;
    };

// The PXD mainnet mint, pyrxd's own pinned vector, and a V2 vector (as the wasm kernel's check).
const KNOWN = ['pxd-mainnet-mint-c9fdcd34', 'pyrxd-test-ab64-d17f0162', 'gen-w8-409'];
/** A bound no digest meets, so every nonce is hashed. */
const NEVER = { b0: 0, b1: 0, b2: 0 };

/**
 * Open the GPU in its process with `threads` threads for a software adapter,
 * check it against the fixtures and measure it for `seconds`.
 */
export async function probeGpu(threads: number, seconds: number): Promise<GpuProbe> {
  const start = startGpuProcess({ threads });
  try {
    let gpu: GpuProcess;
    try {
      gpu = await start.ready;
    } catch (err) {
      return { available: false, reason: (err as Error).message };
    }
    const knownAnswers = await checkKnownAnswers(gpu);
    const rate = knownAnswers.ok ? await measure(gpu, seconds) : 0;
    return { available: true, adapter: gpu.adapter, knownAnswers, rate };
  } finally {
    start.kill();
    await start.ended;
  }
}

async function checkKnownAnswers(gpu: GpuProcess): Promise<{ ok: boolean; detail: string }> {
  try {
    for (const id of KNOWN) {
      const v = vectors.pow_vectors.find((p) => p.id === id);
      if (!v) throw new Error(`fixture ${id} missing`);
      const width = v.nonce_width as NonceWidth;
      const preimage = hexToBytes(v.preimage_hex);
      const nonce = nonceFromHex(v.nonce_hex, width);
      gpu.setJob(preimage, width, kernelBound(MAX_TARGET));
      const digest = bytesToHex(await gpu.digests(nonce, 1));
      const reference = bytesToHex(nodeSha256(nodeSha256(powMessage(preimage, nonce, width))));
      if (digest !== v.digest_hex || reference !== v.digest_hex) throw new Error(`${id}: GPU digest ${digest}, node:crypto ${reference}, fixture ${v.digest_hex}`);
      const found = await gpu.submit(nonce - 4095n, 4096);
      if (found.hit !== nonce) throw new Error(`${id}: the GPU found ${found.hit} instead of ${nonce}`);
    }
    return { ok: true, detail: `${KNOWN.length} vectors (PXD mainnet mint included) match node:crypto and the fixtures` };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/** Nonces per second over dispatches of about 50 ms, two in flight, after the dispatch size settles. */
async function measure(gpu: GpuProcess, seconds: number): Promise<number> {
  gpu.setJob(new Uint8Array(64).fill(0xab), 4, NEVER);
  let size = 1 << 16;
  let next = 0;
  const dispatch = async (): Promise<number> => {
    const first = next;
    next = (next + size) % 2 ** 31; // stays clear of the 2^32 boundary a dispatch may not cross
    const t0 = performance.now();
    await gpu.submit(BigInt(first), size);
    return performance.now() - t0;
  };
  // Grow the dispatch until one takes about 50 ms (a real GPU needs large ones to be measured at all).
  while (size < 1 << 26 && (await dispatch()) < 50) size *= 2;
  let nonces = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await Promise.all([dispatch(), dispatch()]);
    nonces += 2 * size;
  }
  return (nonces / (performance.now() - t0)) * 1000;
}
