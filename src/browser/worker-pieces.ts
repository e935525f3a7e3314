/**
 * The worker's side of the Miner's piece path (see messages.ts): search one
 * piece in batches and yield to the event loop between them, so that a
 * `piece-halt` (pause, fewer threads, a lower hit, an abort) and a `verify`
 * are read within one batch. Progress goes out as the piece's searched count,
 * not as deltas, so a lost or late report can never make the host count twice.
 * No SharedArrayBuffer: it works the same in any page and in Electron renderers.
 * @module
 */
import type { Kernel } from '../core/kernel.ts';
import type { FromWorker, PieceHaltMessage, PieceMessage } from './messages.ts';

/** Milliseconds between progress reports of a piece. */
export const PIECE_PROGRESS_MS = 100;

/** What the piece runner needs from its worker. */
export interface PieceHost {
  /** The worker's kernel (throws when `init` has not arrived). */
  kernel(): Kernel;
  post(message: FromWorker): void;
  /** Resolve after the messages already queued for the worker have run. */
  yieldToEvents(): Promise<void>;
  /** Live diagnostics the tests read: busy while a piece runs, nonces hashed in total. */
  state: { busy: boolean; hashed: number };
}

/** Runs the pieces posted to one worker, one at a time, in arrival order. */
export class PieceRunner {
  readonly #host: PieceHost;
  /** The job whose constants the kernel holds, so consecutive pieces of one job skip `setJob`. */
  #jobId: number | null = null;
  /** Pieces queued or running, by id, and whether each was halted. */
  readonly #live = new Map<number, { halted: boolean }>();
  #queue: Promise<void> = Promise.resolve();

  /** @param host - the worker's kernel, post and yield. */
  constructor(host: PieceHost) {
    this.#host = host;
  }

  /** Another path set the kernel's job: the next piece must set its own. */
  forgetJob(): void {
    this.#jobId = null;
  }

  /** Queue a piece (the host sends one at a time; the queue only guards against overlap). */
  start(m: PieceMessage): Promise<void> {
    const flag = { halted: false };
    this.#live.set(m.piece, flag);
    const run = this.#queue.then(() => this.#run(m, flag)).finally(() => this.#live.delete(m.piece));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Mark a piece halted: it stops before its next batch (or before its first). A finished piece's halt is dropped. */
  halt(m: PieceHaltMessage): void {
    const flag = this.#live.get(m.piece);
    if (flag) flag.halted = true;
  }

  async #run(m: PieceMessage, flag: { halted: boolean }): Promise<void> {
    const host = this.#host;
    const kernel = host.kernel();
    if (this.#jobId !== m.jobId) {
      this.#jobId = null; // a setJob that throws half-way leaves no job to trust
      kernel.setJob(m.job.preimage, m.job.nonceWidth, m.job.bound);
      this.#jobId = m.jobId;
    }
    host.state.busy = true;
    let searched = 0;
    let hit: bigint | null = null;
    try {
      const end = m.first + m.count;
      let reported = performance.now();
      for (let next = m.first; next < end && !flag.halted;) {
        const n = end - next < BigInt(m.batch) ? Number(end - next) : m.batch;
        const r = kernel.scan(next, n);
        searched += r.scanned;
        host.state.hashed += r.scanned;
        if (r.hit !== null) {
          hit = r.hit;
          break;
        }
        next += BigInt(n);
        if (next >= end) break;
        const now = performance.now();
        if (now - reported >= PIECE_PROGRESS_MS) {
          host.post({ type: 'piece-progress', piece: m.piece, searched });
          reported = now;
        }
        await host.yieldToEvents();
      }
    } finally {
      host.state.busy = false;
    }
    host.post({ type: 'piece-done', piece: m.piece, hit, searched });
  }
}
