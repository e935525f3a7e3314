/**
 * The messages between the miner and its GPU process (gpu-child.ts), sent
 * with Node's advanced serialization, so bigints and bytes cross as they are.
 * @module
 */
import type { GpuAdapterSummary } from '../gpu/kernel.ts';
import type { KernelBound } from '../core/kernel-bound.ts';
import type { NonceWidth } from '../core/nonce.ts';

/** From the miner to the GPU process. */
export type ToGpu =
  | { op: 'job'; preimage: Uint8Array; nonceWidth: NonceWidth; bound: KernelBound }
  | { op: 'submit'; id: number; first: bigint; count: number }
  | { op: 'digests'; id: number; first: bigint; count: number };

/** From the GPU process to the miner. */
export type FromGpu =
  | { op: 'ready'; adapter: GpuAdapterSummary | null }
  /** No adapter (`noGpu`), or the opening failed otherwise; the process then ends. */
  | { op: 'unavailable'; message: string; noGpu: boolean }
  | { op: 'scan'; id: number; hit: bigint | null; scanned: number }
  | { op: 'digests'; id: number; bytes: Uint8Array }
  | { op: 'failed'; id: number; message: string };
