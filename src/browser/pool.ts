/**
 * The browser search pool: module Web Workers, each with its own kernel
 * instance from one compiled module, searching one request's range together.
 *
 * Two scheduling paths with the same answers (the lowest hit of the range at
 * any thread count, DESIGN §3):
 * - `shared` when the page is cross-origin isolated: a {@link ChunkBoard} in a
 *   SharedArrayBuffer, exactly as the Node pool, stop through its flag;
 * - `messages` otherwise: a {@link ChunkDispatcher} on the main thread hands out
 *   chunks in order, cancels those above a hit, and stops by message.
 * A worker that does not stop within the grace time is terminated.
 *
 * Every hit is re-verified in a worker with WebCrypto (or the core's pure-TS
 * SHA-256 where `crypto.subtle` is missing) before it is returned: the main
 * thread never hashes.
 * @module
 */
import { ChunkBoard } from '../core/board.ts';
import { kernelBound, nonceToHex, type MineRequest } from '../core/protocol.ts';
import type { KernelBuild } from '../core/kernel.ts';
import { ChunkDispatcher } from './dispatcher.ts';
import { MessageRun, SharedRun, type WorkerPort } from './runs.ts';
import { SupportError, VerificationError, WorkerFailure } from './errors.ts';
import type { KernelModule } from './kernel-module.ts';
import type { FromWorker, Sha256Name, ToWorker, WorkerJob } from './messages.ts';

/** Nonces per chunk, as in the Node pool: about 0.1 s of one thread. */
export const DEFAULT_CHUNK = 1n << 18n;
/** Nonces per kernel call: stop and cancel act between calls. */
export const DEFAULT_BATCH = 1 << 15;

/** How chunks are scheduled. */
export type SchedulingMode = 'shared' | 'messages';

/** Options of {@link MinerPool}. */
export interface PoolOptions {
  /** The worker script (default: worker.js beside this bundle). */
  workerUrl?: URL | string;
  /** Milliseconds a worker may take to load and instantiate its kernel (default 15 s). */
  startTimeoutMs?: number;
  /** Milliseconds a worker has to stop before it is terminated (default 250). */
  stopGraceMs?: number;
}

/** Options of {@link MinerPool.search}. */
export interface BrowserSearchOptions {
  /** Worker threads (default `navigator.hardwareConcurrency`). */
  threads?: number;
  /** First nonce (default 0). */
  start?: bigint;
  /** Nonces to search (default: to the end of the request's nonce space). */
  count?: bigint;
  /** Scheduling path (default: `shared` when cross-origin isolated, else `messages`). */
  mode?: SchedulingMode;
  /** Nonces per chunk. */
  chunkSize?: bigint;
  /** Nonces per kernel call. */
  batch?: number;
}

/** How a browser search ended. */
export type BrowserOutcome =
  | { kind: 'found'; nonce: bigint; attempts: number; elapsedS: number; verifiedWith: Sha256Name; digestHex: string }
  | { kind: 'exhausted'; attempts: number; elapsedS: number }
  | { kind: 'stopped'; attempts: number; elapsedS: number; stopMs: number };

/** A running search: live counters, a stop, and the outcome. */
export interface BrowserSearch {
  /** Worker threads working on it. */
  readonly threads: number;
  /** The kernel build they run. */
  readonly build: KernelBuild;
  /** The scheduling path. */
  readonly mode: SchedulingMode;
  /** First nonce and size of the range. */
  readonly start: bigint;
  readonly count: bigint;
  /** Nonces hashed so far by all workers. */
  attempts(): number;
  /** Seconds since the search started. */
  elapsedS(): number;
  /** Stop every worker at its next batch boundary (terminate those that do not); the outcome resolves `stopped`. */
  stop(): void;
  /** Resolves when every worker is idle or terminated (and a hit is verified); rejects on an internal error. */
  readonly outcome: Promise<BrowserOutcome>;
}

