/**
 * The piscina worker (bundled as CommonJS, dist/node/worker.cjs, so it also
 * loads from inside an Electron asar archive): one piece per task, searched
 * with the shared-memory batch loop until its end, a hit, or a halt from the
 * engine. The compiled kernel arrives once, in `workerData`; a task carries
 * only its job and range.
 */
import { threadId, workerData } from 'node:worker_threads';
import type { PieceOrder } from '../core/executor.ts';
import { Kernel, type KernelBuild } from '../core/kernel.ts';
import { PieceCells, runPiece, type PieceResult } from '../core/piece-run.ts';
import { JobSlot } from '../core/job-slot.ts';

/** What every thread of a pool gets when it starts (structured clone shares the compiled module). */
export interface ThreadData {
  module: WebAssembly.Module;
  build: KernelBuild;
}

/** One piece: the engine's order and the piece's shared cells. */
export interface PieceTask extends PieceOrder {
  cells: SharedArrayBuffer;
}

/** A piece's result, with the worker thread that ran it (tests observe thread counts through it). */
export interface PieceTaskResult extends PieceResult {
  threadId: number;
}

const { module, build } = workerData as ThreadData;
const kernel = Kernel.fromModule(build, module);
const slot = new JobSlot();

/** Run one piece. */
export default function runTask(task: PieceTask): PieceTaskResult {
  slot.load(kernel, task);
  return { ...runPiece(kernel, PieceCells.attach(task.cells), task.first, task.count, task.batch, task.duty), threadId };
}
