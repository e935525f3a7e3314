/**
 * An executor of the engine on the GPU: one piece at a time on a
 * {@link GpuKernel}, searched in dispatches sized from the measured rate so one
 * takes about {@link TARGET_DISPATCH_MS}, so that a halt (stop, pause, fewer
 * threads) is acted on within about that long. Hits are re-verified with the
 * page's WebCrypto (or the core's pure-TS SHA-256), independent of the GPU.
 *
 * The browser `Miner`'s `backend: 'webgpu'`. A lost device loses the piece
 * (the engine fails the job): falling back to the wasm workers is still to come.
 * @module
 */
import type { Executor, ExecutorEvents, PieceEnd, PieceOrder, RunningPiece } from '../core/engine.ts';
import type { HitCheck } from '../core/job-api.ts';
import { Rest, restAfter } from '../core/piece-run.ts';
import type { MineRequest } from '../core/protocol.ts';
import { checkHit } from '../core/verify.ts';
import type { GpuKernel } from './gpu-kernel.ts';
import { hostSha256 } from './sha256.ts';

/** Milliseconds one dispatch should take: short enough for a prompt halt, long enough to keep the GPU busy. */
export const TARGET_DISPATCH_MS = 60;
/** Nonces in the first dispatch, before any rate is known (a few ms on a real GPU, tens on a software one). */
export const FIRST_DISPATCH = 4096;
const MIN_DISPATCH = 1024;
const MAX_DISPATCH = 1 << 26;

/** Options of {@link GpuExecutor}. */
export interface GpuExecutorOptions {
  /** Nonces in the first dispatch (default {@link FIRST_DISPATCH}). */
  firstDispatch?: number;
}

/** The GPU as one thread of the engine. */
export class GpuExecutor implements Executor {
  readonly #events: ExecutorEvents;
  /** The kernel once its device is open and it is compiled. */
  #kernel: GpuKernel | null = null;
  #dispatch: number;
  #jobId: number | null = null;
  #running: Promise<void> | null = null;
  #halt: (() => void) | null = null;
  #closed = false;
  /** Why the kernel could not be opened: every job that wants work fails with it. */
  #failure: { err: unknown } | null = null;

  /**
   * @param kernel - the kernel, or its promise (opening a device is asynchronous): no piece
   * runs until it resolves, and a rejection fails every job with its reason.
   */
  constructor(events: ExecutorEvents, kernel: GpuKernel | Promise<GpuKernel>, options: GpuExecutorOptions = {}) {
    this.#events = events;
    this.#dispatch = options.firstDispatch ?? FIRST_DISPATCH;
    Promise.resolve(kernel).then(
      (k) => {
        if (this.#closed) return void k.destroy();
        this.#kernel = k;
        events.capacity();
      },
      (err: unknown) => {
        this.#failure = { err };
        if (!this.#closed) events.broken(err);
      },
    );
  }

  /** Nonces in the next dispatch, as sized from the last one's time. */
  get dispatchSize(): number {
    return this.#dispatch;
  }

  /** One piece at a time, whatever the thread count: the GPU is one device. */
  room(wanted: number, busy: number, idle: boolean): number {
    const failure = this.#failure;
    // A job that arrives after the device failed to open fails the same way, at once.
    if (failure && !idle && !this.#closed) queueMicrotask(() => this.#events.broken(failure.err));
    return idle || this.#closed || this.#kernel === null || this.#running !== null || wanted <= busy ? 0 : 1;
  }

  run(order: PieceOrder, end: PieceEnd): RunningPiece {
    const kernel = this.#kernel;
    if (kernel === null) throw new Error('GpuExecutor.run before its kernel is ready (room() was 0)');
    let searched = 0;
    let halted = false;
    const rest = new Rest();
    const halt = (): void => {
      halted = true;
      rest.wake();
    };
    this.#halt = halt;
    const search = async (): Promise<void> => {
      if (order.jobId !== this.#jobId) {
        this.#jobId = null; // a setJob that throws leaves no job to trust
        kernel.setJob(order.preimage, order.nonceWidth, order.bound);
        this.#jobId = order.jobId;
      }
      const count = Number(order.count);
      while (searched < count && !halted) {
        const n = Math.min(count - searched, this.#dispatch);
        const t0 = performance.now();
        const r = await kernel.scan(order.first + BigInt(searched), n);
        const ms = performance.now() - t0;
        if (n === this.#dispatch) this.#resize(n, ms);
        if (r.hit !== null) {
          searched += r.scanned;
          end.done({ hit: r.hit, searched });
          return;
        }
        searched += n;
        const restMs = restAfter(ms, order.duty);
        if (restMs > 0 && !halted) await rest.sleep(restMs);
      }
      end.done({ hit: null, searched });
    };
    this.#running = search().catch((err: unknown) => end.lost(err)).finally(() => {
      this.#running = null;
      this.#halt = null;
      if (!this.#closed) this.#events.capacity();
    });
    return { searched: () => searched, halt };
  }

  verify(request: MineRequest, nonce: bigint): Promise<HitCheck> {
    const sha = hostSha256();
    return checkHit(request, nonce, sha.digest, sha.name);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#halt?.();
    await this.#running;
    this.#kernel?.destroy();
    this.#kernel = null;
  }

  /** Scale the dispatch toward {@link TARGET_DISPATCH_MS}, at most doubling or halving at a time (a first dispatch includes warm-up). */
  #resize(n: number, ms: number): void {
    const factor = Math.min(2, Math.max(0.5, TARGET_DISPATCH_MS / Math.max(ms, 1)));
    this.#dispatch = Math.min(MAX_DISPATCH, Math.max(MIN_DISPATCH, Math.round(n * factor)));
  }
}
