/**
 * An executor of the engine on the GPU: one piece at a time on a
 * {@link GpuKernel}, searched in dispatches sized from the measured rate so one
 * takes about {@link TARGET_DISPATCH_MS}, so that a halt (stop, pause, fewer
 * threads) is acted on within about that long. Two dispatches are in flight at
 * once, so the GPU computes the next while the last is read back (one under a
 * throttle, which rests between them).
 *
 * Every hit is checked with the host's SHA-256 (node:crypto in Node, WebCrypto
 * or the core's pure-TS SHA-256 in a page), independent of the kernel, as soon
 * as it is read back, before the piece reports it. A hit that
 * check refuses, a failed dispatch or a lost device ends the GPU's part: the
 * piece is reported searched up to the last dispatch that came back clean, so
 * the engine hands its rest out again, and `onFailure` is told (the Miners
 * then go on with the wasm workers, backend-executor.ts).
 * @module
 */
import type { Executor, ExecutorEvents, PieceEnd, PieceOrder, RunningPiece } from '../core/executor.ts';
import type { HitCheck } from '../core/job-api.ts';
import type { ScanResult } from '../core/kernel.ts';
import { Rest, restAfter } from '../core/piece-run.ts';
import { nonceToHex } from '../core/nonce.ts';
import { type MineRequest } from '../core/request.ts';
import { checkHit, digestBelowBound, powDigest, type Sha256 } from '../core/verify.ts';
import { GPU_IN_FLIGHT, GPU_MAX_DISPATCH, type GpuKernel } from './kernel.ts';
import { JobSlot } from '../core/job-slot.ts';

/** Milliseconds one dispatch should take: short enough for a prompt halt, long enough to keep the GPU busy. */
export const TARGET_DISPATCH_MS = 60;
/** Nonces in the first dispatch, before any rate is known (a few ms on a real GPU, tens on a software one). */
export const FIRST_DISPATCH = 4096;
/** Dispatches' worth of nonces asked for per piece, so a fast GPU is not held up by the engine's round trip per piece. */
export const DISPATCHES_PER_PIECE = 16;
const MIN_DISPATCH = 1024;
const MAX_DISPATCH = Math.min(1 << 26, GPU_MAX_DISPATCH);

/** A SHA-256 independent of the kernel, with the name a {@link HitCheck} reports. */
export interface HostSha256 {
  readonly name: HitCheck['sha256'];
  readonly digest: Sha256;
}

/**
 * What the executor drives: a {@link GpuKernel}, or a stand-in for one (the Node
 * host's kernel in a child process, a test's fake).
 */
export type GpuSearcher = Pick<GpuKernel, 'adapter' | 'setJob' | 'submit' | 'destroy'>;

/** Options of {@link GpuExecutor}. */
export interface GpuExecutorOptions {
  /** The SHA-256 that checks every GPU hit and verifies answers. */
  sha: HostSha256;
  /** Nonces in the first dispatch (default {@link FIRST_DISPATCH}). */
  firstDispatch?: number;
  /**
   * Told when the GPU fails mid-piece (a lost device, a failed dispatch, a hit
   * the host's SHA-256 refuses); the piece is then reported searched up to its
   * last clean dispatch and this executor takes no more pieces. Without it the
   * piece is lost, and the engine fails its job.
   */
  onFailure?(err: Error): void;
  /** Told after every dispatch, with its nonces and the milliseconds it took (for calibration). */
  onDispatch?(nonces: number, ms: number): void;
}

/** A dispatch in flight. */
interface Flight {
  readonly n: number;
  /** Whether it was of the full dispatch size (not cut at a piece's end), so its time can size the next. */
  readonly full: boolean;
  readonly sent: number;
  readonly result: Promise<ScanResult>;
}

/** The GPU as one thread of the engine. */
export class GpuExecutor implements Executor {
  readonly #events: ExecutorEvents;
  readonly #options: GpuExecutorOptions;
  /** The kernel once its device is open and it is compiled. */
  #kernel: GpuSearcher | null = null;
  #dispatch: number;
  readonly #slot = new JobSlot();
  #running: Promise<void> | null = null;
  #halt: (() => void) | null = null;
  #closed = false;
  /** Why the kernel could not be opened: every job that wants work fails with it. */
  #failure: { err: unknown } | null = null;
  /** Why the GPU stopped mid-piece: it takes no more pieces. */
  #failed: Error | null = null;

