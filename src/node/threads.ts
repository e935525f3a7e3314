/**
 * The Node executors of the engine:
 * - {@link ThreadExecutor}: piscina worker threads, one piece per task, halted
 *   and followed through the piece's shared-memory cells; hits re-verified
 *   with node:crypto;
 * - {@link HeadStart}: the CLI's head start, a job's first piece searched on
 *   the main thread while the worker threads boot, so a hit near the start of
 *   the range is answered without waiting for them.
 * @module
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Piscina } from 'piscina';
import type { Executor, ExecutorEvents, PieceEnd, PieceOrder, PieceRunner, RunningPiece } from '../core/executor.ts';
import type { HitCheck } from '../core/job-api.ts';
import type { Kernel } from '../core/kernel.ts';
import { PieceCells, Rest, runPieceAsync } from '../core/piece-run.ts';
import type { MineRequest } from '../core/request.ts';
import { checkHit } from '../core/verify.ts';
import { nodeSha256 } from './sha256.ts';
import type { PieceTask, PieceTaskResult, ThreadData } from './worker.ts';
import { JobSlot } from '../core/job-slot.ts';

/** How to start the threads. */
export interface ThreadSetup extends ThreadData {
  /** Path of the piscina worker file. */
  workerFile: string;
  /** Threads the first pool holds (a larger count later swaps in a larger pool). */
  poolSize: number;
}

/** Piscina threads running the engine's pieces. */
export class ThreadExecutor implements Executor {
  readonly #events: ExecutorEvents;
  readonly #setup: ThreadSetup;
  #pool: Piscina;
  #poolSize: number;
  /** Pieces running on each pool. */
  readonly #running = new Map<Piscina, number>();
  /** Pools replaced by a larger one, destroyed once no piece runs on them. */
  readonly #retiring = new Set<Piscina>();
  /** Resolves once every retired pool is destroyed. */
  #retired: Promise<void> = Promise.resolve();

  constructor(events: ExecutorEvents, setup: ThreadSetup) {
    this.#events = events;
    this.#setup = setup;
    this.#poolSize = setup.poolSize;
    this.#pool = this.#newPool(setup.poolSize);
  }

  #newPool(size: number): Piscina {
    const { module, build, workerFile } = this.#setup;
    // Threads start on demand and idle ones exit (unref'd), so an idle miner holds no process open.
    const pool = new Piscina({
      filename: workerFile, workerData: { module, build } satisfies ThreadData,
      minThreads: 0, maxThreads: size, concurrentTasksPerWorker: 1, idleTimeout: 2000,
    });
    // An error outside any task (a worker that cannot load its file) would leave its tasks waiting forever.
    pool.on('error', (err: unknown) => {
      if (pool !== this.#pool) return;
      this.#pool = this.#newPool(this.#poolSize);
      void pool.destroy().catch(() => {});
      this.#events.broken(new Error(`a mining thread failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    });
    return pool;
  }

  /** Piscina queues what it cannot start yet, so the engine's thread count is the only bound; a pool too small is replaced. */
  room(wanted: number): number {
    if (wanted > this.#poolSize) {
      // Not Piscina.close(): it terminates tasks still running (or queued for a starting thread) as soon as any one finishes.
      const old = this.#pool;
      this.#poolSize = wanted;
      this.#pool = this.#newPool(wanted);
      this.#retiring.add(old);
      this.#retireIfIdle(old);
    }
    return wanted;
  }

  /** Destroy a replaced pool once no piece runs on it. */
  #retireIfIdle(pool: Piscina): void {
    if (!this.#retiring.has(pool) || (this.#running.get(pool) ?? 0) > 0) return;
    this.#retiring.delete(pool);
    this.#running.delete(pool);
    const destroyed = pool.destroy().catch(() => {});
    this.#retired = Promise.all([this.#retired, destroyed]).then(() => {});
  }

  run(order: PieceOrder, end: PieceEnd): RunningPiece {
    const cells = PieceCells.create();
    const task: PieceTask = { ...order, cells: cells.buffer };
    const pool = this.#pool;
    this.#running.set(pool, (this.#running.get(pool) ?? 0) + 1);
    const ran = pool.run(task) as Promise<PieceTaskResult>;
    void ran.catch(() => {}).then(() => {
      this.#running.set(pool, this.#running.get(pool)! - 1);
      this.#retireIfIdle(pool);
    });
    ran.then(end.done, end.lost);
    return { searched: () => cells.searched, halt: () => cells.halt() };
  }

  verify(request: MineRequest, nonce: bigint): Promise<HitCheck> {
    return checkHit(request, nonce, nodeSha256, 'node:crypto');
  }

  async close(): Promise<void> {
    await Promise.all([this.#pool.destroy(), ...[...this.#retiring].map((p) => p.destroy()), this.#retired]);
  }
}

/** The main thread as one more runner, yielding to the event loop between batches (signals and timers still run). */
export class HeadStart implements PieceRunner {
  readonly #kernel: Kernel;
  readonly #slot = new JobSlot();

  /** @param kernel - an instance of the build the threads run. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
  }

  run(order: PieceOrder, end: PieceEnd): RunningPiece {
    let halted = false;
    let searched = 0;
    const rest = new Rest();
    const between = async (n: number, restMs: number): Promise<boolean> => {
      searched = n;
      if (restMs > 0) await rest.sleep(restMs);
      else await nextTurn();
      return !halted;
    };
    // The first batch waits a turn too, so the engine posts the threads' pieces (and they boot) first.
    void nextTurn()
      .then(() => {
        if (halted) return { hit: null, searched: 0 };
        this.#slot.load(this.#kernel, order);
        return runPieceAsync(this.#kernel, order.first, order.count, order.batch, order.duty, between);
      })
      .then(end.done, end.lost);
    return {
      searched: () => searched,
      halt: () => {
        halted = true;
        rest.wake();
      },
    };
  }

  async close(): Promise<void> {}
}
