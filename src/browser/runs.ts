/**
 * The two scheduling paths of one browser search, over abstract worker ports
 * (the pool's Web Workers; fakes in unit tests):
 * - {@link SharedRun}: every worker runs `runSearchThread` on one shared
 *   {@link ChunkBoard}; stop through the board's flag;
 * - {@link MessageRun}: the main thread hands out chunks in order with a
 *   {@link ChunkDispatcher}, cancels those above a hit, and stops by message.
 * @module
 */
import type { ChunkBoard } from '../core/board.ts';
import type { ChunkDispatcher } from './dispatcher.ts';
import { WorkerFailure } from './errors.ts';
import type { FromWorker, ToWorker, WorkerJob } from './messages.ts';

/** Chunks queued per worker on the message path, so no worker waits for a round trip. */
export const QUEUE_DEPTH = 2;

/** One worker as a run sees it: a way to post, and a listener slot for its messages. */
export interface WorkerPort {
  /** Post a message to the worker. */
  post(m: ToWorker): void;
  /** Receives the worker's messages while a run (or a verification) owns it. */
  listener: ((m: FromWorker) => void) | undefined;
}

/** One scheduling path of one search. */
export interface Run {
  /** Start the workers; resolves when all are idle, rejects when one fails. */
  run(handles: WorkerPort[]): Promise<void>;
  /** Ask every worker to stop. */
  stop(): void;
  /** Workers that have not finished yet (after a stop: the ones to terminate). */
  unfinished(): WorkerPort[];
  /** Nonces hashed so far. */
  attempts(): number;
  /** The lowest hit of the range, once `run` resolved without a stop. */
  hit(): bigint | null;
}

/** The shared path: every worker runs `runSearchThread` on one board. */
export class SharedRun implements Run {
  #pending = new Set<WorkerPort>();
  #hits: bigint[] = [];
  /** @param board - the search's board; @param setup - what every worker gets besides its slot. */
  constructor(
    readonly board: ChunkBoard,
    readonly setup: { search: number; job: WorkerJob; start: bigint; batch: number },
  ) {}

  run(handles: WorkerPort[]): Promise<void> {
    return new Promise((resolve, reject) => {
      handles.forEach((h, slot) => {
        this.#pending.add(h);
        h.listener = (m) => {
          if (m.type === 'error') {
            this.board.stop();
            reject(new WorkerFailure(`a worker failed: ${m.message}`));
          } else if (m.type === 'thread-done' && m.search === this.setup.search) {
            this.#pending.delete(h);
            h.listener = undefined;
            if (m.hit !== null) this.#hits.push(m.hit);
            if (this.#pending.size === 0) resolve();
          }
        };
        h.post({ type: 'shared', ...this.setup, board: this.board.buffer, slot });
      });
    });
  }

  stop(): void {
    this.board.stop();
  }

  unfinished(): WorkerPort[] {
    return [...this.#pending];
  }

  attempts(): number {
    return Number(this.board.attempts);
  }

  hit(): bigint | null {
    return this.#hits.reduce<bigint | null>((a, b) => (a === null || b < a ? b : a), null);
  }
}

/** The message path: the main thread hands out chunks in order with a {@link ChunkDispatcher}. */
export class MessageRun implements Run {
  #attempts = 0;
  #handles: WorkerPort[] = [];
  #queued = new Map<WorkerPort, number>();
  #unstopped = new Set<WorkerPort>();
  #stopping = false;
  #resolve: (() => void) | undefined;
  /** @param dispatcher - the search's chunk bookkeeping; @param setup - the range and job every worker gets. */
  constructor(
    readonly dispatcher: ChunkDispatcher,
    readonly setup: { search: number; job: WorkerJob; start: bigint; count: bigint; chunkSize: bigint; batch: number },
  ) {}

  run(handles: WorkerPort[]): Promise<void> {
    this.#handles = handles;
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      for (const h of handles) {
        this.#queued.set(h, 0);
        h.listener = (m) => {
          if (m.type === 'error') {
            this.dispatcher.stop();
            reject(new WorkerFailure(`a worker failed: ${m.message}`));
            return;
          }
          if (!('search' in m) || m.search !== this.setup.search) return;
          if (m.type === 'progress') this.#attempts += m.attempts;
          else if (m.type === 'chunk-done') this.#settled(h, m.k, m.hit, m.abandoned, m.attempts);
          else if (m.type === 'stopped') {
            this.#unstopped.delete(h);
            h.listener = undefined;
            this.#check();
          }
        };
        h.post({ type: 'messages', ...this.setup });
      }
      for (const h of handles) this.#fill(h);
      this.#check();
    });
  }

  #fill(h: WorkerPort): void {
    while ((this.#queued.get(h) ?? 0) < QUEUE_DEPTH) {
      const k = this.dispatcher.take();
      if (k === null) return;
      this.#queued.set(h, (this.#queued.get(h) ?? 0) + 1);
      h.post({ type: 'chunk', search: this.setup.search, k });
    }
  }

  #settled(h: WorkerPort, k: bigint, hit: bigint | null, abandoned: boolean, attempts: number): void {
    this.#attempts += attempts;
    this.#queued.set(h, (this.#queued.get(h) ?? 1) - 1);
    if (this.dispatcher.settle(k, hit, abandoned)) {
      const above = this.dispatcher.bestChunk!;
      for (const other of this.#handles) other.post({ type: 'cancel', search: this.setup.search, above });
    }
    if (!this.#stopping) for (const other of this.#handles) this.#fill(other);
    this.#check();
  }

  #check(): void {
    if (this.#stopping ? this.#unstopped.size === 0 : this.dispatcher.finished) {
      if (!this.#stopping) for (const h of this.#handles) h.listener = undefined;
      this.#resolve?.();
    }
  }

  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.dispatcher.stop();
    for (const h of this.#handles) {
      this.#unstopped.add(h);
      h.post({ type: 'stop', search: this.setup.search });
    }
  }

  unfinished(): WorkerPort[] {
    return [...this.#unstopped];
  }

  attempts(): number {
    return this.#attempts;
  }

  hit(): bigint | null {
    return this.dispatcher.hit;
  }
}
