/**
 * The piscina worker (bundled as CommonJS, dist/node/worker.cjs, so it also loads
 * from inside an Electron asar archive). Two kinds of task:
 * - a search task (the CLI): one search thread's whole share of a job, run until
 *   the shared chunk board has no chunk left for it;
 * - a piece task (the library's Miner): one piece of one chunk, run until its
 *   end, a hit, or a flag from the host (stop, yield).
 */
import { threadId } from 'node:worker_threads';
import { ChunkBoard } from '../core/board.ts';
import { Kernel, type KernelBuild } from '../core/kernel.ts';
import { JobFlags, PieceCells, runPiece, type PieceResult } from '../core/piece-run.ts';
import type { KernelBound, NonceWidth } from '../core/protocol.ts';
import { runSearchThread, type ThreadResult } from '../core/thread-loop.ts';

/** The job fields every task carries (structured clone: the module and shared buffers are shared, not copied). */
interface JobFields {
  module: WebAssembly.Module;
  build: KernelBuild;
  preimage: Uint8Array;
  nonceWidth: NonceWidth;
  bound: KernelBound;
  batch: number;
}

/** One search thread's task, as posted by the CLI's pool. */
export interface SearchTask extends JobFields {
  kind?: 'search';
  board: SharedArrayBuffer;
  slot: number;
  start: bigint;
}

/** One piece of a chunk, as posted by the Miner: nonces `[first, first + count)`. */
export interface PieceTask extends JobFields {
  kind: 'piece';
  flags: SharedArrayBuffer;
  cells: SharedArrayBuffer;
  first: bigint;
  count: bigint;
  chunk: bigint;
}

/** A piece's result, with the worker thread that ran it (tests observe thread counts through it). */
export interface PieceTaskResult extends PieceResult {
  threadId: number;
}

// One instance per compiled module per thread, reused across tasks.
const kernels = new WeakMap<WebAssembly.Module, Kernel>();

function kernelFor(task: JobFields): Kernel {
  let kernel = kernels.get(task.module);
  if (kernel === undefined) {
    kernel = Kernel.fromModule(task.build, task.module);
    kernels.set(task.module, kernel);
  }
  // Cheap (one compression and the per-job constants): pieces of different jobs may alternate on a thread.
  kernel.setJob(task.preimage, task.nonceWidth, task.bound);
  return kernel;
}

/** Run one task. */
export default function runTask(task: SearchTask | PieceTask): ThreadResult | PieceTaskResult {
  const kernel = kernelFor(task);
  if (task.kind === 'piece') {
    const r = runPiece(kernel, JobFlags.attach(task.flags), PieceCells.attach(task.cells), task.first, task.count, task.chunk, task.batch);
    return { ...r, threadId };
  }
  return runSearchThread(kernel, ChunkBoard.attach(task.board), task.slot, task.start, task.batch);
}
