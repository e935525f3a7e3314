/**
 * Errors the browser host reports to the page, each with a kind the page can
 * explain in plain words.
 * @module
 */

/** What the browser lacks or refused. */
export type SupportProblem =
  /** No `WebAssembly` object at all (very old browser, or disabled by policy). */
  | 'no-wasm'
  /** A Content Security Policy without `'wasm-unsafe-eval'` blocks compiling WebAssembly. */
  | 'csp'
  /** The engine refused the kernel for another reason. */
  | 'wasm-compile'
  /** No `Worker` constructor (some embedded web views). */
  | 'no-workers'
  /** Module workers could not be started (blocked, failed to load, or unsupported). */
  | 'worker-start'
  /** `backend: 'webgpu'` where the browser has no WebGPU, or no adapter (no usable GPU, or blocked). */
  | 'no-webgpu';

/** The browser cannot run the miner: a missing feature or a policy that forbids it. */
export class SupportError extends Error {
  override readonly name = 'SupportError';
  /** Which feature is missing or blocked. */
  readonly problem: SupportProblem;

  /** @param problem - the kind of problem; @param message - one line for the page. */
  constructor(problem: SupportProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export { VerificationError } from '../core/errors.ts';

/** A worker failed during a search (it threw, or its script crashed). */
export class WorkerFailure extends Error {
  override readonly name = 'WorkerFailure';
}

/** Whether a WebAssembly compile error comes from a Content Security Policy (wording differs by engine). */
export function isCspBlock(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /Content.Security.Policy|\bCSP\b|wasm-unsafe-eval|unsafe-eval|wasm-eval/i.test(message);
}
