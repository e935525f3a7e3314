/**
 * The page's "Hashing on" choice: Automatic (the GPU where a short calibration
 * shows it faster), the GPU through WebGPU, or the CPU's WebAssembly workers.
 * Remembered in `localStorage` like the throttle; a link's `backend=` sets it
 * for one visit without being remembered.
 * @module
 */
import { isBackendChoice, type BackendChoice, type BackendStatus } from '../src/gpu/backend-executor.ts';
import { storage } from './history.ts';

const KEY = 'dmint-miner:backend';

/** The choice of a browser that has none stored: the GPU only where it wins. */
export const DEFAULT_BACKEND: BackendChoice = 'auto';

export { isBackendChoice };

/** The select and what it holds. */
export class BackendControl {
  readonly #select: HTMLSelectElement;
  #choice: BackendChoice;

  /** @param onChange - called when the user picks another backend, with the new one. */
  constructor(select: HTMLSelectElement, onChange: (choice: BackendChoice) => void) {
    this.#select = select;
    let saved: string | null = null;
    try {
      saved = storage()?.getItem(KEY) ?? null;
    } catch {
      /* blocked storage: the default */
    }
    this.#choice = saved !== null && isBackendChoice(saved) ? saved : DEFAULT_BACKEND;
    select.value = this.#choice;
    select.addEventListener('change', () => {
      if (!isBackendChoice(select.value) || select.value === this.#choice) return;
      this.set(select.value, true);
      onChange(this.#choice);
    });
  }

  /** The backend in effect. */
  get choice(): BackendChoice {
    return this.#choice;
  }

  /** Show and use `choice`; remember it for later visits when the user made it. */
  set(choice: BackendChoice, remember: boolean): void {
    this.#choice = choice;
    this.#select.value = choice;
    if (!remember) return;
    try {
      if (choice === DEFAULT_BACKEND) storage()?.removeItem(KEY);
      else storage()?.setItem(KEY, choice);
    } catch {
      /* blocked storage: the choice holds for this visit only */
    }
  }
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
