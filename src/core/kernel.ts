/**
 * Host-neutral wrapper around the SHA-256d WebAssembly kernel (assembly/).
 *
 * The kernel's ABI is numbers and one memory: the host writes the preimage at
 * `inputPtr()`, calls `setJob`, then `scan(startLo, startHi, count)` over ranges
 * and reads the lowest hit with `hitLo()`/`hitHi()`. This module hides that ABI
 * behind BigInt nonces and picks the SIMD or scalar build.
 */

import type { KernelBound } from './kernel-bound.ts';
import type { NonceWidth } from './nonce.ts';
import type { KernelBuild } from './kernel-build.ts';

export type { KernelBuild };

/** The raw exports of either kernel build. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  inputPtr(): number;
  outputPtr(): number;
  lanes(): number;
  setJob(width: number, b0: number, b1: number, b2: number): number;
  scan(startLo: number, startHi: number, count: number): number;
  hitLo(): number;
  hitHi(): number;
  scanned(): number;
  digest(lo: number, hi: number): number;
}

/** The compiled bytes of both builds, as bundled by the host. */
export interface KernelBinaries {
  readonly simd: Uint8Array;
  readonly scalar: Uint8Array;
}

/** Result of one {@link Kernel.scan}. */
export interface ScanResult {
  /** The lowest hit in the range, or null. */
  readonly hit: bigint | null;
  /** Nonces searched: up to and including the hit, or the whole (clipped) range. */
  readonly scanned: number;
}

const U32 = 0xffffffffn;

/**
 * Choose the SIMD build when the engine validates it, else the scalar build.
 * `validate` is a parameter so tests can drive the real decision with an engine
 * that says no to SIMD; by default it is `WebAssembly.validate`, read at call time.
 */
export function chooseBuild(
  binaries: KernelBinaries,
  validate: (bytes: BufferSource) => boolean = (bytes) => WebAssembly.validate(bytes),
): KernelBuild {
  return validate(binaries.simd as Uint8Array<ArrayBuffer>) ? 'simd' : 'scalar';
}

function checkPreimage(preimage: Uint8Array): void {
  if (!(preimage instanceof Uint8Array) || preimage.length !== 64) {
    throw new RangeError(`preimage must be 64 bytes, got ${preimage?.length}`);
  }
}

function checkU32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${name} must be an unsigned 32-bit integer, got ${value}`);
  }
}

/** One instance of the kernel: one job at a time, synchronous, not shared between threads. */
export class Kernel {
  /** The build this instance runs. */
  readonly build: KernelBuild;
  /** Nonces per pass of the hot loop (4 for SIMD, 1 for scalar). */
  readonly lanes: number;
  readonly #k: KernelExports;
  #width: NonceWidth | 0 = 0;

  private constructor(build: KernelBuild, exports: KernelExports) {
    this.build = build;
    this.#k = exports;
    this.lanes = exports.lanes();
  }

  /** Instantiate a build from its bytes (synchronously: the module is small). */
  static fromBytes(build: KernelBuild, bytes: Uint8Array): Kernel {
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    return Kernel.fromModule(build, module);
  }

  /** Instantiate an already compiled module (e.g. one posted to a worker). */
  static fromModule(build: KernelBuild, module: WebAssembly.Module): Kernel {
    const instance = new WebAssembly.Instance(module, {});
    return new Kernel(build, instance.exports as unknown as KernelExports);
  }

  /** Instantiate the best build this engine supports. */
  static best(binaries: KernelBinaries, validate?: (bytes: BufferSource) => boolean): Kernel {
    const build = chooseBuild(binaries, validate);
    return Kernel.fromBytes(build, binaries[build]);
  }

  /**
   * Set the job: 64-byte preimage, nonce width, and the 96-bit bound. The kernel
   * computes the preimage midstate and the folded constants once here.
   */
  setJob(preimage: Uint8Array, nonceWidth: NonceWidth, bound: KernelBound): void {
    checkPreimage(preimage);
    checkU32('b0', bound.b0);
    checkU32('b1', bound.b1);
    checkU32('b2', bound.b2);
    new Uint8Array(this.#k.memory.buffer, this.#k.inputPtr(), 64).set(preimage);
    if (this.#k.setJob(nonceWidth, bound.b0, bound.b1, bound.b2) !== 0) {
      throw new RangeError(`nonce width must be 4 or 8, got ${nonceWidth}`);
    }
    this.#width = nonceWidth;
  }

  /** Size of the current job's nonce space: 2^32 or 2^64. */
  get spaceEnd(): bigint {
    return this.#width === 8 ? 1n << 64n : 1n << 32n;
  }

  /**
   * Search `count` nonces upwards from `start` and return the lowest hit. The
   * range is clipped to the nonce space; for width 8 it may cross 2^32 boundaries.
   */
  scan(start: bigint, count: number): ScanResult {
    if (this.#width === 0) throw new Error('Kernel.scan called before setJob');
    if (start < 0n || start >= this.spaceEnd) throw new RangeError(`start ${start} is outside the nonce space`);
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative safe integer, got ${count}`);
    const k = this.#k;
    const found = k.scan(Number(start & U32), Number(start >> 32n), count);
    const scanned = k.scanned();
    if (found === 0) return { hit: null, scanned };
    return { hit: (BigInt(k.hitHi() >>> 0) << 32n) | BigInt(k.hitLo() >>> 0), scanned };
  }

  /**
   * Full SHA-256d digests computed by the kernel's own folded code, for nonces
   * `nonce + i` (i < lanes, the low word wrapping within the same upper word).
   */
  digests(nonce: bigint): Uint8Array[] {
    if (this.#width === 0) throw new Error('Kernel.digests called before setJob');
    const k = this.#k;
    const ptr = k.digest(Number(nonce & U32), Number((nonce >> 32n) & U32));
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.lanes; i++) {
      out.push(new Uint8Array(k.memory.buffer, ptr + 32 * i, 32).slice());
    }
    return out;
  }
}
