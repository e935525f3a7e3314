/**
 * The job a thread's kernel holds. Every thread (a Node worker, a browser
 * worker, the CLI's head start, the GPU) keeps one, so that consecutive
 * pieces of one job skip the kernel's `setJob`.
 * @module
 */
import type { PieceOrder } from './executor.ts';
import type { KernelBound } from './kernel-bound.ts';
import type { NonceWidth } from './nonce.ts';

/** A kernel that holds one job's constants at a time. */
export interface JobKernel {
  setJob(preimage: Uint8Array, nonceWidth: NonceWidth, bound: KernelBound): void;
}

/** The job part of a piece order. */
export type JobOrder = Pick<PieceOrder, 'jobId' | 'preimage' | 'nonceWidth' | 'bound'>;

/** Which job a thread's kernel holds, by the engine's job id. */
export class JobSlot {
  #jobId: number | null = null;

  /** Give `kernel` the order's job, unless it holds that job already. */
  load(kernel: JobKernel, order: JobOrder): void {
    if (order.jobId === this.#jobId) return;
    this.#jobId = null; // a setJob that throws half-way leaves no job to trust
    kernel.setJob(order.preimage, order.nonceWidth, order.bound);
    this.#jobId = order.jobId;
  }
}
