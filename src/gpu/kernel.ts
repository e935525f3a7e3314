/// <reference types="@webgpu/types" />
/**
 * The WebGPU search kernel: SHA-256d of `preimage64 || nonce_le` in WGSL, one
 * nonce per invocation, with the full 96-bit bound compared on the GPU and the
 * lowest hit of a dispatch kept by an atomic minimum, plus a digest mode for
 * tests. The midstate of the preimage block is computed once per job by the
 * kernel's own `prepare` entry point, so the host needs no SHA-256 of its own
 * and the verifying SHA-256 stays independent of everything here.
 *
 * This is the kernel, its host wrapper and the device it runs on; the engine
 * schedules it through executor.ts. Host-neutral: it takes a WebGPU `GPU`
 * object (`navigator.gpu` in a page, Dawn's `create()` in Node).
 * @module
 */
import type { ScanResult } from '../core/kernel.ts';
import type { KernelBound, NonceWidth } from '../core/protocol.ts';

// WebGPU's flag values (fixed by the specification), so the kernel needs none of the host's globals:
// Dawn in Node exports them instead of defining them globally.
const BUFFER = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;
const COMPUTE_STAGE = 0x4;

/** Invocations per workgroup. */
export const GPU_WORKGROUP = 64;

/** Workgroups per dispatch dimension that every WebGPU device allows. */
const MAX_GROUPS_PER_DIMENSION = 65_535;

/** Most nonces one {@link GpuKernel.submit} takes: a 2-D grid of workgroups every device allows. */
export const GPU_MAX_DISPATCH = MAX_GROUPS_PER_DIMENSION * GPU_WORKGROUP * 16;

/** Dispatches {@link GpuKernel.submit} lets be in flight at once: one computing while the last is read back. */
export const GPU_IN_FLIGHT = 2;

