/**
 * The browser `Miner`: the engine (src/core/engine.ts) over module Web Workers
 * shared by every job it runs, with the same API and answers as the Node
 * `Miner`. The mining page is its client; so are apps and Electron renderers.
 * On a cross-origin isolated page the workers are halted and followed through
 * shared memory; elsewhere by messages (see executor.ts). Every hit is
 * re-verified in a worker before a job resolves: the main thread never hashes.
 * With `backend: 'webgpu'` the GPU hashes instead (gpu-executor.ts), and its
 * hits are re-verified with WebCrypto from the page.
 * @module
 */
import { kernelBinaries } from '../core/binaries.ts';
import { Engine } from '../core/engine.ts';
import { chooseBuild, type KernelBuild } from '../core/kernel.ts';
import { SupportError } from './errors.ts';
import { WorkerExecutor, type SchedulingMode } from './executor.ts';
import { GpuExecutor } from './gpu-executor.ts';
import { openGpuKernel } from './gpu-kernel.ts';
import { sharedMemorySupport } from './shared-memory.ts';
import { compileKernel, noWasm } from './kernel-module.ts';

/** What hashes: the wasm kernel on Web Workers, or the WGSL kernel on the GPU through WebGPU. */
export type Backend = 'wasm' | 'webgpu';

/** The backends {@link Miner} accepts. */
export const BACKENDS: readonly Backend[] = ['wasm', 'webgpu'];

/** Options of {@link Miner}. */
export interface MinerOptions {
  /**
   * What hashes (default `wasm`). `webgpu` runs the WGSL kernel on the browser's
   * GPU adapter, one piece at a time whatever `threads` says; jobs reject with a
   * SupportError (`no-webgpu`) where there is no adapter. Hits are re-verified
   * with WebCrypto either way.
   */
  backend?: Backend;
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
  /** What hashes: `wasm` workers or the `webgpu` adapter. */
  readonly backend: Backend;

  /**
   * @throws RangeError for a bad thread count, throttle, chunk size, batch or backend; SupportError
   * where the browser has no WebAssembly or no Web Workers; Error for the
   * shared mode where memory cannot be shared.
   */
  constructor(options: MinerOptions = {}) {
    const backend = options.backend ?? 'wasm';
    if (!BACKENDS.includes(backend)) throw new RangeError(`backend must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(backend)}`);
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
      threads: options.threads ?? (globalThis.navigator?.hardwareConcurrency || 1), chunkSize: options.chunkSize, batch: options.batch, throttle: options.throttle,
    };
    if (backend === 'webgpu') {
      // The device opens asynchronously; no piece runs before it, and a missing adapter fails the jobs.
      super(build, engineOptions, (events) => new GpuExecutor(events, openGpuKernel()));
    } else {
      // Compiled once, asynchronously (the main thread may not compile large modules synchronously); workers share it.
      const module = compileKernel(build);
      module.catch(() => {}); // reported through the workers that wait for it
      const url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
      super(build, engineOptions, (events) => new WorkerExecutor(events, { url, build, module, bytes: kernelBinaries[build], mode }));
    }
    this.mode = mode;
    this.backend = backend;
  }
}
