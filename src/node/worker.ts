/**
 * The piscina worker (bundled as CommonJS, dist/node/worker.cjs, so it also loads
 * from inside an Electron asar archive). Each task is one search thread's whole
 * share of a job: it runs until the shared board has no chunk left for it.
 */
import { ChunkBoard } from '../core/board.ts';
import { Kernel, type KernelBuild } from '../core/kernel.ts';
import type { KernelBound, NonceWidth } from '../core/protocol.ts';
import { runSearchThread, type ThreadResult } from '../core/thread-loop.ts';

/** One thread's task, as posted by the pool (structured clone: the module and board are shared, not copied). */
export interface SearchTask {
  module: WebAssembly.Module;
  build: KernelBuild;
  board: SharedArrayBuffer;
  slot: number;
  preimage: Uint8Array;
  nonceWidth: NonceWidth;
  bound: KernelBound;
  start: bigint;
  batch: number;
}

// One instance per compiled module per thread, reused across tasks.
const kernels = new WeakMap<WebAssembly.Module, Kernel>();

/** Run one search thread. */
export default function searchTask(task: SearchTask): ThreadResult {
  let kernel = kernels.get(task.module);
  if (kernel === undefined) {
    kernel = Kernel.fromModule(task.build, task.module);
    kernels.set(task.module, kernel);
  }
  kernel.setJob(task.preimage, task.nonceWidth, task.bound);
  return runSearchThread(kernel, ChunkBoard.attach(task.board), task.slot, task.start, task.batch);
}
