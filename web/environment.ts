/**
 * The "This browser" card: the kernel build, the scheduling path, the live
 * thread count, the SHA-256 that verifies hits, and the cores reported.
 * @module
 */
import type { Miner } from '../src/browser/miner.ts';
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
    ? 'WebCrypto SHA-256, in a worker, independent of the kernel'
    : "The miner's built-in SHA-256 (this context has no crypto.subtle, as on plain http), in a worker";
}

/**
 * The Miner's build and scheduling path, also as `document.body.dataset.build` and `.mode`;
 * `support` is what decided the path, so the card gives the real reason.
 */
export function describeMiner(card: EnvironmentCard, m: Miner, forcedScalar: boolean, support: SharedMemorySupport): void {
  document.body.dataset.build = m.build;
  document.body.dataset.mode = m.mode;
  if (m.build === 'simd') card.build.textContent = 'WebAssembly SIMD, 4 nonces per pass';
  else if (forcedScalar) card.build.textContent = 'Scalar WebAssembly, forced by the link (scalar=1); this browser has SIMD';
  else card.build.textContent = 'Scalar WebAssembly: this browser has no WebAssembly SIMD, so the slower scalar build runs';
  card.mode.textContent = m.mode === 'shared'
    ? `Shared memory: ${support.reason}, so the workers share the search through a SharedArrayBuffer`
    : `Messages: ${support.shared ? 'chosen for this page' : support.reason}, so the workers get their work by message`;
}

/** The live thread count in `state`; `defaultThreads` is what an empty Threads field means. */
export function describeWorkers(card: EnvironmentCard, m: Miner, state: string | undefined, defaultThreads: number): void {
  if (state === 'mining') card.workers.textContent = `${m.threads} allowed, ${m.activeThreads} hashing now (Threads applies at once while mining)`;
  else if (state === 'paused') card.workers.textContent = `${m.threads} allowed, none hashing: paused`;
  else card.workers.textContent = `None hashing; Start uses the Threads field (empty: ${defaultThreads}, one per core)`;
}
