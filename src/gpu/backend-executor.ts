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
 * - `auto`: the workers hash while the adapter opens; where one does, each
 *   side hashes alone on the job's own nonces while a {@link Calibration}
 *   times it (nothing is searched for nothing), and the faster one keeps
 *   hashing. No adapter: the workers.
 *
 * The engine above keeps the schedule, so switching is only halting one
 * side's pieces: their rests go out again to the other.
 * @module
 */
import type { Executor, ExecutorEvents, PieceEnd, PieceOrder, RunningPiece } from '../core/executor.ts';
import type { HitCheck } from '../core/job-api.ts';
import type { MineRequest } from '../core/request.ts';
import type { Backend, BackendChoice, BackendStatus } from './backend-choice.ts';
import { Calibration } from './calibration.ts';
import { GpuExecutor, type GpuSearcher, type HostSha256 } from './executor.ts';
import type { GpuAdapterSummary } from './kernel.ts';

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
  readonly #calibration: Calibration;
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
    this.#calibration = new Calibration({
      wasmRunning: () => [...this.#live].some((t) => t.side === 'wasm'),
      gpuMeasured: () => this.#switch('measure-wasm'),
      decided: (winner) => this.#switch(winner === 'webgpu' ? 'gpu' : 'wasm'),
    });
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
      onDispatch: (nonces, ms) => {
        if (this.#phase === 'measure-gpu') this.#calibration.gpuDispatch(nonces, ms);
      },
    });
  }

  /** Where the backend stands. */
  get status(): BackendStatus {
    return {
      choice: this.#choice,
      active: this.#side(this.#phase),
      calibrating: this.#phase === 'measure-gpu' || this.#phase === 'measure-wasm',
      adapter: this.#adapter,
      rates: this.#calibration.rates,
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
    if (this.#phase === 'measure-wasm') {
      let out = 0;
      for (const t of this.#live) if (t.side === 'wasm') out++;
      this.#calibration.wasmPiece(tracked, out);
    }
    return run;
  }

  verify(request: MineRequest, nonce: bigint): Promise<HitCheck> {
    // The workers verify once they are the backend for good; until then the host's SHA-256 on this thread does (a worker may not be up yet).
    return this.#phase === 'wasm' ? this.#wasm().verify(request, nonce) : this.#gpu.verify(request, nonce);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#calibration.stop();
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
    if (phase !== 'measure-gpu' && phase !== 'measure-wasm') this.#calibration.stop();
    const keep = this.#side(phase);
    for (const t of this.#live) if (t.side !== keep) t.run.halt();
    // The GPU is done with for good: free its buffers (once its last piece is back).
    if (phase === 'wasm') void this.#gpu.close();
    this.#onChange(this.status);
    queueMicrotask(() => this.#events.capacity());
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
