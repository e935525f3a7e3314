/**
 * The Node `Miner`: the engine (src/core/engine.ts) over piscina worker
 * threads shared by every job it runs, hits re-verified with node:crypto.
 * The `dmint-miner` CLI, `mine()` and the IPC child are its clients.
 * @module
 */
import { availableParallelism } from 'node:os';
import { kernelBinaries } from '../core/binaries.ts';
import { Engine } from '../core/engine.ts';
import { abortError, type HitCheck, type JobOptions, type MineProgress, type MineResponse } from '../core/job-api.ts';
import { Kernel, chooseBuild, type KernelBuild } from '../core/kernel.ts';
import { HeadStart, ThreadExecutor } from './threads.ts';
import { workerPath } from './worker-file.ts';

export { abortError, type HitCheck, type JobOptions, type MineProgress, type MineResponse };

/** Options of {@link Miner}. */
export interface MinerOptions {
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
  /** @throws RangeError for a bad thread count, throttle, chunk size or batch. */
  constructor(options: MinerOptions = {}) {
    const build = options.build ?? chooseBuild(kernelBinaries);
    const module = new WebAssembly.Module(kernelBinaries[build] as Uint8Array<ArrayBuffer>);
    const threads = options.threads ?? availableParallelism();
    const workerFile = workerPath(options.workerFile);
    super(
      build,
      { threads, chunkSize: options.chunkSize, batch: options.batch, throttle: options.throttle },
      // Sized for going back up to all cores without a new pool.
      (events) => new ThreadExecutor(events, { module, build, workerFile, poolSize: Math.max(threads, availableParallelism()) }),
      options.headStart ? new HeadStart(Kernel.fromModule(build, module)) : undefined,
    );
  }
}
