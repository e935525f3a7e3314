/**
 * The page's "Hashing on" choice: Automatic (the GPU where a short calibration
 * shows it faster), the GPU through WebGPU, or the CPU's WebAssembly workers.
 * Remembered in the page's store like the throttle (a link's `backend=` sets it
 * for one visit without being remembered), and described in words for the
 * environment card and the activity log.
 * @module
 */
import { isBackendChoice, type BackendChoice, type BackendStatus } from '../src/gpu/backend-choice.ts';
import { readKey, writeKey, type KeyValueStore } from './store.ts';

const KEY = 'dmint-miner:backend';

/** The choice of a browser that has none stored: the GPU only where it wins. */
export const DEFAULT_BACKEND: BackendChoice = 'auto';

/** Each choice as the select offers it and the activity log names it. */
export const BACKEND_LABELS: Record<BackendChoice, string> = {
  auto: 'Automatic: the GPU where it is faster',
  webgpu: 'GPU (WebGPU)',
  wasm: 'CPU (WebAssembly workers)',
};

export { isBackendChoice };

/** The choice kept in `store`, or the default. */
export function loadBackendChoice(store: KeyValueStore | undefined): BackendChoice {
  const saved = readKey(store, KEY);
  return saved !== null && isBackendChoice(saved) ? saved : DEFAULT_BACKEND;
}

/** Keep the user's choice for later visits (blocked storage: it holds for this visit only). */
export function saveBackendChoice(store: KeyValueStore | undefined, choice: BackendChoice): void {
  writeKey(store, KEY, choice === DEFAULT_BACKEND ? null : choice);
}

/** The adapter in words: vendor and architecture, and whether it is a software one. */
export function describeAdapter(status: BackendStatus): string {
  const a = status.adapter;
  if (a === null) return 'the GPU';
  const name = `${a.vendor} ${a.architecture}`.trim() || 'details hidden by the browser';
  const software = a.fallback || a.architecture === 'swiftshader';
  return `the GPU (${name}${software ? ', a software adapter' : ''})`;
}

/** One sentence for the environment card: what hashes, and why (rates as `rate` formats them). */
export function describeBackend(status: BackendStatus, rate: (perSecond: number) => string): string {
  const gpu = describeAdapter(status);
  const { webgpu, wasm } = status.rates;
  if (status.choice === 'wasm') return 'CPU: WebAssembly workers (chosen under Hashing on)';
  if (status.adapter === null && status.gpuProblem === null) {
    return status.choice === 'auto' ? 'CPU: WebAssembly workers, while the GPU opens (then both are measured)' : 'GPU through WebGPU: opening the adapter…';
  }
  if (status.calibrating) {
    return `Measuring ${gpu} (${webgpu === null ? 'measuring…' : rate(webgpu)}) against the workers (${wasm === null ? webgpu === null ? 'next' : 'measuring…' : rate(wasm)}); the faster keeps hashing`;
  }
  const measured = webgpu !== null && wasm !== null;
  if (status.active === 'webgpu') {
    if (status.gpuProblem !== null) return `GPU unavailable: ${status.gpuProblem}`;
    return `GPU through WebGPU: ${gpu}${measured ? `, faster here: ${rate(webgpu)} against ${rate(wasm)} for the workers` : ''}`;
  }
  if (measured) return `CPU: WebAssembly workers, faster here than ${gpu}: ${rate(wasm)} against ${rate(webgpu)}`;
  if (status.adapter !== null && status.gpuProblem !== null) return `CPU: WebAssembly workers, since ${gpu} stopped: ${status.gpuProblem}`;
  return `CPU: WebAssembly workers${status.gpuProblem === null ? '' : ` (no GPU: ${status.gpuProblem})`}`;
}
