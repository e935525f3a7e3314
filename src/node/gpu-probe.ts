/**
 * The GPU as `doctor` and `bench` see it: the adapter Dawn opens, known answers
 * of the WGSL kernel against node:crypto, and its rate, measured in the GPU
 * process the miner uses (so a crash here costs nothing either).
 * @module
 */
import type { GpuAdapterSummary } from '../gpu/kernel.ts';
import { startGpuProcess, type GpuProcess } from './gpu-process.ts';
import { KNOWN_ANSWERS_DETAIL, judgeKnownAnswer, knownVectors } from './known-answers.ts';

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
    for (const v of knownVectors()) {
      gpu.setJob(v.preimage, v.width, v.bound);
      judgeKnownAnswer(v, await gpu.digests(v.nonce, 1), (await gpu.submit(v.nonce - 4095n, 4096)).hit, 'GPU kernel');
    }
    return { ok: true, detail: KNOWN_ANSWERS_DETAIL };
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
