/**
 * The Miners' executor for `backend: 'webgpu'` and `'auto'` (in a page and in
 * Node alike): the GPU executor, with the wasm workers behind it.
 *
 * - `webgpu`: the GPU hashes. Where it fails mid-job (a lost device, a failed
 *   dispatch, a hit the host's SHA-256 refuses), its piece comes back searched
 *   up to its last clean dispatch and the wasm workers go on from there, so
 *   nothing is skipped and nothing below the hit is searched twice. A GPU that
 *   cannot be opened at all fails the jobs with the opening's error: asked
 *   for the GPU, the miner does not silently switch.
 * - `auto`: the workers hash while the adapter opens; where one does, a
 *   calibration on the job's own nonces (nothing is searched for nothing): the GPU alone for
 *   {@link CALIBRATION_MS} of dispatches after its warm-up, then the workers
 *   alone for as long, and the faster one keeps hashing. A software adapter
 *   loses to the workers, and that is the right answer. No adapter: the workers.
 *
 * The engine above keeps the schedule, so switching is only halting one
 * side's pieces: their rests go out again to the other.
 * @module
 */
import type { Executor, ExecutorEvents, PieceEnd, PieceOrder, RunningPiece } from '../core/engine.ts';
import type { HitCheck } from '../core/job-api.ts';
import type { MineRequest } from '../core/protocol.ts';
import { GpuExecutor, type GpuSearcher, type HostSha256 } from './executor.ts';
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

/** Milliseconds each side hashes alone while `auto` calibrates (after the GPU's warm-up dispatches). */
export const CALIBRATION_MS = 400;
/** The GPU's first dispatches, left out of its rate: they include the pipeline's warm-up. */
const GPU_WARMUP_DISPATCHES = 2;

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

/** Where the executor stands: `auto` goes from `opening` through the two `measure-` phases to `gpu` or `wasm`. */
type Phase = 'opening' | 'measure-gpu' | 'measure-wasm' | 'gpu' | 'wasm';

/** A piece on one side, as the calibration and the switch follow it. */
interface Tracked {
  readonly side: Backend;
  readonly run: RunningPiece;
  readonly started: number;
  ended: number | null;
  /** Nonces the piece searched, once it is back (a message worker's last progress report may lag it). */
  searched: number | null;
}

/** The GPU, with the wasm workers to fall back on (and, for `auto`, to race). */
export class BackendExecutor implements Executor {
  readonly #events: ExecutorEvents;
  readonly #choice: 'auto' | 'webgpu';
  readonly #gpu: GpuExecutor;
  readonly #makeWasm: (events: ExecutorEvents) => Executor;
  readonly #onChange: (status: BackendStatus) => void;
  #wasmExecutor: Executor | null = null;
  #phase: Phase = 'opening';
  #adapter: GpuAdapterSummary | null = null;
  #gpuProblem: string | null = null;
  #rates: { webgpu: number | null; wasm: number | null } = { webgpu: null, wasm: null };
  /** The GPU's calibration so far: dispatches seen, and nonces and milliseconds after the warm-up. */
  #gpuSample = { dispatches: 0, nonces: 0, ms: 0 };
  /** The wasm pieces timed by the calibration, and its timer. */
  #wasmSample: Tracked[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The most wasm pieces out at once during the calibration. */
  #wasmWidth = 0;
  readonly #live = new Set<Tracked>();
  #closed = false;

  /**
   * @param kernel - the GPU kernel's promise (openGpuKernel, or a host's stand-in); a rejection means no GPU.
   * @param wasm - makes the wasm executor, when it is first needed.
   * @param sha - the host's SHA-256, which checks every GPU hit.
   * @param onChange - told whenever the status changes (a calibration ends, the GPU fails).
   */
  constructor(
    events: ExecutorEvents, choice: 'auto' | 'webgpu', kernel: Promise<GpuSearcher>,
    wasm: (events: ExecutorEvents) => Executor, sha: HostSha256, onChange: (status: BackendStatus) => void = () => {},
  ) {
    this.#events = events;
    this.#choice = choice;
    this.#makeWasm = wasm;
    this.#onChange = onChange;
    const opened = kernel.then((k) => {
      this.#adapter = k.adapter;
      return k;
    });
    this.#gpu = new GpuExecutor({
      capacity: () => {
        if (this.#phase === 'opening') this.#switch(choice === 'auto' ? 'measure-gpu' : 'gpu');
        events.capacity();
      },
      broken: (err) => {
        if (this.#closed) return events.broken(err);
        if (this.#gpuProblem === null) {
          this.#gpuProblem = messageOf(err);
          if (choice === 'webgpu') this.#onChange(this.status); // asked for the GPU: its jobs fail, with this reason
        }
        if (choice === 'webgpu') events.broken(err);
        else this.#switch('wasm');
      },
    }, opened, {
      sha,
      onFailure: (err) => {
        this.#gpuProblem = err.message;
        this.#switch('wasm');
      },
      onDispatch: (nonces, ms) => this.#sampleGpu(nonces, ms),
    });
  }

