// The SIMD/scalar choice goes through WebAssembly.validate, as it does in an
// engine without SIMD: make validate refuse the SIMD module and the scalar
// build must be picked and must still mine correctly.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hexToBytes } from '../../src/core/bytes.ts';
import { Kernel, chooseBuild } from '../../src/core/kernel.ts';
import { kernelBound } from '../../src/core/kernel-bound.ts';
import { nonceFromHex } from '../../src/core/nonce.ts';
import { fixture } from '../support/vectors.ts';
import { binaries } from '../support/kernels.ts';

const realValidate = WebAssembly.validate.bind(WebAssembly);

/** An engine that validates plain wasm but knows nothing of SIMD. */
function engineWithoutSimd(): void {
  vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes: BufferSource) => {
    const view = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
    const isSimd = view.length === binaries.simd.length && view.every((b, i) => b === binaries.simd[i]);
    return isSimd ? false : realValidate(bytes);
  });
}

afterEach(() => vi.restoreAllMocks());

describe('kernel build detection', () => {
  it('picks SIMD where the engine validates it (Node 20 does)', () => {
    expect(realValidate(binaries.simd as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(chooseBuild(binaries)).toBe('simd');
    expect(Kernel.best(binaries).lanes).toBe(4);
  });

  it('falls back to the scalar build when WebAssembly.validate says no to SIMD', () => {
    engineWithoutSimd();
    expect(chooseBuild(binaries)).toBe('scalar');
    const kernel = Kernel.best(binaries);
    expect(kernel.build).toBe('scalar');
    expect(kernel.lanes).toBe(1);
    expect(WebAssembly.validate).toHaveBeenCalled();
    // and the fallback really mines: the mainnet vector in a small window.
    const v = fixture.pow_vectors.find((p) => p.id.startsWith('pxd-mainnet'))!;
    const nonce = nonceFromHex(v.nonce_hex, 4);
    kernel.setJob(hexToBytes(v.preimage_hex), 4, kernelBound(0x7fffffffffffffffn));
    expect(kernel.scan(nonce - 5000n, 10_000).hit).toBe(nonce);
  });
});