/** The WGSL source: entry points `prepare`, `search` and `digest`. */
export const GPU_KERNEL_WGSL = /* wgsl */ `
struct Job {
  block: array<u32, 16>,  // the preimage as big-endian words
  width: u32,             // nonce bytes: 4 or 8
  hi: u32,                // the nonce's upper word (width 8), fixed per dispatch
  lo: u32,                // the dispatch's first nonce, lower word
  count: u32,             // nonces in the dispatch
  b0: u32, b1: u32, b2: u32, // hit iff (h0:h1:h2) < (b0:b1:b2) as 96-bit numbers
  row: u32,               // invocations per row of workgroups
}

@group(0) @binding(0) var<storage, read> job: Job;
@group(0) @binding(1) var<storage, read_write> mid: array<u32, 8>;
@group(0) @binding(2) var<storage, read_write> lowest: atomic<u32>;
@group(0) @binding(3) var<storage, read_write> digests: array<u32>;

const K = array<u32, 64>(
  0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
  0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
  0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
  0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
  0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
  0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
  0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
  0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u);

const IV = array<u32, 8>(0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u);

fn rotr(x: u32, n: u32) -> u32 { return (x >> n) | (x << (32u - n)); }

// Little-endian nonce bytes read as a big-endian message word.
fn bswap(x: u32) -> u32 {
  return (x << 24u) | ((x & 0xff00u) << 8u) | ((x >> 8u) & 0xff00u) | (x >> 24u);
}

fn compress(state: array<u32, 8>, block: array<u32, 16>) -> array<u32, 8> {
  var w: array<u32, 64>;
  for (var i = 0u; i < 16u; i++) { w[i] = block[i]; }
  for (var i = 16u; i < 64u; i++) {
    let s0 = rotr(w[i - 15u], 7u) ^ rotr(w[i - 15u], 18u) ^ (w[i - 15u] >> 3u);
    let s1 = rotr(w[i - 2u], 17u) ^ rotr(w[i - 2u], 19u) ^ (w[i - 2u] >> 10u);
    w[i] = w[i - 16u] + s0 + w[i - 7u] + s1;
  }
  var a = state[0]; var b = state[1]; var c = state[2]; var d = state[3];
  var e = state[4]; var f = state[5]; var g = state[6]; var h = state[7];
  for (var i = 0u; i < 64u; i++) {
    let t1 = h + (rotr(e, 6u) ^ rotr(e, 11u) ^ rotr(e, 25u)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    let t2 = (rotr(a, 2u) ^ rotr(a, 13u) ^ rotr(a, 22u)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  return array<u32, 8>(state[0] + a, state[1] + b, state[2] + c, state[3] + d,
                       state[4] + e, state[5] + f, state[6] + g, state[7] + h);
}

// sha256d(preimage || nonce) for the nonce (job.hi, job.lo + index), as 8 big-endian words.
fn hash(index: u32) -> array<u32, 8> {
  var block: array<u32, 16>;
  block[0] = bswap(job.lo + index);
  if (job.width == 8u) {
    block[1] = bswap(job.hi);
    block[2] = 0x80000000u;
    block[15] = 576u; // (64 + 8) bytes, in bits
  } else {
    block[1] = 0x80000000u;
    block[15] = 544u; // (64 + 4) bytes, in bits
  }
  let first = compress(array<u32, 8>(mid[0], mid[1], mid[2], mid[3], mid[4], mid[5], mid[6], mid[7]), block);
  var second: array<u32, 16>;
  for (var i = 0u; i < 8u; i++) { second[i] = first[i]; }
  second[8] = 0x80000000u;
  second[15] = 256u;
  return compress(IV, second);
}

fn below(h: array<u32, 8>) -> bool {
  if (h[0] != job.b0) { return h[0] < job.b0; }
  if (h[1] != job.b1) { return h[1] < job.b1; }
  return h[2] < job.b2;
}

@compute @workgroup_size(1)
fn prepare() {
  let m = compress(IV, job.block);
  for (var i = 0u; i < 8u; i++) { mid[i] = m[i]; }
}

@compute @workgroup_size(${GPU_WORKGROUP})
fn search(@builtin(global_invocation_id) id: vec3<u32>) {
  let index = id.y * job.row + id.x;
  if (index >= job.count) { return; }
  if (below(hash(index))) { atomicMin(&lowest, index); }
}

@compute @workgroup_size(${GPU_WORKGROUP})
fn digest(@builtin(global_invocation_id) id: vec3<u32>) {
  let index = id.y * job.row + id.x;
  if (index >= job.count) { return; }
  let h = hash(index);
  for (var i = 0u; i < 8u; i++) { digests[index * 8u + i] = h[i]; }
}
`;

/** Words of the Job struct: 16 block words and 8 parameters. */
const JOB_WORDS = 24;
const NO_HIT = 0xffffffff;
/** Digests per `digests` call: 32 MiB of output. */
const MAX_DIGESTS = 1 << 20;
const U32 = 0xffffffffn;
/** Milliseconds a failed readback waits for the device's loss report, to name the cause. */
const LOSS_REPORT_MS = 100;

