/**
 * The Node `Miner`: the engine (src/core/engine.ts) over piscina worker
 * threads shared by every job it runs, hits re-verified with node:crypto.
 * With `backend: 'webgpu'` the WGSL kernel hashes on the GPU Dawn finds, in a
 * GPU process of its own (gpu-process.ts), with the workers to fall back on;
 * with `'auto'` the faster of the two after a short calibration
 * (src/gpu/backend-executor.ts). The `dmint-miner` CLI, `mine()` and the IPC
 * child are its clients.
 * @module
 */
import { availableParallelism } from 'node:os';
import { kernelBinaries } from '../core/binaries.ts';
import { Engine } from '../core/engine.ts';
import type { ExecutorEvents } from '../core/executor.ts';
import { defaultThreads } from '../core/range.ts';
import { BackendExecutor } from '../gpu/backend-executor.ts';
import { BACKENDS, checkBackend, type Backend, type BackendChoice, type BackendStatus } from '../gpu/backend-choice.ts';
import { nodeSha256 } from './sha256.ts';
import { HANG_MS, startGpuProcess, type GpuProcessOptions, type GpuProcessStart } from './gpu-process.ts';
import { abortError, type HitCheck, type JobOptions, type MineProgress, type MineResponse, type SearchOutcome } from '../core/job-api.ts';
import { Kernel, chooseBuild, type KernelBuild } from '../core/kernel.ts';
import { HeadStart, ThreadExecutor } from './threads.ts';
import { workerPath } from './worker-file.ts';

export { abortError, type HitCheck, type JobOptions, type MineProgress, type MineResponse, type SearchOutcome };
export type { Backend, BackendChoice, BackendStatus };

export { BACKENDS };

/** What a Miner reports of its backend where only the workers hash. */
const WASM_ONLY: BackendStatus = { choice: 'wasm', active: 'wasm', calibrating: false, adapter: null, rates: { webgpu: null, wasm: null }, gpuProblem: null };

/** Options of {@link Miner}. */
export interface MinerOptions {
  /**
   * What hashes (default `wasm`). `webgpu` runs the WGSL kernel on the GPU that
   * Dawn (the optional `webgpu` package) finds, in a process of its own, one
   * piece at a time whatever `threads` says (a software adapter hashes on
   * `threads` threads); jobs reject with a NoGpuError where there is no Dawn or
   * no adapter, and where the GPU fails mid-job (a crash, a hang, a lost device,
   * a hit node:crypto refuses) the workers go on from where it stopped. `auto`
   * lets the workers hash while the GPU opens, then measures both on the job's
   * own nonces and keeps the faster; no GPU: the workers. Hits are re-verified
   * with node:crypto either way.
   */
  backend?: BackendChoice;
  /** Told when the backend's status changes: `auto`'s calibration ends, or the GPU fails and the workers take over. */
  onBackendChange?: (status: BackendStatus) => void;
  /**
   * The GPU process's script (default: gpu-child.js beside this bundle, like
   * `workerFile`) and how long it may leave a dispatch unanswered before it
   * counts as hung (default {@link HANG_MS}).
   */
  gpuProcess?: Pick<GpuProcessOptions, 'file' | 'hangMs'>;
  /** Threads hashing at once, over all jobs (default: the available parallelism). */
  threads?: number;
  /** Kernel build (default: SIMD where `WebAssembly.validate` accepts it). */
  build?: KernelBuild;
  /** Path or file URL of the piscina worker (default: worker.cjs beside this bundle). */
  workerFile?: string | URL;
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
  /**
   * Search each job's first piece on the calling thread, outside the thread
   * count, while the worker threads boot, so a hit near the start of the range
   * is answered without waiting for them (the CLI does). It yields to the event
   * loop between batches. Leave it off where the main thread must stay free.
   * Ignored for `backend: 'webgpu'`: asked for the GPU, only the GPU hashes (a
   * head start could answer a job before the GPU is found missing).
   */
  headStart?: boolean;
}

/**
 * A miner that runs protocol requests on worker threads shared by all its jobs.
 *
 * ```ts
 * const miner = new Miner({ threads: 2 });
 * const response = await miner.mine(request, { onProgress: (p) => show(p.rate) });
 * miner.setThreads(1); // the user came back: leave them a core
 * miner.setThrottle(50); // or hash half of the time
 * await miner.close();
 * ```
 */
export class Miner extends Engine {
  /** The GPU side, for `webgpu` and `auto`. */
  readonly #gpu: BackendExecutor | null = null;
  /** The GPU process, for `webgpu` and `auto`, ended by {@link Miner.close} whatever stage it is at. */
  readonly #gpuProcess: GpuProcessStart | null = null;

  /** @throws RangeError for a bad thread count, throttle, chunk size, batch or backend. */
  constructor(options: MinerOptions = {}) {
    const backend = checkBackend(options.backend ?? 'wasm');
    const build = options.build ?? chooseBuild(kernelBinaries);
    const module = new WebAssembly.Module(kernelBinaries[build] as Uint8Array<ArrayBuffer>);
    const threads = options.threads ?? defaultThreads(availableParallelism());
    const workerFile = workerPath(options.workerFile);
    // Sized for going back up to all cores without a new pool.
    const workers = (events: ExecutorEvents): ThreadExecutor =>
      new ThreadExecutor(events, { module, build, workerFile, poolSize: Math.max(threads, availableParallelism()) });
    const engineOptions = { threads, chunkSize: options.chunkSize, batch: options.batch, throttle: options.throttle };
    const head = options.headStart && backend !== 'webgpu' ? new HeadStart(Kernel.fromModule(build, module)) : undefined;
    let gpu: BackendExecutor | null = null;
    let gpuProcess: GpuProcessStart | null = null;
    if (backend === 'wasm') {
      super(build, engineOptions, workers, head);
    } else {
      super(build, engineOptions, (events) => {
        // Opened while the engine starts: for `auto`, the workers hash meanwhile.
        gpuProcess = startGpuProcess({ ...options.gpuProcess, threads });
        return (gpu = new BackendExecutor(events, backend, gpuProcess.ready, workers, { name: 'node:crypto', digest: nodeSha256 }, options.onBackendChange));
      }, head);
    }
    this.#gpu = gpu;
    this.#gpuProcess = gpuProcess;
  }

  /** What hashes now: `webgpu` or `wasm` (the workers, also after the GPU failed or lost `auto`'s calibration). */
  get backend(): Backend {
    return this.backendStatus.active;
  }

  /** What was asked for, what hashes, the adapter, `auto`'s measured rates, and why the GPU is not used where it is not. */
  get backendStatus(): BackendStatus {
    return this.#gpu?.status ?? WASM_ONLY;
  }

  /** Release every thread, and end the GPU process (Dawn's threads with it) before resolving. */
  override async close(): Promise<void> {
    this.#gpuProcess?.kill();
    await Promise.all([super.close(), this.#gpuProcess?.ended]);
  }
}
