/// <reference types="@webgpu/types" />
/**
 * The WebGPU search kernel: SHA-256d of `preimage64 || nonce_le` in generated,
 * straight-line WGSL (scripts/gen-wgsl.mjs), with the full 96-bit bound compared on the GPU and the
 * lowest hit of a dispatch kept by an atomic minimum, plus a digest mode for
 * tests. The midstate of the preimage block and every other nonce-independent
 * value are computed per job (and per upper nonce word of a V2 job) by the
 * kernel's own `prepare` entry point, so the host needs no SHA-256 of its own
 * and the verifying SHA-256 stays independent of everything here.
 *
 * This is the kernel, its host wrapper and the device it runs on; the engine
 * schedules it through executor.ts. Host-neutral: it takes a WebGPU `GPU`
 * object (`navigator.gpu` in a page, Dawn's `create()` in Node).
 * @module
 */
import type { ScanResult } from '../core/kernel.ts';
import type { KernelBound } from '../core/kernel-bound.ts';
import type { NonceWidth } from '../core/nonce.ts';
import { WGSL_FOLD_WORDS, WGSL_JOB_WORDS, WGSL_KERNEL, WGSL_NONCES_PER_INVOCATION, WGSL_WORKGROUP } from './generated/wgsl.ts';

// WebGPU's flag values (fixed by the specification), so the kernel needs none of the host's globals:
// Dawn in Node exports them instead of defining them globally.
const BUFFER = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;
const COMPUTE_STAGE = 0x4;

/**
 * Invocations per workgroup of the search and digest entry points (measured on
 * llvmpipe: see scripts/gen-wgsl.mjs), or the device's limit where that is lower.
 */
export const GPU_WORKGROUP = WGSL_WORKGROUP;

/** Workgroups per dispatch dimension that every WebGPU device allows. */
const MAX_GROUPS_PER_DIMENSION = 65_535;

/** Most nonces one {@link GpuKernel.submit} takes: a 2-D grid of workgroups every device allows. */
export const GPU_MAX_DISPATCH = MAX_GROUPS_PER_DIMENSION * GPU_WORKGROUP * 16 * WGSL_NONCES_PER_INVOCATION;

/** Dispatches {@link GpuKernel.submit} lets be in flight at once: one computing while the last is read back. */
export const GPU_IN_FLIGHT = 2;

/**
 * The generated WGSL source (scripts/gen-wgsl.mjs), for both nonce widths: entry
 * points `prepare` (midstate and per-job folded constants, rerun when the upper
 * nonce word changes), `search` and `digest`.
 */
export const GPU_KERNEL_WGSL = WGSL_KERNEL;

/** Words of the Job struct: 16 block words and 8 parameters. */
const JOB_WORDS = WGSL_JOB_WORDS;
const NO_HIT = 0xffffffff;
/** Digests per `digests` call: 32 MiB of output. */
const MAX_DIGESTS = 1 << 20;
const U32 = 0xffffffffn;
/** Milliseconds a failed readback waits for the device's loss report, to name the cause. */
const LOSS_REPORT_MS = 100;

/** The kernel's three entry points. */
type Entry = 'prepare' | 'search' | 'digest';
/** No upper word prepared yet: any segment's differs. */
const UNPREPARED = -1;

/** One dispatch's share of a range: a lower-word span under one upper word. */
interface Segment {
  hi: number;
  lo: number;
  count: number;
}

/** What hosts show of the adapter a kernel runs on (from `GPUAdapter.info`); a field the host hides is empty. */
export interface GpuAdapterSummary {
  /** E.g. `nvidia`, `amd`, `intel`, `apple`; `google` for SwiftShader, `mesa` for llvmpipe. */
  readonly vendor: string;
  /** E.g. `turing`, `rdna-2`; `swiftshader` for Chromium's software adapter. */
  readonly architecture: string;
  /** The device's name where the host gives it, e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`. */
  readonly device: string;
  /** The driver's description where the host gives it. */
  readonly description: string;
  /** Whether it is a software adapter: the host says it is a fallback adapter, or its names are a known software rasteriser's. */
  readonly fallback: boolean;
}

/**
 * The WGSL kernel on one `GPUDevice`: set a job, then `scan` ranges for their
 * lowest hit (or `submit` dispatches, two at a time) or compute `digests`
 * (tests). `setJob`, `scan` and `digests` must not overlap one another.
 */