/** The kernel's three compiled entry points. */
type Pipelines = Record<'prepare' | 'search' | 'digest', GPUComputePipeline>;

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
  readonly #pipelines: Pipelines;
  readonly #layout: GPUBindGroupLayout;
  readonly #job: GPUBuffer;
  readonly #mid: GPUBuffer;
  readonly #lowest: GPUBuffer;
  /** One readback buffer per dispatch in flight, used in turn, with whether it is awaiting its map. */
  readonly #reads: { buffer: GPUBuffer; busy: boolean }[];
  #nextRead = 0;
  readonly #words = new Uint32Array(JOB_WORDS);
  #width: NonceWidth | 0 = 0;
  /** Digest buffers of the last `digests` size and their bind group, kept for the next call. */
  #digestBuffers: { size: number; out: GPUBuffer; read: GPUBuffer; group: GPUBindGroup } | null = null;

  /** A small storage buffer bound as the digest output when no digests are written. */
  readonly #spare: GPUBuffer;
  /** The bind group of `prepare` and `search`, made once rather than per dispatch. */
  readonly #group: GPUBindGroup;

  private constructor(device: GPUDevice, pipelines: Pipelines, layout: GPUBindGroupLayout, adapter: GpuAdapterSummary | null) {
    this.adapter = adapter;
    this.#device = device;
    this.#whenLost = device.lost.then((info) => {
      this.#lost = new Error(`the GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`);
      return this.#lost;
    });
    this.#pipelines = pipelines;
    this.#layout = layout;
    this.#spare = device.createBuffer({ size: 32, usage: BUFFER.STORAGE });
    const usage = BUFFER.STORAGE | BUFFER.COPY_DST | BUFFER.COPY_SRC;
    this.#job = device.createBuffer({ size: JOB_WORDS * 4, usage });
    this.#mid = device.createBuffer({ size: 32, usage });
    this.#lowest = device.createBuffer({ size: 4, usage });
    this.#reads = Array.from({ length: GPU_IN_FLIGHT }, () => ({
      buffer: device.createBuffer({ size: 4, usage: BUFFER.MAP_READ | BUFFER.COPY_DST }),
      busy: false,
    }));
    this.#group = this.#bindGroup(this.#spare);
  }

  /** Compile the kernel on `device` (asynchronously, so a compile error rejects here). */
  static async create(device: GPUDevice, adapter: GpuAdapterSummary | null = null): Promise<GpuKernel> {
    const module = device.createShaderModule({ code: GPU_KERNEL_WGSL });
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
    const make = (entryPoint: string) => device.createComputePipelineAsync({ layout: pipelineLayout, compute: { module, entryPoint } });
    const [prepare, search, digest] = await Promise.all([make('prepare'), make('search'), make('digest')]);
    return new GpuKernel(device, { prepare, search, digest }, layout, adapter);
  }

  /**
   * Set the job: the 64-byte preimage, the nonce width and the 96-bit bound; the
   * GPU computes the preimage's midstate once here.
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
    this.#device.queue.writeBuffer(this.#job, 0, this.#words);
    this.#run('prepare', 1, 1, this.#group, null);
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
    const [x, y] = this.#setSegment(segment);
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
    const total = segments.reduce((n, s) => n + s.count, 0);
    const out = new Uint8Array(total * 32);
    let at = 0;
    for (const segment of segments) {
      const size = segment.count * 32;
      const buffers = this.#digestBuffersOf(size);
      const [x, y] = this.#setSegment(segment);
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
    for (const b of [this.#job, this.#mid, this.#lowest, ...this.#reads.map((r) => r.buffer), this.#spare, this.#digestBuffers?.out, this.#digestBuffers?.read]) b?.destroy();
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

  /** Write the segment's parameters; returns the dispatch's workgroups in x and y. */
  #setSegment(s: Segment): [number, number] {
    const [x, y, row] = this.#grid(s.count);
    this.#words[17] = s.hi;
    this.#words[18] = s.lo;
    this.#words[19] = s.count;
    this.#words[23] = row;
    this.#device.queue.writeBuffer(this.#job, 0, this.#words);
    return [x, y];
  }

  /** Workgroups in x and y for `count` invocations, and the invocations per row. */
  #grid(count: number): [number, number, number] {
    const groups = Math.max(1, Math.ceil(count / GPU_WORKGROUP));
    const x = Math.min(groups, MAX_GROUPS_PER_DIMENSION);
    return [x, Math.ceil(groups / x), x * GPU_WORKGROUP];
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
        { binding: 1, resource: { buffer: this.#mid } },
        { binding: 2, resource: { buffer: this.#lowest } },
        { binding: 3, resource: { buffer: digests } },
      ],
    });
  }

  /** Encode one dispatch of `entry` (and `after`, e.g. a copy for readback) and submit it. */
  #run(entry: 'prepare' | 'search' | 'digest', x: number, y: number, bindGroup: GPUBindGroup, after: ((encoder: GPUCommandEncoder) => void) | null): void {
    const device = this.#device;
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.#pipelines[entry]);
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
