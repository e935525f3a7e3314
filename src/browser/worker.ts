/**
 * The Web Worker entry (bundled as dist/browser/worker.js and dist/web/worker.js):
 * one kernel instance from the compiled module the executor posts, one piece
 * at a time, with the batch loop that fits the path (see messages.ts), and
 * `verify` answered with a SHA-256 independent of the kernel, so that the
 * page's main thread never hashes.
 * @module
 */
import type { PieceOrder } from '../core/executor.ts';
import { Kernel } from '../core/kernel.ts';
import { PieceCells, Rest, runPiece, runPieceAsync, type PieceResult } from '../core/piece-run.ts';
import { PIECE_REPORT_MS } from '../core/tuning.ts';
import { checkHit } from '../core/verify.ts';
import type { FromWorker, PieceMessage, ToWorker } from './messages.ts';
import { hostSha256 } from './sha256.ts';
import { JobSlot } from '../core/job-slot.ts';

/** The part of a dedicated worker's global scope this entry uses (DOM typings describe a window). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  /** Live diagnostics for tests and devtools: is a piece running, nonces hashed in total. */
  dmintWorker: { busy: boolean; hashed: number };
}

const scope = globalThis as unknown as WorkerScope;
const state: WorkerScope['dmintWorker'] = { busy: false, hashed: 0 };
scope.dmintWorker = state;
let kernel: Kernel | undefined;
const slot = new JobSlot();
/** Message-path pieces running or queued, and whether each was halted. */
const halted = new Map<number, boolean>();
/** The throttle's rest between batches on the message path; a `piece-halt` cuts it short. */
const rest = new Rest();
let queue: Promise<void> = Promise.resolve();

const post = (message: FromWorker): void => scope.postMessage(message);

function fail(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  state.busy = false;
  post({ type: 'error', name: e.name, message: e.message });
}

// A macrotask boundary much cheaper than setTimeout (no 4 ms clamp): lets queued
// messages (piece-halt, verify) run between two batches.
const channel = new MessageChannel();
const wakers: Array<() => void> = [];
channel.port1.onmessage = () => wakers.shift()?.();
const yieldToEvents = (): Promise<void> => new Promise((resolve) => {
  wakers.push(resolve);
  channel.port2.postMessage(null);
});

function kernelFor(order: PieceOrder): Kernel {
  if (!kernel) throw new Error('the worker got a piece before its kernel');
  slot.load(kernel, order);
  return kernel;
}

/** Search a piece the message way: yield between batches, report progress, stop when halted. */
async function runByMessages(m: PieceMessage): Promise<PieceResult> {
  const { first, count, batch, duty } = m.order;
  let reported = performance.now();
  return runPieceAsync(kernelFor(m.order), first, count, batch, duty, async (searched, restMs) => {
    const now = performance.now();
    if (now - reported >= PIECE_REPORT_MS) {
      post({ type: 'piece-progress', piece: m.piece, searched });
      reported = now;
    }
    if (restMs > 0) await rest.sleep(restMs);
    else await yieldToEvents();
    return halted.get(m.piece) !== true;
  });
}

async function runPieceMessage(m: PieceMessage): Promise<void> {
  state.busy = true;
  let r: PieceResult;
  try {
    if (halted.get(m.piece)) r = { hit: null, searched: 0 };
    else if (m.cells) r = runPiece(kernelFor(m.order), PieceCells.attach(m.cells), m.order.first, m.order.count, m.order.batch, m.order.duty);
    else r = await runByMessages(m);
  } finally {
    state.busy = false;
    halted.delete(m.piece);
  }
  state.hashed += r.searched;
  post({ type: 'piece-done', piece: m.piece, ...r });
}

function onMessage(m: ToWorker): void {
  switch (m.type) {
    case 'init': {
      const module = m.module instanceof WebAssembly.Module ? m.module : new WebAssembly.Module(m.module as Uint8Array<ArrayBuffer>);
      kernel = Kernel.fromModule(m.build, module);
      post({ type: 'ready', build: kernel.build });
      return;
    }
    case 'piece':
      // The executor sends one piece at a time; the queue only guards against overlap.
      halted.set(m.piece, false);
      queue = queue.then(() => runPieceMessage(m)).catch(fail);
      return;
    case 'piece-halt':
      if (halted.has(m.piece)) {
        halted.set(m.piece, true);
        rest.wake();
      }
      return;
    case 'verify': {
      const sha = hostSha256();
      void checkHit(m, m.nonce, sha.digest, sha.name).then((check) => post({ type: 'verified', id: m.id, check }), fail);
      return;
    }
  }
}

scope.addEventListener('message', (event) => {
  try {
    onMessage(event.data);
  } catch (err) {
    fail(err);
  }
});
