/**
 * What hashes a Miner's jobs: the backends a Miner may be asked for, the
 * check of that choice, and the status a Miner reports of it.
 * @module
 */
import type { GpuAdapterSummary } from './kernel.ts';

/** What hashes: the wasm kernel on the host's threads, or the WGSL kernel on the GPU through WebGPU. */
export type Backend = 'wasm' | 'webgpu';

/** What a Miner may be asked to use: a backend, or `auto` (the faster of the two where there is a GPU). */
export type BackendChoice = Backend | 'auto';

/** The backends the Miners accept. */
export const BACKENDS: readonly BackendChoice[] = ['auto', 'wasm', 'webgpu'];

/** Whether `value` names a backend the Miners accept. */
export function isBackendChoice(value: unknown): value is BackendChoice {
  return (BACKENDS as readonly unknown[]).includes(value);
}

/**
 * `backend`, checked.
 * @throws RangeError unless it is one of {@link BACKENDS}.
 */
export function checkBackend(backend: unknown): BackendChoice {
  if (!isBackendChoice(backend)) throw new RangeError(`backend must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(backend)}`);
  return backend;
}

/** Where a Miner's backend stands, for pages and apps to show. */
export interface BackendStatus {
  /** What the Miner was asked for. */
  readonly choice: BackendChoice;
  /** What hashes now (or will, once a job comes). */
  readonly active: Backend;
  /** Whether `auto` is measuring the two (from the GPU's opening until it decides). */
  readonly calibrating: boolean;
  /** The GPU's adapter, once its device is open. */
  readonly adapter: GpuAdapterSummary | null;
  /** Rates measured by `auto`'s calibration, in nonces per second; null until measured. */
  readonly rates: { readonly webgpu: number | null; readonly wasm: number | null };
  /** Why the GPU is not used (no adapter, or it failed mid-job), in words; null otherwise. */
  readonly gpuProblem: string | null;
}
