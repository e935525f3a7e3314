/**
 * The browser `Miner`: the engine (src/core/engine.ts) over module Web Workers
 * shared by every job it runs, with the same API and answers as the Node
 * `Miner`. The mining page is its client; so are apps and Electron renderers.
 * On a cross-origin isolated page the workers are halted and followed through
 * shared memory; elsewhere by messages (see executor.ts). Every hit is
 * re-verified before a job resolves: in a worker, so that on the wasm
 * backend the main thread never hashes.
 * With `backend: 'webgpu'` the GPU hashes instead (src/gpu/executor.ts), with
 * the workers to fall back on, and with `'auto'` the faster of the two after a
 * short calibration (src/gpu/backend-executor.ts); GPU hits are re-verified
 * with WebCrypto from the page.
 * @module
 */
import { kernelBinaries } from '../core/binaries.ts';
import { Engine } from '../core/engine.ts';
import type { ExecutorEvents } from '../core/executor.ts';
import { defaultThreads } from '../core/range.ts';
import { chooseBuild, type KernelBuild } from '../core/kernel.ts';
import { SupportError } from './errors.ts';
import { BackendExecutor } from '../gpu/backend-executor.ts';
import { BACKENDS, checkBackend, type Backend, type BackendChoice, type BackendStatus } from '../gpu/backend-choice.ts';
import { WorkerExecutor, type SchedulingMode } from './executor.ts';
import { NoGpuError, openGpuKernel, type GpuHost } from '../gpu/kernel.ts';
import { hostSha256 } from './sha256.ts';
import { sharedMemorySupport } from './shared-memory.ts';
import { compileKernel, noWasm } from './kernel-module.ts';

export type { Backend, BackendChoice, BackendStatus };

export { BACKENDS };

/** Options of {@link Miner}. */
export interface MinerOptions {
  /**
   * What hashes (default `wasm`). `webgpu` runs the WGSL kernel on the browser's
   * GPU adapter, one piece at a time whatever `threads` says; jobs reject with a
   * SupportError (`no-webgpu`) where there is no adapter, and where the GPU
   * fails mid-job the wasm workers go on from where it stopped. `auto` uses the
   * GPU where an adapter exists and a short calibration on the first job's
   * nonces shows it faster than the workers, else the workers. Hits are
   * re-verified with WebCrypto either way.
   */
  backend?: BackendChoice;
  /** Told when the backend's status changes: `auto`'s calibration ends, or the GPU fails and the workers take over. */
  onBackendChange?: (status: BackendStatus) => void;
  /** Workers hashing at once, over all jobs (default: `navigator.hardwareConcurrency`). */
  threads?: number;
  /** The worker script (default: worker.js beside this bundle, `new URL('./worker.js', import.meta.url)`). */
  workerUrl?: URL | string;
  /** Kernel build (default: SIMD where `WebAssembly.validate` accepts it). */
  build?: KernelBuild;
  /** How pieces reach the workers (default: `shared` where the page can share memory, else `messages`). */
  mode?: SchedulingMode;
  /** Nonces per chunk (tests use small ones to make many chunks). */
  chunkSize?: bigint;
  /** Nonces per kernel call. */
  batch?: number;
  /**
   * Percent of each thread's time spent hashing, 1 to 100 (default 100). Below
   * 100 each thread rests after every batch, so the machine stays usable; the
   * answer is the same. Change it later with `setThrottle`.
   */
  throttle?: number;
}

/**
 * A miner that runs protocol requests on module Web Workers shared by all its
 * jobs. Its jobs also reject with a SupportError when the browser cannot run
 * the kernel or its workers, and a WorkerFailure when a worker dies mid-job.
 *
 * ```ts
 * const miner = new Miner({ threads: 2 });
 * const response = await miner.mine(request, { onProgress: (p) => show(p.rate) });
 * miner.setThreads(1); // the tab went to the background: leave the user a core
 * miner.setThrottle(50); // or hash half of the time
 * await miner.close();
 * ```
 */
export class Miner extends Engine {
  /** How pieces reach the workers: `shared` memory or `messages` (the wasm backend's path). */
  readonly mode: SchedulingMode;
  /** The GPU side, for `webgpu` and `auto`. */
  readonly #gpu: BackendExecutor | null = null;

  /**
   * @throws RangeError for a bad thread count, throttle, chunk size, batch or backend; SupportError
   * where the browser has no WebAssembly or no Web Workers; Error for the
   * shared mode where memory cannot be shared.
   */
  constructor(options: MinerOptions = {}) {
    const backend = checkBackend(options.backend ?? 'wasm');
    if (typeof WebAssembly !== 'object') {
      throw noWasm();
    }
    if (typeof Worker !== 'function') {
      throw new SupportError('no-workers', 'this browser cannot run Web Workers, which the miner needs to hash off the page\'s main thread');
    }
    const support = sharedMemorySupport();
    const mode = options.mode ?? (support.shared ? 'shared' : 'messages');
    if (mode === 'shared' && !support.shared) throw new Error(`the shared mode cannot run here: ${support.reason}`);
    const build = options.build ?? chooseBuild(kernelBinaries);
    const engineOptions = {
      threads: options.threads ?? defaultThreads(globalThis.navigator?.hardwareConcurrency), chunkSize: options.chunkSize, batch: options.batch, throttle: options.throttle,
    };
    const url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
    const workers = (events: ExecutorEvents): WorkerExecutor => {
      // Compiled once, asynchronously (the main thread may not compile large modules synchronously); workers share it.
      const module = compileKernel(build);
      module.catch(() => {}); // reported through the workers that wait for it
      return new WorkerExecutor(events, { url, build, module, bytes: kernelBinaries[build], mode });
    };
    let gpu: BackendExecutor | null = null;
    if (backend === 'wasm') {
      super(build, engineOptions, workers);
    } else {
      // The device opens asynchronously; no piece runs on it before, and the workers are made only where needed.
      const onChange = options.onBackendChange;
      super(build, engineOptions, (events) => (gpu = new BackendExecutor(events, backend, openBrowserGpu(), workers, hostSha256(), onChange)));
    }
    this.mode = mode;
    this.#gpu = gpu;
  }

  /** What hashes now: `webgpu` or `wasm` (the workers, also after the GPU failed or lost `auto`'s calibration). */
  get backend(): Backend {
    return this.backendStatus.active;
  }

  /** What was asked for, what hashes, the adapter, `auto`'s measured rates, and why the GPU is not used where it is not. */
  get backendStatus(): BackendStatus {
    return this.#gpu?.status ?? { choice: 'wasm', active: 'wasm', calibrating: false, adapter: null, rates: { webgpu: null, wasm: null }, gpuProblem: null };
  }
}

/**
 * The page's GPU kernel on `navigator.gpu`.
 * @throws SupportError `no-webgpu` where the browser has no WebGPU or offers no adapter.
 */
async function openBrowserGpu(): Promise<Awaited<ReturnType<typeof openGpuKernel>>> {
  try {
    return await openGpuKernel((globalThis.navigator as { gpu?: GpuHost } | undefined)?.gpu, {
      noWebGpu: 'this browser has no WebGPU (navigator.gpu is missing): it needs a secure page (https or localhost) in a browser with WebGPU, such as Chrome or Edge 113 or later; the wasm backend runs anywhere',
      noAdapter: 'this browser has WebGPU but offers no adapter: no usable GPU, or the GPU is blocked; the wasm backend runs anywhere',
    });
  } catch (err) {
    throw err instanceof NoGpuError ? new SupportError('no-webgpu', err.message) : err;
  }
}