export class GpuKernel {
  /** The adapter the device came from, where {@link openGpuKernel} opened it. */
  readonly adapter: GpuAdapterSummary | null;
  /** Why the device was lost, once it is (every dispatch after that rejects with it). */
  #lost: Error | null = null;
  /** Resolves with that reason when the device is lost. */
  readonly #whenLost: Promise<Error>;
  readonly #device: GPUDevice;
  readonly #module: GPUShaderModule;
  readonly #pipelineLayout: GPUPipelineLayout;
  /**
   * The compiled entry points. `digest` is compiled on the first {@link GpuKernel.digests}
   * call: only tests use it, and a big straight-line pipeline takes seconds to compile
   * on a software adapter (SwiftShader).
   */
  readonly #pipelines: Partial<Record<Entry, GPUComputePipeline>>;
  #digestPipeline: Promise<GPUComputePipeline> | null = null;
  /** Invocations per workgroup of `search` and `digest` on this device. */
  readonly #workgroup: number;
  readonly #layout: GPUBindGroupLayout;
  readonly #job: GPUBuffer;
  /** The per-job folded constants that `prepare` writes and `search` and `digest` read. */
  readonly #fold: GPUBuffer;
  readonly #lowest: GPUBuffer;
  /** One readback buffer per dispatch in flight, used in turn, with whether it is awaiting its map. */
  readonly #reads: { buffer: GPUBuffer; busy: boolean }[];
  #nextRead = 0;
  readonly #words = new Uint32Array(JOB_WORDS);
  #width: NonceWidth | 0 = 0;
  /** The upper nonce word `fold` holds the constants of, for the current job. */
  #preparedHi = UNPREPARED;
  /** Digest buffers of the last `digests` size and their bind group, kept for the next call. */
  #digestBuffers: { size: number; out: GPUBuffer; read: GPUBuffer; group: GPUBindGroup } | null = null;

  /** A small storage buffer bound as the digest output when no digests are written. */
  readonly #spare: GPUBuffer;
  /** The bind group of `prepare` and `search`, made once rather than per dispatch. */
  readonly #group: GPUBindGroup;

