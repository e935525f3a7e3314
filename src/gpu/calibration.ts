/**
 * The `auto` backend's calibration policy: how the GPU and the wasm workers
 * are each timed on the job's own nonces, and which one wins. The
 * {@link BackendExecutor} routes pieces; this only measures and decides.
 *
 * - The GPU is timed first, over its dispatches after {@link GPU_WARMUP_DISPATCHES}
 *   (they include the pipeline's warm-up), until {@link CALIBRATION_MS} of them.
 * - Then the workers, for {@link CALIBRATION_MS} after their first piece starts:
 *   nonces per second of one piece's thread over every piece timed, times the
 *   most pieces that were out at once.
 * - The faster keeps hashing. A software adapter loses to the workers, and
 *   that is the right answer.
 * @module
 */
import type { Backend } from './backend-choice.ts';

/** Milliseconds each side hashes alone while `auto` calibrates (after the GPU's warm-up dispatches). */
export const CALIBRATION_MS = 400;
/** The GPU's first dispatches, left out of its rate: they include the pipeline's warm-up. */
export const GPU_WARMUP_DISPATCHES = 2;

/** A worker's piece as the calibration times it. */
export interface TimedPiece {
  /** `performance.now()` when it started. */
  readonly started: number;
  /** `performance.now()` when it came back; null while out. */
  readonly ended: number | null;
  /** Nonces it searched, once back; null while out. */
  readonly searched: number | null;
  /** Its live count while out. */
  readonly run: { searched(): number };
}

/** What the calibration tells its executor. */
export interface CalibrationHooks {
  /** Whether a worker's piece is still out: a calibration that saw too little keeps timing while one is. */
  wasmRunning(): boolean;
  /** The GPU's rate is measured: time the workers next. */
  gpuMeasured(): void;
  /** Both are measured: `winner` hashes from now on. */
  decided(winner: Backend): void;
}

/** One `auto` calibration: the GPU's rate, then the workers', then the winner. */
export class Calibration {
  readonly #hooks: CalibrationHooks;
  readonly #rates: { webgpu: number | null; wasm: number | null } = { webgpu: null, wasm: null };
  /** The GPU's dispatches seen, and nonces and milliseconds after the warm-up. */
  readonly #gpu = { dispatches: 0, nonces: 0, ms: 0 };
  /** The worker pieces timed so far. */
  #wasm: TimedPiece[] = [];
  /** The most worker pieces out at once while they were timed. */
  #width = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(hooks: CalibrationHooks) {
    this.#hooks = hooks;
  }

  /** The rates measured, in nonces per second; null until measured. */
  get rates(): { readonly webgpu: number | null; readonly wasm: number | null } {
    return { ...this.#rates };
  }

  /** A GPU dispatch came back while the GPU is timed: add it, and say when the GPU's rate is measured. */
  gpuDispatch(nonces: number, ms: number): void {
    const s = this.#gpu;
    if (this.#stopped || this.#rates.webgpu !== null || ++s.dispatches <= GPU_WARMUP_DISPATCHES) return;
    s.nonces += nonces;
    s.ms += ms;
    if (s.ms < CALIBRATION_MS) return;
    this.#rates.webgpu = (s.nonces / s.ms) * 1000;
    this.#hooks.gpuMeasured();
  }

  /** A worker's piece started while the workers are timed (`out` of them are out now): decide {@link CALIBRATION_MS} after the first. */
  wasmPiece(piece: TimedPiece, out: number): void {
    if (this.#stopped) return;
    this.#wasm.push(piece);
    this.#width = Math.max(this.#width, out);
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.#decide(), CALIBRATION_MS);
  }

  /** The calibration is over (the executor closed, or left the measuring phases): no decision comes. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #decide(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const now = performance.now();
    let nonces = 0;
    let ms = 0;
    for (const t of this.#wasm) {
      nonces += t.searched ?? t.run.searched();
      ms += (t.ended ?? now) - t.started;
    }
    if (ms < CALIBRATION_MS / 4) {
      // Too little ran (the jobs ended): go on timing while pieces run, or from the next one.
      if (this.#hooks.wasmRunning()) this.#timer = setTimeout(() => this.#decide(), CALIBRATION_MS);
      return;
    }
    this.#wasm = [];
    this.#rates.wasm = (nonces / ms) * 1000 * this.#width;
    this.#stopped = true;
    this.#hooks.decided(this.#rates.webgpu! > this.#rates.wasm ? 'webgpu' : 'wasm');
  }
}
