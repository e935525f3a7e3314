// The test page's bundle for the WebGPU kernel tests: the kernel, and the engine with the GPU
// executor as its only executor (no workers behind it, unlike the Miner's backend-executor.ts),
// so these tests see the GPU's own answers.
import { Engine, type EngineOptions } from '../../src/core/engine.ts';
import { GpuExecutor } from '../../src/gpu/executor.ts';
import { hostSha256 } from '../../src/browser/sha256.ts';
import { GpuKernel } from '../../src/gpu/kernel.ts';

export { GpuKernel };

/** The engine on one GPU kernel; `executor` is the GpuExecutor, for the tests to watch. */
export class GpuEngine extends Engine {
  readonly executor: GpuExecutor;

  constructor(kernel: GpuKernel, options: Omit<EngineOptions, 'threads'> = {}) {
    let made: GpuExecutor | undefined;
    // The build names the wasm kernel the engine would report; this engine runs none.
    super('simd', { threads: 1, ...options }, (events) => (made = new GpuExecutor(events, kernel, { sha: hostSha256() })));
    this.executor = made!;
  }
}
