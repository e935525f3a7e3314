/**
 * The browser executor of the engine: module Web Workers, each with its own
 * kernel instance from one compiled module, one piece at a time. Two paths
 * with the same answers:
 * - `shared` (where the engine offers SharedArrayBuffer and Atomics.wait, as
 *   on cross-origin isolated pages; see shared-memory.ts): the piece's cells live in a
 *   SharedArrayBuffer, the worker runs it without yielding and the executor
 *   halts it and reads its progress there;
 * - `messages` (otherwise, and in Electron renderers): the worker yields to its
 *   event loop between batches, reports progress and reads `piece-halt`.
 * More threads start more workers; with fewer, surplus workers are terminated
 * once idle (a worker costs a JS heap and a kernel instance). A pause keeps
 * them, idle, so resume is instant. Hits are re-verified in a worker with
 * WebCrypto (or the core's pure-TS SHA-256): the main thread never hashes.
 * @module
 */
import type { Executor, ExecutorEvents, PieceEnd, PieceOrder, RunningPiece } from '../core/executor.ts';
import type { HitCheck } from '../core/job-api.ts';
import type { KernelBuild } from '../core/kernel-build.ts';
import { PieceCells } from '../core/piece-run.ts';
import type { MineRequest } from '../core/request.ts';
import { WorkerFailure } from './errors.ts';
import type { FromWorker } from './messages.ts';
import { MinerWorker } from './miner-worker.ts';

/** How pieces reach the workers. */
export type SchedulingMode = 'shared' | 'messages';

/** Milliseconds a worker may take to load and instantiate its kernel. */
export const START_TIMEOUT_MS = 15_000;
/** Milliseconds a worker may take to answer a verification. */
export const VERIFY_TIMEOUT_MS = 10_000;

/** How to start workers. */
export interface WorkerSetup {
  url: URL | string;
  build: KernelBuild;
  /** The compiled kernel; a rejection (e.g. a CSP block) fails the workers. */
  module: Promise<WebAssembly.Module>;
  /** The build's bytes, for engines that cannot post a compiled module. */
  bytes: Uint8Array;
  mode: SchedulingMode;
}

/** A piece on a worker. */
interface Task extends RunningPiece {
  readonly id: number;
  readonly end: PieceEnd;
  /** Nonces searched, from the worker's last report (message path). */
  reported: number;
}

interface PendingVerify {
  readonly worker: MinerWorker<Task>;
  readonly timer: ReturnType<typeof setTimeout>;
  resolve(check: HitCheck): void;
  reject(err: Error): void;
}

/** Module Web Workers running the engine's pieces. */
export class WorkerExecutor implements Executor {
  readonly #events: ExecutorEvents;
  readonly #setup: WorkerSetup;
  #workers: MinerWorker<Task>[] = [];
  readonly #verifies = new Map<number, PendingVerify>();
  #wanted = 0;
  #ids = 0;
  #closed = false;

  constructor(events: ExecutorEvents, setup: WorkerSetup) {
    this.#events = events;
    this.#setup = setup;
  }

  room(wanted: number, _busy: number, idle: boolean): number {
    this.#wanted = wanted;
    if (!idle) while (this.#workers.length < wanted) this.#spawn();
    this.#trim();
    let free = 0;
    for (const w of this.#workers) if (w.ready && w.task === null) free++;
    return free;
  }

  run(order: PieceOrder, end: PieceEnd): RunningPiece {
    const w = this.#workers.find((x) => x.ready && x.task === null);
    if (w === undefined) throw new Error('the engine handed out a piece with no worker free');
    const id = ++this.#ids;
    if (this.#setup.mode === 'shared') {
      const cells = PieceCells.create();
      w.task = { id, end, reported: 0, searched: () => cells.searched, halt: () => cells.halt() };
      w.post({ type: 'piece', piece: id, order, cells: cells.buffer });
    } else {
      const task: Task = { id, end, reported: 0, searched: () => task.reported, halt: () => w.post({ type: 'piece-halt', piece: id }) };
      w.task = task;
      w.post({ type: 'piece', piece: id, order });
    }
    return w.task;
  }

  /** Post a `verify` to a ready worker: an idle one if any (it answers at once); a busy one answers after its batch or piece. */
  verify(request: MineRequest, nonce: bigint): Promise<HitCheck> {
    return new Promise((resolve, reject) => {
      const ready = this.#workers.filter((x) => x.ready);
      const w = ready.find((x) => x.task === null) ?? ready[0];
      // Never hash on this thread instead: without a worker there is no answer.
      if (w === undefined) throw new WorkerFailure('no worker is left to verify the hit');
      const id = ++this.#ids;
      const timer = setTimeout(() => {
        this.#verifies.delete(id);
        w.verifying--;
        reject(new WorkerFailure(`the worker did not answer the verification within ${VERIFY_TIMEOUT_MS / 1000} s`));
      }, VERIFY_TIMEOUT_MS);
      this.#verifies.set(id, { worker: w, timer, resolve, reject });
      w.verifying++;
      const { preimage, nonceWidth, effectiveTarget } = request;
      w.post({ type: 'verify', id, preimage, nonceWidth, effectiveTarget, nonce });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    for (const v of this.#verifies.values()) clearTimeout(v.timer);
    this.#verifies.clear();
  }

  #spawn(): void {
    const { url, build, module, bytes } = this.#setup;
    const w: MinerWorker<Task> = new MinerWorker<Task>(
      { url, name: `dmint-miner-${++this.#ids}`, build, module, bytes, startTimeoutMs: START_TIMEOUT_MS },
      {
        onReady: () => this.#events.capacity(),
        onMessage: (m) => this.#receive(w, m),
        onFailure: (err) => this.#lost(w, err),
      },
    );
    this.#workers.push(w);
  }

  /** Terminate idle workers beyond the thread count (those still starting first: they cost the least to drop). */
  #trim(): void {
    const idle = this.#workers.filter((w) => w.task === null && w.verifying === 0).sort((a, b) => Number(a.ready) - Number(b.ready));
    for (const w of idle) {
      if (this.#workers.length <= this.#wanted) return;
      this.#drop(w);
    }
  }

  /** Terminate a worker and forget it; its unanswered verifications fail. */
  #drop(w: MinerWorker<Task>): void {
    w.terminate();
    this.#workers = this.#workers.filter((x) => x !== w);
    for (const [id, v] of this.#verifies) {
      if (v.worker !== w) continue;
      this.#verifies.delete(id);
      clearTimeout(v.timer);
      v.reject(new WorkerFailure('the worker verifying a hit was lost'));
    }
  }

  /** A worker failed (it is terminated already): its piece is lost; one that never started means none will. */
  #lost(w: MinerWorker<Task>, err: Error): void {
    if (this.#closed) return;
    this.#drop(w);
    if (w.task !== null) w.task.end.lost(err);
    else if (!w.ready) this.#events.broken(err);
    this.#events.capacity();
  }

  #receive(w: MinerWorker<Task>, m: FromWorker): void {
    const task = w.task;
    if (m.type === 'piece-progress') {
      if (task?.id === m.piece) task.reported = m.searched;
    } else if (m.type === 'piece-done') {
      if (task?.id !== m.piece) return;
      w.task = null;
      task.end.done({ hit: m.hit, searched: m.searched });
    } else if (m.type === 'verified') {
      const v = this.#verifies.get(m.id);
      if (!v) return;
      this.#verifies.delete(m.id);
      clearTimeout(v.timer);
      w.verifying--;
      v.resolve(m.check);
      this.#events.capacity();
    }
  }
}