  /** Where the backend stands. */
  get status(): BackendStatus {
    return {
      choice: this.#choice,
      active: this.#side(this.#phase),
      calibrating: this.#phase === 'measure-gpu' || this.#phase === 'measure-wasm',
      adapter: this.#adapter,
      rates: { ...this.#rates },
      gpuProblem: this.#gpuProblem,
    };
  }

  room(wanted: number, busy: number, idle: boolean): number {
    if (this.#closed) return 0;
    switch (this.#phase) {
      case 'opening':
        // `auto` lets the workers hash while the adapter and the pipelines open; the GPU's calibration halts them.
        return this.#choice === 'auto' ? this.#wasm().room(wanted, busy, idle) : this.#gpu.room(wanted, busy, idle);
      case 'measure-gpu':
        this.#wasm().room(wanted, busy, idle); // the workers measured next: started meanwhile
        return this.#gpu.room(wanted, busy, idle);
      case 'gpu':
        this.#wasmExecutor?.room(0, 0, true); // release workers once their pieces are back
        return this.#gpu.room(wanted, busy, idle);
      default:
        return this.#wasm().room(wanted, busy, idle);
    }
  }

  pieceNonces(): number {
    return this.#side(this.#phase) === 'webgpu' ? this.#gpu.pieceNonces() : 0;
  }

  run(order: PieceOrder, end: PieceEnd): RunningPiece {
    const side = this.#side(this.#phase);
    let tracked: Tracked | undefined;
    const finish = (searched: number | null): void => {
      tracked!.ended = performance.now();
      tracked!.searched = searched;
      this.#live.delete(tracked!);
    };
    const run = (side === 'webgpu' ? this.#gpu : this.#wasm()).run(order, {
      done: (report) => {
        finish(report.searched);
        end.done(report);
      },
      lost: (err) => {
        finish(null);
        end.lost(err);
      },
    });
    tracked = { side, run, started: performance.now(), ended: null, searched: null };
    this.#live.add(tracked);
    if (this.#phase === 'measure-wasm') this.#sampleWasm(tracked);
    return run;
  }

  verify(request: MineRequest, nonce: bigint): Promise<HitCheck> {
    // The workers verify once they are the backend for good; until then the host's SHA-256 on this thread does (a worker may not be up yet).
    return this.#phase === 'wasm' ? this.#wasm().verify(request, nonce) : this.#gpu.verify(request, nonce);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await Promise.all([this.#gpu.close(), this.#wasmExecutor?.close()]);
  }

  /** Which side hashes in `phase`. */
  #side(phase: Phase): Backend {
    return phase === 'measure-gpu' || phase === 'gpu' || (phase === 'opening' && this.#choice === 'webgpu') ? 'webgpu' : 'wasm';
  }

  #wasm(): Executor {
    this.#wasmExecutor ??= this.#makeWasm(this.#events);
    return this.#wasmExecutor;
  }

  /** Move to `phase`: halt the other side's pieces (their rests go out again) and hand out work. */
  #switch(phase: Phase): void {
    if (this.#closed || this.#phase === phase) return;
    this.#phase = phase;
    const keep = this.#side(phase);
    for (const t of this.#live) if (t.side !== keep) t.run.halt();
    // The GPU is done with for good: free its buffers (once its last piece is back).
    if (phase === 'wasm') void this.#gpu.close();
    this.#onChange(this.status);
    queueMicrotask(() => this.#events.capacity());
  }

  /** A GPU dispatch came back: while calibrating, add it to the GPU's rate and move on to the workers once it has enough. */
  #sampleGpu(nonces: number, ms: number): void {
    if (this.#phase !== 'measure-gpu') return;
    const s = this.#gpuSample;
    if (++s.dispatches <= GPU_WARMUP_DISPATCHES) return;
    s.nonces += nonces;
    s.ms += ms;
    if (s.ms < CALIBRATION_MS) return;
    this.#rates.webgpu = (s.nonces / s.ms) * 1000;
    this.#switch('measure-wasm');
  }

  /** A wasm piece started during the calibration: time it, and decide {@link CALIBRATION_MS} after the first. */
  #sampleWasm(tracked: Tracked): void {
    this.#wasmSample.push(tracked);
    let out = 0;
    for (const t of this.#live) if (t.side === 'wasm') out++;
    this.#wasmWidth = Math.max(this.#wasmWidth, out);
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.#decide(), CALIBRATION_MS);
  }

  /**
   * The workers' rate: nonces per second of one piece's thread, over every piece
   * timed, times the most pieces that were out at once.
   */
  #decide(): void {
    this.#timer = undefined;
    if (this.#closed || this.#phase !== 'measure-wasm') return;
    const now = performance.now();
    let nonces = 0;
    let ms = 0;
    for (const t of this.#wasmSample) {
      nonces += t.searched ?? t.run.searched();
      ms += (t.ended ?? now) - t.started;
    }
    if (ms < CALIBRATION_MS / 4) {
      // Too little ran (the jobs ended): go on timing while pieces run, or from the next one.
      if ([...this.#live].some((t) => t.side === 'wasm')) this.#timer = setTimeout(() => this.#decide(), CALIBRATION_MS);
      return;
    }
    this.#wasmSample = [];
    this.#rates.wasm = (nonces / ms) * 1000 * this.#wasmWidth;
    this.#switch(this.#rates.webgpu! > this.#rates.wasm ? 'gpu' : 'wasm');
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
