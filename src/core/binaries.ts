/**
 * Both kernel builds, inlined into every bundle by esbuild's binary loader, so
 * no `.wasm` file has to be located at run time (browsers, bundlers, asar).
 */
import simd from '../../build/kernel-simd.wasm';
import scalar from '../../build/kernel-scalar.wasm';
import type { KernelBinaries } from './kernel.ts';

/** The SIMD and scalar kernel bytes. */
export const kernelBinaries: KernelBinaries = { simd, scalar };