/** Whether this page can use the shared path: cross-origin isolated, with SharedArrayBuffer. */
export function canShareMemory(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/** Size of a request's nonce space: 2^32 for V1, 2^64 for V2. */
export function nonceSpace(request: Pick<MineRequest, 'nonceWidth'>): bigint {
  return 1n << BigInt(8 * request.nonceWidth);
}

/** One worker and whoever listens to it now. */
class WorkerHandle implements WorkerPort {
  listener: ((m: FromWorker) => void) | undefined;
  constructor(readonly worker: Worker) {}
  post(m: ToWorker): void {
    this.worker.postMessage(m);
  }
}

/** A pool of module workers, kept between searches; one search at a time. */
export class MinerPool {
  /** The kernel build every worker runs. */
  readonly build: KernelBuild;
  readonly #kernel: KernelModule;
  readonly #url: URL | string;
  readonly #startTimeoutMs: number;
  readonly #stopGraceMs: number;
  #handles: WorkerHandle[] = [];
  #busy = false;
  #searchId = 0;
  #verifyId = 0;

  /**
   * @param kernel - the compiled kernel ({@link loadKernelModule}).
   * @throws SupportError `no-workers` where the browser has no `Worker`.
   */
  constructor(kernel: KernelModule, options: PoolOptions = {}) {
    if (typeof Worker !== 'function') {
      throw new SupportError('no-workers', 'this browser cannot run Web Workers, which the miner needs to hash off the page\'s main thread');
    }
    this.#kernel = kernel;
    this.build = kernel.build;
    this.#url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
    this.#startTimeoutMs = options.startTimeoutMs ?? 15_000;
    this.#stopGraceMs = options.stopGraceMs ?? 250;
  }

  /** Workers alive now (started by earlier searches and not terminated). */
  get size(): number {
    return this.#handles.length;
  }

  /** Terminate every worker. The pool starts new ones on the next search. */
  dispose(): void {
    for (const h of this.#handles) h.worker.terminate();
    this.#handles = [];
  }

  #spawn(index: number): Promise<WorkerHandle> {
    return new Promise((resolve, reject) => {
      let worker: Worker;
      try {
        worker = new Worker(this.#url, { type: 'module', name: `dmint-miner-${index + 1}` });
      } catch (err) {
        reject(new SupportError('worker-start', `this browser could not start a module Web Worker: ${(err as Error).message}`));
        return;
      }
      const handle = new WorkerHandle(worker);
      const timer = setTimeout(() => {
        worker.terminate();
        reject(new SupportError('worker-start', `a mining worker did not start within ${this.#startTimeoutMs / 1000} s`));
      }, this.#startTimeoutMs);
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.type === 'ready') {
          clearTimeout(timer);
          worker.onmessage = (e: MessageEvent<FromWorker>) => handle.listener?.(e.data);
          worker.onerror = (e) => {
            e.preventDefault();
            handle.listener?.({ type: 'error', name: 'Error', message: e.message || 'the worker crashed' });
          };
          resolve(handle);
        } else if (m.type === 'error') {
          clearTimeout(timer);
          worker.terminate();
          reject(m.name === 'CompileError' || /Content.Security/i.test(m.message)
            ? new SupportError('csp', `a worker could not instantiate the kernel: ${m.message}`)
            : new WorkerFailure(`a worker failed to start: ${m.message}`));
        }
      };
      worker.onerror = (e) => {
        e.preventDefault();
        clearTimeout(timer);
        worker.terminate();
        reject(new SupportError(
          'worker-start',
          `the mining worker script could not be started${e.message ? `: ${e.message}` : ''} (module workers need Chromium 80+, Firefox 114+ or Safari 15+)`,
        ));
      };
      worker.onmessageerror = () => {
        clearTimeout(timer);
        worker.terminate();
        reject(new WorkerFailure('a worker could not receive the kernel'));
      };
      const { build, module, bytes } = this.#kernel;
      try {
        handle.post({ type: 'init', build, module });
      } catch {
        // Engines that cannot post a compiled module get the bytes and compile in the worker.
        handle.post({ type: 'init', build, module: bytes });
      }
    });
  }

  async #ensure(n: number): Promise<WorkerHandle[]> {
    const spawned = await Promise.allSettled(Array.from({ length: Math.max(0, n - this.#handles.length) }, (_, i) => this.#spawn(this.#handles.length + i)));
    for (const s of spawned) if (s.status === 'fulfilled') this.#handles.push(s.value);
    const failed = spawned.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return this.#handles.slice(0, n);
  }

  #drop(handle: WorkerHandle): void {
    handle.worker.terminate();
    handle.listener = undefined;
    this.#handles = this.#handles.filter((h) => h !== handle);
  }

  /**
   * Start searching `request` over `[start, start + count)`.
   * @throws RangeError for a range outside the nonce space or a bad thread count;
   * Error while another search of this pool runs.
   */
  search(request: MineRequest, options: BrowserSearchOptions = {}): BrowserSearch {
    if (this.#busy) throw new Error('a search is already running in this pool');
    const wanted = options.threads ?? (globalThis.navigator?.hardwareConcurrency || 1);
    if (!Number.isSafeInteger(wanted) || wanted < 1) throw new RangeError(`threads must be a positive integer, got ${wanted}`);
    const space = nonceSpace(request);
    const start = options.start ?? 0n;
    const count = options.count ?? space - start;
    if (start < 0n || start >= space) throw new RangeError(`start ${start} is outside the ${request.nonceWidth}-byte nonce space [0, 2^${8 * request.nonceWidth})`);
    if (count < 1n || start + count > space) throw new RangeError(`the range [${start}, ${start + count}) runs outside the ${request.nonceWidth}-byte nonce space [0, 2^${8 * request.nonceWidth})`);
    const mode = options.mode ?? (canShareMemory() ? 'shared' : 'messages');
    if (mode === 'shared' && !canShareMemory()) throw new Error('the shared path needs a cross-origin isolated page');
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    const batch = options.batch ?? DEFAULT_BATCH;
    const chunks = (count + chunkSize - 1n) / chunkSize;
    const threads = chunks < BigInt(wanted) ? Number(chunks) : wanted;
    const job: WorkerJob = { preimage: request.preimage, nonceWidth: request.nonceWidth, bound: kernelBound(request.effectiveTarget) };
    const id = ++this.#searchId;
    this.#busy = true;

    const started = performance.now();
    let finishedAt: number | undefined;
    const elapsedS = (): number => ((finishedAt ?? performance.now()) - started) / 1000;
    let stopAt: number | undefined;
    let wakeStop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (wakeStop = resolve));
    const engine = mode === 'shared'
      ? new SharedRun(ChunkBoard.create(threads, chunkSize, count), { search: id, job, start, batch })
      : new MessageRun(new ChunkDispatcher(count, chunkSize), { search: id, job, start, count, chunkSize, batch });

    const outcome = (async (): Promise<BrowserOutcome> => {
      try {
        // Workers start in tens of milliseconds; a Stop meanwhile need not wait for them.
        const starting = this.#ensure(threads);
        starting.catch(() => {});
        const handles = await Promise.race([starting, stopped.then(() => null)]);
        if (handles !== null && stopAt === undefined) {
          const done = engine.run(handles);
          const grace = stopped.then(() => sleep(this.#stopGraceMs));
          const late = await Promise.race([done.then(() => [] as WorkerPort[]), grace.then(() => engine.unfinished())]);
          // Last resort: a worker that did not stop in time is terminated (and replaced next search).
          for (const h of late) this.#drop(h as WorkerHandle);
        }
        finishedAt = performance.now();
        const attempts = engine.attempts();
        const spent = elapsedS();
        if (stopAt !== undefined) return { kind: 'stopped', attempts, elapsedS: spent, stopMs: finishedAt - stopAt };
        const nonce = engine.hit();
        if (nonce === null) return { kind: 'exhausted', attempts, elapsedS: spent };
        const v = await this.#verify(request, nonce);
        if (!v.valid) {
          throw new VerificationError(
            `internal error: the ${this.build} kernel reported nonce ${nonceToHex(nonce, request.nonceWidth)} but ${v.sha256} SHA-256 does not confirm it; nothing is shown`,
          );
        }
        return { kind: 'found', nonce, attempts, elapsedS: spent, verifiedWith: v.sha256, digestHex: v.digestHex };
      } catch (err) {
        // A worker in an unknown state is not reused.
        this.dispose();
        throw err;
      } finally {
        finishedAt ??= performance.now();
        this.#busy = false;
      }
    })();

    return {
      threads, build: this.build, mode, start, count,
      attempts: () => engine.attempts(),
      elapsedS,
      stop: () => {
        if (stopAt !== undefined || finishedAt !== undefined) return;
        stopAt = performance.now();
        engine.stop();
        wakeStop();
      },
      outcome,
    };
  }

  /** Re-check a nonce in a worker with WebCrypto (or the core's pure-TS SHA-256). */
  #verify(request: MineRequest, nonce: bigint): Promise<{ valid: boolean; digestHex: string; sha256: Sha256Name }> {
    const handle = this.#handles[0];
    const id = ++this.#verifyId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new WorkerFailure('the worker did not answer the verification within 10 s')), 10_000);
      handle.listener = (m) => {
        if (m.type === 'verified' && m.id === id) {
          clearTimeout(timer);
          handle.listener = undefined;
          resolve(m);
        } else if (m.type === 'error') {
          clearTimeout(timer);
          reject(new WorkerFailure(`verification failed in the worker: ${m.message}`));
        }
      };
      handle.post({ type: 'verify', id, preimage: request.preimage, nonceWidth: request.nonceWidth, effectiveTarget: request.effectiveTarget, nonce });
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
