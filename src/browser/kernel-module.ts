/**
 * Pick the kernel build and compile it once on the page, asynchronously (the
 * main thread may not compile large modules synchronously), so that every
 * worker gets the same compiled module and a Content Security Policy that
 * blocks WebAssembly is reported at once, as a clear error rather than a hang.
 * @module
 */
import { kernelBinaries } from '../core/binaries.ts';
import { chooseBuild, type KernelBinaries, type KernelBuild } from '../core/kernel.ts';
import { SupportError, isCspBlock } from './errors.ts';

/** A compiled kernel build, ready to post to workers. */
export interface KernelModule {
  /** The build that was chosen. */
  build: KernelBuild;
  /** The compiled module. */
  module: WebAssembly.Module;
  /** Its bytes, for engines that cannot post a module to a worker. */
  bytes: Uint8Array;
  /** True when SIMD was available but a test switch forced the scalar build. */
  forcedScalar: boolean;
}

/** Options of {@link loadKernelModule}. */
export interface LoadOptions {
  /** Both builds (default: the bundle's inlined binaries). */
  binaries?: KernelBinaries;
  /**
   * Test switch: run `WebAssembly.validate` through a wrapper that refuses the SIMD
   * module, as an engine without SIMD would, so the real fallback path is taken.
   */
  forceScalar?: boolean;
}

/**
 * Choose SIMD or scalar through `WebAssembly.validate` and compile that build.
 * @throws SupportError (`no-wasm`, `csp`, `wasm-compile`).
 */
export async function loadKernelModule(options: LoadOptions = {}): Promise<KernelModule> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.compile !== 'function') {
    throw noWasm();
  }
  const binaries = options.binaries ?? kernelBinaries;
  const { build, forcedScalar } = pickBuild(options);
  return { build, module: await compileKernel(build, binaries), bytes: binaries[build], forcedScalar };
}

/**
 * The build {@link loadKernelModule} would load, without compiling it: for
 * callers that hand the build to a `Miner` (which compiles it itself) and still
 * want the `forceScalar` test switch and to know whether it changed the choice.
 * @throws SupportError (`no-wasm`).
 */
export function pickBuild(options: LoadOptions = {}): { build: KernelBuild; forcedScalar: boolean } {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') throw noWasm();
  const binaries = options.binaries ?? kernelBinaries;
  const validate = (bytes: BufferSource): boolean => WebAssembly.validate(bytes);
  const refuseSimd = (bytes: BufferSource): boolean => (bytes === binaries.simd ? false : validate(bytes));
  const build = chooseBuild(binaries, options.forceScalar ? refuseSimd : validate);
  const forcedScalar = options.forceScalar === true && build === 'scalar' && chooseBuild(binaries, validate) === 'simd';
  return { build, forcedScalar };
}

/**
 * Compile one given build, asynchronously, naming a Content Security Policy
 * block as such (the library's Miner takes the build as an option).
 * @throws SupportError (`no-wasm`, `csp`, `wasm-compile`).
 */
export async function compileKernel(build: KernelBuild, binaries: KernelBinaries = kernelBinaries): Promise<WebAssembly.Module> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.compile !== 'function') {
    throw noWasm();
  }
  try {
    return await WebAssembly.compile(binaries[build] as Uint8Array<ArrayBuffer>);
  } catch (err) {
    if (isCspBlock(err)) {
      throw new SupportError(
        'csp',
        "this page's Content Security Policy blocks WebAssembly, so the miner cannot run: the policy's script-src needs 'wasm-unsafe-eval', which allows WebAssembly and nothing else",
      );
    }
    throw new SupportError('wasm-compile', `this browser refused to compile the ${build} kernel: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** The error for an engine without WebAssembly, naming the versions the miner runs on (docs/browser.md, browser support). */
export function noWasm(): SupportError {
  return new SupportError('no-wasm', 'this browser has no WebAssembly, which the miner needs (Chrome and Edge 93, Firefox 114 and Safari 15.4 or later have all it uses)');
}