  private constructor(
    device: GPUDevice,
    compiled: { module: GPUShaderModule; pipelineLayout: GPUPipelineLayout; prepare: GPUComputePipeline; search: GPUComputePipeline },
    workgroup: number,
    layout: GPUBindGroupLayout,
    adapter: GpuAdapterSummary | null,
  ) {
    this.adapter = adapter;
    this.#device = device;
    this.#module = compiled.module;
    this.#pipelineLayout = compiled.pipelineLayout;
    this.#pipelines = { prepare: compiled.prepare, search: compiled.search };
    this.#workgroup = workgroup;
    this.#whenLost = device.lost.then((info) => {
      this.#lost = new Error(`the GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`);
      return this.#lost;
    });
    this.#layout = layout;
    this.#spare = device.createBuffer({ size: 32, usage: BUFFER.STORAGE });
    const usage = BUFFER.STORAGE | BUFFER.COPY_DST | BUFFER.COPY_SRC;
    this.#job = device.createBuffer({ size: JOB_WORDS * 4, usage });
    this.#fold = device.createBuffer({ size: WGSL_FOLD_WORDS * 4, usage });
    this.#lowest = device.createBuffer({ size: 4, usage });
    this.#reads = Array.from({ length: GPU_IN_FLIGHT }, () => ({
      buffer: device.createBuffer({ size: 4, usage: BUFFER.MAP_READ | BUFFER.COPY_DST }),
      busy: false,
    }));
    this.#group = this.#bindGroup(this.#spare);
  }

  /**
   * Compile the kernel on `device` (seconds on a software adapter; the Miners'
   * `auto` lets the workers hash meanwhile): a compile error rejects here.
   */
  static async create(device: GPUDevice, adapter: GpuAdapterSummary | null = null): Promise<GpuKernel> {
    const storage = (type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({ binding: 0, visibility: COMPUTE_STAGE, buffer: { type } });
    const layout = device.createBindGroupLayout({
      entries: [
        storage('read-only-storage'),
        { ...storage('storage'), binding: 1 },
        { ...storage('storage'), binding: 2 },
        { ...storage('storage'), binding: 3 },
      ],
    });
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
    const module = device.createShaderModule({ code: GPU_KERNEL_WGSL });
    // A device that allows fewer invocations per workgroup (compatibility level, unless asked for more) gets smaller workgroups.
    const workgroup = Math.min(GPU_WORKGROUP, device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX);
    // Ready only once `search` is compiled, so `auto` starts its calibration with a kernel that can dispatch at once
    // (the workers hash while it compiles) rather than halting the workers for a first dispatch that waits.
    const [prepare, search] = await Promise.all([
      device.createComputePipelineAsync({ layout: pipelineLayout, compute: { module, entryPoint: 'prepare' } }),
      device.createComputePipelineAsync(sizedStage(pipelineLayout, module, 'search', workgroup)),
    ]);
    return new GpuKernel(device, { module, pipelineLayout, prepare, search }, workgroup, layout, adapter);
  }

  /**
   * Set the job: the 64-byte preimage, the nonce width and the 96-bit bound; the
   * GPU folds the job's constants before its first dispatch (and again before
   * each dispatch of a V2 job under another upper nonce word).
   * @throws RangeError for a preimage that is not 64 bytes, a width other than 4 or 8, or a bound word outside u32.
   */
  setJob(preimage: Uint8Array, nonceWidth: NonceWidth, bound: KernelBound): void {
    if (!(preimage instanceof Uint8Array) || preimage.length !== 64) throw new RangeError(`the preimage must be 64 bytes, got ${preimage?.length}`);
    if (nonceWidth !== 4 && nonceWidth !== 8) throw new RangeError(`nonce width must be 4 or 8, got ${nonceWidth}`);
    for (const [name, word] of Object.entries(bound)) {
      if (!Number.isInteger(word) || word < 0 || word > 0xffffffff) throw new RangeError(`bound.${name} must be a u32, got ${word}`);
    }
    const view = new DataView(preimage.buffer, preimage.byteOffset, 64);
    for (let i = 0; i < 16; i++) this.#words[i] = view.getUint32(i * 4, false);
    this.#words[16] = nonceWidth;
    this.#words[20] = bound.b0;
    this.#words[21] = bound.b1;
    this.#words[22] = bound.b2;
    this.#width = nonceWidth;
    this.#preparedHi = UNPREPARED;
  }

  /**
   * The lowest hit in `[first, first + count)`, searched upwards, clipped to the
   * nonce space; `scanned` counts up to and including the hit, as the wasm kernel's.
   */
  async scan(first: bigint, count: number): Promise<ScanResult> {
    let scanned = 0;
    for (const segment of this.#segments(first, count)) {
      const r = await this.#search(segment);
      if (r.hit !== null) return { hit: r.hit, scanned: scanned + r.scanned };
      scanned += segment.count;
    }
    return { hit: null, scanned };
  }

  /**
   * Queue one dispatch over `[first, first + count)` and resolve to its lowest hit,
   * like {@link GpuKernel.scan}. Up to {@link GPU_IN_FLIGHT} may be in flight, so
   * the next dispatch computes while the last one is read back; they run in the
   * order submitted.
   * @throws RangeError when the range crosses a 2^32 boundary (the upper word is
   * fixed per dispatch), exceeds {@link GPU_MAX_DISPATCH} or the nonce space, or is
   * empty; Error with {@link GPU_IN_FLIGHT} dispatches already in flight.
   */
  submit(first: bigint, count: number): Promise<ScanResult> {
    const segments = this.#segments(first, count);
    if (segments.length !== 1 || segments[0].count !== count) {
      throw new RangeError(`one dispatch takes 1 to ${GPU_MAX_DISPATCH} nonces under one upper word, got ${count} from ${first}`);
    }
    return this.#search(segments[0]);
  }

  /** Dispatch `search` over one segment and read its lowest hit back. */
  #search(segment: Segment): Promise<ScanResult> {
    if (this.#lost) return Promise.reject(this.#lost);
    const read = this.#reads[this.#nextRead];
    if (read.busy) throw new Error(`at most ${GPU_IN_FLIGHT} dispatches may be in flight`);
    read.busy = true;
    this.#nextRead = (this.#nextRead + 1) % this.#reads.length;
    // Queue writes and submissions run in order, so the next dispatch may reset `lowest` and the parameters at once.
    this.#device.queue.writeBuffer(this.#lowest, 0, new Uint32Array([NO_HIT]));
    const [x, y] = this.#setSegment(segment, WGSL_NONCES_PER_INVOCATION);
    this.#run('search', x, y, this.#group, (encoder) => encoder.copyBufferToBuffer(this.#lowest, 0, read.buffer, 0, 4));
    return read.buffer.mapAsync(MAP_READ).then(
      () => {
        const index = new Uint32Array(read.buffer.getMappedRange())[0];
        read.buffer.unmap();
        read.busy = false;
        if (index === NO_HIT) return { hit: null, scanned: segment.count };
        return { hit: (BigInt(segment.hi) << 32n) | BigInt(segment.lo + index), scanned: index + 1 };
      },
      async (err: unknown) => {
        read.busy = false;
        // A lost device fails pending maps before it reports the loss: give the reason a moment to arrive.
        throw await Promise.race([this.#whenLost, new Promise<unknown>((resolve) => setTimeout(resolve, LOSS_REPORT_MS, err))]);
      },
    );
  }

  /**
   * The full sha256d digests, in raw byte order, of the nonces `[first, first + count)`
   * (clipped to the nonce space): 32 bytes each, for tests against another SHA-256.
   */
  async digests(first: bigint, count: number): Promise<Uint8Array> {
    if (count > MAX_DIGESTS) throw new RangeError(`at most ${MAX_DIGESTS} digests per call, got ${count}`);
    const segments = this.#segments(first, count);
    this.#digestPipeline ??= this.#device.createComputePipelineAsync(sizedStage(this.#pipelineLayout, this.#module, 'digest', this.#workgroup));
    this.#pipelines.digest = await this.#digestPipeline;
    const total = segments.reduce((n, s) => n + s.count, 0);
    const out = new Uint8Array(total * 32);
    let at = 0;
    for (const segment of segments) {
      const size = segment.count * 32;
      const buffers = this.#digestBuffersOf(size);
      const [x, y] = this.#setSegment(segment, 1);
      this.#run('digest', x, y, buffers.group, (encoder) => encoder.copyBufferToBuffer(buffers.out, 0, buffers.read, 0, size));
      await buffers.read.mapAsync(MAP_READ, 0, size);
      const words = new Uint32Array(buffers.read.getMappedRange(0, size));
      const view = new DataView(out.buffer, at, size);
      for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i], false);
      buffers.read.unmap();
      at += size;
    }
    return out;
  }

  /** Free the kernel's buffers (the device stays the caller's). */
  destroy(): void {
    for (const b of [this.#job, this.#fold, this.#lowest, ...this.#reads.map((r) => r.buffer), this.#spare, this.#digestBuffers?.out, this.#digestBuffers?.read]) b?.destroy();
    this.#digestBuffers = null;
  }

  /** The range cut where the upper word changes and where one dispatch's grid ends. */
  #segments(first: bigint, count: number): Segment[] {
    if (this.#width === 0) throw new Error('GpuKernel.scan called before setJob');
    const end = this.#width === 8 ? 1n << 64n : 1n << 32n;
    if (typeof first !== 'bigint' || first < 0n || first >= end) throw new RangeError(`start ${first} is outside the nonce space`);
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative safe integer, got ${count}`);
    const perDispatch = GPU_MAX_DISPATCH;
    const segments: Segment[] = [];
    let at = first;
    let left = BigInt(count) < end - first ? BigInt(count) : end - first;
    while (left > 0n) {
      const lo = Number(at & U32);
      const room = 0x1_0000_0000 - lo;
      const n = Math.min(room, perDispatch, Number(left));
      segments.push({ hi: Number(at >> 32n), lo, count: n });
      at += BigInt(n);
      left -= BigInt(n);
    }
    return segments;
  }

  /**
   * Write the segment's parameters, after folding the job's constants for its
   * upper word where `fold` holds another's (queue order keeps a dispatch still
   * in flight on the constants it was sent with); returns the dispatch's
   * workgroups in x and y for `perInvocation` nonces per invocation.
   */
  #setSegment(s: Segment, perInvocation: number): [number, number] {
    this.#words[17] = s.hi;
    if (this.#preparedHi !== s.hi) {
      this.#device.queue.writeBuffer(this.#job, 0, this.#words);
      this.#run('prepare', 1, 1, this.#group, null);
      this.#preparedHi = s.hi;
    }
    const [x, y, row] = this.#grid(Math.ceil(s.count / perInvocation));
    this.#words[18] = s.lo;
    this.#words[19] = s.count;
    this.#words[23] = row;
    this.#device.queue.writeBuffer(this.#job, 0, this.#words);
    return [x, y];
  }

  /** Workgroups in x and y for `count` invocations, and the invocations per row. */
  #grid(count: number): [number, number, number] {
    const groups = Math.max(1, Math.ceil(count / this.#workgroup));
    const x = Math.min(groups, MAX_GROUPS_PER_DIMENSION);
    return [x, Math.ceil(groups / x), x * this.#workgroup];
  }

  #digestBuffersOf(size: number): { out: GPUBuffer; read: GPUBuffer; group: GPUBindGroup } {
    if (!this.#digestBuffers || this.#digestBuffers.size < size) {
      this.#digestBuffers?.out.destroy();
      this.#digestBuffers?.read.destroy();
      const out = this.#device.createBuffer({ size, usage: BUFFER.STORAGE | BUFFER.COPY_SRC });
      const read = this.#device.createBuffer({ size, usage: BUFFER.MAP_READ | BUFFER.COPY_DST });
      this.#digestBuffers = { size, out, read, group: this.#bindGroup(out) };
    }
    return this.#digestBuffers;
  }

  /** The kernel's buffers bound for a dispatch, with `digests` as the digest output. */
  #bindGroup(digests: GPUBuffer): GPUBindGroup {
    return this.#device.createBindGroup({
      layout: this.#layout,
      entries: [
        { binding: 0, resource: { buffer: this.#job } },
        { binding: 1, resource: { buffer: this.#fold } },
        { binding: 2, resource: { buffer: this.#lowest } },
        { binding: 3, resource: { buffer: digests } },
      ],
    });
  }

  /** Encode one dispatch of `entry` (and `after`, e.g. a copy for readback) and submit it. */
  #run(entry: Entry, x: number, y: number, bindGroup: GPUBindGroup, after: ((encoder: GPUCommandEncoder) => void) | null): void {
    const device = this.#device;
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    // digests() compiles its pipeline before it dispatches.
    pass.setPipeline(this.#pipelines[entry]!);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    after?.(encoder);
    device.queue.submit([encoder.finish()]);
  }
}

/** The part of a WebGPU `GPU` object {@link openGpuKernel} uses (`navigator.gpu`, or Dawn's `create()` in Node). */
export interface GpuHost {
  requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null>;
}

/** No GPU could be opened: the host has no WebGPU, or offers no adapter. The message says which, in the host's words. */
export class NoGpuError extends Error {
  override readonly name = 'NoGpuError';
}

/** Options of {@link openGpuKernel}. */
export interface OpenGpuOptions {
  /** Adapter options beyond `powerPreference: 'high-performance'` (Dawn's OpenGL ES backend needs `featureLevel: 'compatibility'`). */
  adapter?: GPURequestAdapterOptions;
  /** The message of the {@link NoGpuError} where `gpu` is missing. */
  noWebGpu?: string;
  /** The message of the {@link NoGpuError} where the host offers no adapter. */
  noAdapter?: string;
}

/**
 * Open `gpu`'s adapter (high-performance preferred), its device with the limits
 * the kernel needs, and the kernel on it.
 * @throws NoGpuError where `gpu` is missing or offers no adapter.
 */
export async function openGpuKernel(gpu: GpuHost | undefined, options: OpenGpuOptions = {}): Promise<GpuKernel> {
  if (!gpu) throw new NoGpuError(options.noWebGpu ?? 'there is no WebGPU here');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...options.adapter });
  if (!adapter) throw new NoGpuError(options.noAdapter ?? 'WebGPU offers no adapter here');
  const device = await adapter.requestDevice({ requiredLimits: kernelLimits(adapter.limits) });
  return GpuKernel.create(device, adapterSummary(adapter));
}

/** The pipeline descriptor of `search` or `digest`, with `workgroup` invocations per workgroup. */
function sizedStage(layout: GPUPipelineLayout, module: GPUShaderModule, entryPoint: Entry, workgroup: number): GPUComputePipelineDescriptor {
  return { layout, compute: { module, entryPoint, constants: { WORKGROUP: workgroup } } };
}

/** What the kernel needs of a device beyond the defaults (a compatibility-level device allows 128 invocations per workgroup unless asked). */
function kernelLimits(limits: GPUSupportedLimits): Record<string, number> {
  // Never below the core defaults (256), which a device gives anyway.
  const size = Math.min(Math.max(GPU_WORKGROUP, 256), limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  return { maxComputeInvocationsPerWorkgroup: size, maxComputeWorkgroupSizeX: size };
}

/** What {@link GpuAdapterSummary} keeps of an adapter's info (missing before Chrome 114). */
function adapterSummary(adapter: GPUAdapter): GpuAdapterSummary {
  const info = adapter.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  const fallback = Boolean(info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  return {
    vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', device: info?.device ?? '', description: info?.description ?? '',
    fallback: fallback || isSoftwareAdapter(info),
  };
}

/** Whether an adapter's names are a software rasteriser's (which need not call themselves fallback adapters): Mesa's llvmpipe and lavapipe, SwiftShader, WARP. */
export function isSoftwareAdapter(info: Partial<Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>> | undefined): boolean {
  const words = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.device ?? ''} ${info?.description ?? ''}`;
  return /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render/i.test(words);
}
