// The test page's bundle for the WebGPU tests: the kernel, and the engine with the GPU
// executor as its only executor (no Miner offers a GPU backend yet).
import { Engine, type EngineOptions } from '../../src/core/engine.ts';
import { GpuExecutor } from '../../src/browser/gpu-executor.ts';
import { GpuKernel } from '../../src/browser/gpu-kernel.ts';

export { GpuKernel };

/** The engine on one GPU kernel; `executor` is the GpuExecutor, for the tests to watch. */
export class GpuEngine extends Engine {
  readonly executor: GpuExecutor;

  constructor(kernel: GpuKernel, options: Omit<EngineOptions, 'threads'> = {}) {
    let made: GpuExecutor | undefined;
    // The build names the wasm kernel the engine would report; this engine runs none.
    super('simd', { threads: 1, ...options }, (events) => (made = new GpuExecutor(events, kernel)));
    this.executor = made!;
  }
}