  /**
   * @param kernel - the kernel, or its promise (opening a device is asynchronous): no piece
   * runs until it resolves, and a rejection fails every job with its reason.
   */
  constructor(events: ExecutorEvents, kernel: GpuSearcher | Promise<GpuSearcher>, options: GpuExecutorOptions) {
    this.#events = events;
    this.#options = options;
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
    const usable = !this.#closed && this.#kernel !== null && this.#failed === null;
    return idle || !usable || this.#running !== null || wanted <= busy ? 0 : 1;
  }

  pieceNonces(): number {
    return this.#dispatch * DISPATCHES_PER_PIECE;
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
    const flights: Flight[] = [];
    const search = async (): Promise<void> => {
      this.#slot.load(kernel, order);
      const count = Number(order.count);
      const depth = order.duty < 100 ? 1 : GPU_IN_FLIGHT;
      let submitted = 0;
      let lastBack = performance.now();
      for (;;) {
        while (flights.length < depth && submitted < count && !halted) {
          const first = order.first + BigInt(submitted);
          // The upper word of a V2 nonce is fixed per dispatch: never cross a 2^32 boundary.
          const n = Math.min(this.#dispatch, count - submitted, 0x1_0000_0000 - Number(first & 0xffffffffn));
          flights.push({ n, full: n === this.#dispatch, sent: performance.now(), result: kernel.submit(first, n) });
          submitted += n;
        }
        const flight = flights.shift();
        if (flight === undefined) break;
        const r = await flight.result;
        const back = performance.now();
        // With two in flight, a dispatch starts when it is sent or when the one before it came back, whichever is later.
        const ms = back - Math.max(flight.sent, lastBack);
        lastBack = back;
        if (flight.full) this.#resize(flight.n, ms);
        this.#options.onDispatch?.(flight.n, ms);
        if (r.hit !== null) {
          await Promise.allSettled(flights.splice(0).map((f) => f.result)); // above the hit: not needed
          await this.#confirm(order, r.hit);
          searched += r.scanned;
          end.done({ hit: r.hit, searched });
          return;
        }
        searched += flight.n;
        const restMs = restAfter(ms, order.duty);
        if (restMs > 0 && !halted) await rest.sleep(restMs);
      }
      end.done({ hit: null, searched });
    };
    this.#running = search().catch(async (err: unknown) => {
      await Promise.allSettled(flights.map((f) => f.result));
      this.#fail(err, end, searched);
    }).finally(() => {
      this.#running = null;
      this.#halt = null;
      if (!this.#closed) this.#events.capacity();
    });
    return { searched: () => searched, halt };
  }

  verify(request: MineRequest, nonce: bigint): Promise<HitCheck> {
    const sha = this.#options.sha;
    return checkHit(request, nonce, sha.digest, sha.name);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#halt?.();
    const kernel = this.#kernel;
    this.#kernel = null;
    // A dispatch in flight (or one waiting for its pipeline to compile, seconds on a software
    // adapter) cannot be cut short: free the kernel once it is back, without holding up the close.
    void Promise.resolve(this.#running).then(() => kernel?.destroy());
  }

  /**
   * Check a GPU hit against the piece's bound with the host's SHA-256, before
   * the engine sees it.
   * @throws Error when it is not a hit: the GPU cannot be trusted.
   */
  async #confirm(order: PieceOrder, nonce: bigint): Promise<void> {
    const sha = this.#options.sha;
    if (!digestBelowBound(await powDigest(order, nonce, sha.digest), order.bound)) {
      throw new Error(`the GPU reported nonce ${nonceToHex(nonce, order.nonceWidth)} as a hit but ${sha.name} SHA-256 refuses it, so the GPU is no longer trusted`);
    }
  }

  /** The GPU failed mid-piece: report the piece up to its last clean dispatch and take no more. */
  #fail(err: unknown, end: PieceEnd, searched: number): void {
    const error = err instanceof Error ? err : new Error(String(err));
    const onFailure = this.#options.onFailure;
    if (onFailure === undefined || this.#closed) return end.lost(error);
    this.#failed = error;
    onFailure(error);
    end.done({ hit: null, searched });
  }

  /** Scale the dispatch toward {@link TARGET_DISPATCH_MS}, at most doubling or halving at a time (a first dispatch includes warm-up). */
  #resize(n: number, ms: number): void {
    const factor = Math.min(2, Math.max(0.5, TARGET_DISPATCH_MS / Math.max(ms, 1)));
    this.#dispatch = Math.min(MAX_DISPATCH, Math.max(MIN_DISPATCH, Math.round(n * factor)));
  }
}
