/**
 * The "This browser" card: the kernel build, the scheduling path, the live
 * thread count, the SHA-256 that verifies hits, and the cores reported.
 * All but {@link describeWorkers} write into the page.
 * @module
 */
import type { KernelBuild } from '../src/core/kernel-build.ts';
import type { SchedulingMode } from '../src/browser/executor.ts';
import type { SharedMemorySupport } from '../src/browser/shared-memory.ts';

/** The card's fields. */
export interface EnvironmentCard {
  build: HTMLElement;
  mode: HTMLElement;
  workers: HTMLElement;
  verify: HTMLElement;
  cores: HTMLElement;
}

/** What holds before the Miner exists: the cores the browser reports and the verifying SHA-256. */
export function describeEnvironment(card: EnvironmentCard, cores: number): void {
  card.cores.textContent = `${cores} logical ${cores === 1 ? 'core' : 'cores'} reported`;
  card.verify.textContent = globalThis.crypto?.subtle
    ? 'WebCrypto SHA-256, independent of the kernel (in a worker; on the page for GPU hits)'
    : "The miner's built-in SHA-256 (this context has no crypto.subtle, as on plain http), independent of the kernel";
}

/**
 * The Miner's build and scheduling path, also as `document.body.dataset.build` and `.mode`;
 * `support` is what decided the path, so the card gives the real reason.
 */
export function describeMiner(card: EnvironmentCard, m: { readonly build: KernelBuild; readonly mode: SchedulingMode }, forcedScalar: boolean, support: SharedMemorySupport): void {
  document.body.dataset.build = m.build;
  document.body.dataset.mode = m.mode;
  if (m.build === 'simd') card.build.textContent = 'WebAssembly SIMD, 4 nonces per pass';
  else if (forcedScalar) card.build.textContent = 'Scalar WebAssembly, forced by the link (scalar=1); this browser has SIMD';
  else card.build.textContent = 'Scalar WebAssembly: this browser has no WebAssembly SIMD, so the slower scalar build runs';
  card.mode.textContent = m.mode === 'shared'
    ? `Shared memory: ${support.reason}, so the workers share the search through a SharedArrayBuffer`
    : `Messages: ${support.shared ? 'chosen for this page' : support.reason}, so the workers get their work by message`;
}

/**
 * The card's Workers line: `threads` allowed and `hashing` now while a job runs
 * (`state` mining or paused); between jobs, what Start will use
 * (`defaultThreads` for an empty Threads field).
 */
export function describeWorkers(threads: number, hashing: number, state: string, defaultThreads: number): string {
  if (state === 'mining') return `${threads} allowed, ${hashing} hashing now (Threads applies at once while mining)`;
  if (state === 'paused') return `${threads} allowed, none hashing: paused`;
  return `None hashing; Start uses the Threads field (empty: ${defaultThreads}, one per core)`;
}
