/**
 * The miner's end of its GPU process (gpu-child.ts): a stand-in for the WGSL
 * kernel that the GPU executor drives like the kernel itself, with Dawn, its
 * crashes, hangs and stderr kept in another process.
 *
 * - Dawn is looked for here first (a resolve, no load), so where the `webgpu`
 *   package is missing no process is started at all.
 * - The process is started with the settings this program chooses for Mesa
 *   ({@link mesaEnv}): surfaceless EGL (no display needed), llvmpipe's thread
 *   count set to the miner's, so `--workers 1` keeps a core free on the GPU
 *   backend too, and its vector width to what the CPU does natively.
 * - A crash, or no reply within {@link HANG_MS}, fails every request in flight
 *   (the executor then hands the rest to the workers) and ends the process.
 * - An idle process holds nothing open: the miner's process may exit, and the
 *   GPU process ends with its channel.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScanResult } from '../core/kernel.ts';
import type { KernelBound } from '../core/kernel-bound.ts';
import type { NonceWidth } from '../core/nonce.ts';
import type { GpuSearcher } from '../gpu/executor.ts';
import { NoGpuError, type GpuAdapterSummary } from '../gpu/kernel.ts';
import { INSTALL_DAWN } from './dawn.ts';
import type { FromGpu, ToGpu } from './gpu-messages.ts';

/** Milliseconds without a reply to a request after which the GPU process counts as hung (a dispatch is sized to about 60). */
export const HANG_MS = 15_000;
/** Milliseconds the GPU process may take to open its adapter and compile the kernel. */
export const OPEN_MS = 60_000;
/** Lines of the GPU process's stderr kept to explain its failure. */
const STDERR_LINES = 6;

/** The bundled GPU process beside this module in dist/node/; run from source (tests), the built one. */
export const DEFAULT_GPU_CHILD: URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/node/gpu-child.js', import.meta.url)
  : new URL('./gpu-child.js', import.meta.url);

/** Options of {@link startGpuProcess}. */
export interface GpuProcessOptions {
  /** Threads a software adapter may hash on (Mesa's llvmpipe: `LP_NUM_THREADS`). */
  threads: number;
  /** The GPU process's script (default {@link DEFAULT_GPU_CHILD}). */
  file?: string | URL;
  /** Extra environment of the GPU process (tests). */
  env?: Record<string, string>;
  /** See {@link HANG_MS}. */
  hangMs?: number;
  /** See {@link OPEN_MS}. */
  openMs?: number;
}

/** A GPU process being started: its kernel once open, and a way to end it whatever stage it is at. */
export interface GpuProcessStart {
  /** The kernel's stand-in; rejects with NoGpuError where there is no Dawn or no adapter. */
  readonly ready: Promise<GpuProcess>;
  /** End the process now (no-op once ended). */
  kill(): void;
  /** Resolves once no GPU process runs any more (at once where none was started). */
  readonly ended: Promise<void>;
}

/**
 * The environment this program gives Mesa (Linux), whatever the user's says:
 * - `EGL_PLATFORM=surfaceless`: EGL without a display;
 * - `LP_NUM_THREADS`: llvmpipe hashes on the miner's thread count;
 * - `LP_NATIVE_VECTOR_WIDTH=512` where the CPU has AVX-512 (llvmpipe's own default
 *   is 256 bits): the kernel hashes 16 nonces per instruction instead of 8, about
 *   1.8x the rate on a Zen 4;
 * - `MESA_SHADER_CACHE_DIR`: a shader cache of this program's own per vector width,
 *   since Mesa's cache key leaves the width out (a kernel compiled at 256 bits was
 *   run from the cache at that width under a 512-bit setting).
 * @param cpuFlags - the CPU's feature flags (default: read from /proc/cpuinfo).
 */
export function mesaEnv(threads: number, cpuFlags: ReadonlySet<string> = linuxCpuFlags(), env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const width = cpuFlags.has('avx512f') ? 512 : 256;
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return {
    EGL_PLATFORM: 'surfaceless',
    LP_NUM_THREADS: String(threads),
    LP_NATIVE_VECTOR_WIDTH: String(width),
    MESA_SHADER_CACHE_DIR: join(cacheHome, 'wasm-dmint-miner', `mesa-${width}-bit`),
  };
}

/** The CPU's flags from /proc/cpuinfo (none where it cannot be read). */
function linuxCpuFlags(): Set<string> {
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return new Set(line?.[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

/** Where the `webgpu` package is, or null where it is not installed. */
export function findDawn(): string | null {
  try {
    return createRequire(import.meta.url).resolve('webgpu');
  } catch {
    return null;
  }
}

/** Start the GPU process; where Dawn is missing, none is started and `ready` rejects at once. */
export function startGpuProcess(options: GpuProcessOptions): GpuProcessStart {
  if (findDawn() === null) {
    const ready = Promise.reject(new NoGpuError(`no WebGPU for Node: the 'webgpu' package is not installed; ${INSTALL_DAWN}`));
    ready.catch(() => {});
    return { ready, kill: () => {}, ended: Promise.resolve() };
  }
  const file = options.file ?? DEFAULT_GPU_CHILD;
  const env = { ...process.env, ...(process.platform === 'linux' ? mesaEnv(options.threads) : {}), ...options.env };
  if (env.MESA_SHADER_CACHE_DIR) {
    try {
      mkdirSync(env.MESA_SHADER_CACHE_DIR, { recursive: true }); // Mesa makes only the last folder of the path
    } catch {
      // No cache then: Mesa compiles the kernel at every start (about a second of llvmpipe's time).
    }
  }
  const child = fork(file instanceof URL ? fileURLToPath(file) : file, [], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env,
  });
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gpu = new GpuProcess(child, options.hangMs ?? HANG_MS);
  const ready = gpu.open(options.openMs ?? OPEN_MS);
  ready.catch(() => {});
  return { ready, kill: () => gpu.destroy(), ended };
}

/** A request waiting for its reply. */
interface Pending {
  readonly sent: number;
  resolve(message: FromGpu): void;
  reject(err: Error): void;
}

/** The WGSL kernel in the GPU process, as the GPU executor drives a kernel. */
export class GpuProcess implements GpuSearcher {
  #adapter: GpuAdapterSummary | null = null;
  readonly #child: ChildProcess;
  readonly #hangMs: number;
  readonly #pending = new Map<number, Pending>();
  readonly #stderr: string[] = [];
  #nextId = 1;
  /** Why the process is gone, once it is: every request after that fails with it. */
  #gone: Error | null = null;
  #watchdog: ReturnType<typeof setInterval> | undefined;

  /** @internal Made by {@link startGpuProcess}. */
  constructor(child: ChildProcess, hangMs: number) {
    this.#child = child;
    this.#hangMs = hangMs;
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      // Dawn's notes about limits it lowered are not failures.
      for (const line of lines) if (line.trim() !== '' && !/artificially reduced/.test(line)) this.#stderr.push(line.trim());
      this.#stderr.splice(0, Math.max(0, this.#stderr.length - STDERR_LINES));
    });
    child.on('message', (message: FromGpu) => this.#receive(message));
    child.once('exit', (code, signal) => {
      const how = signal ?? `exit code ${code}`;
      const tail = this.#stderr.length ? `: ${this.#stderr.join(' | ')}` : '';
      this.#end(this.#gone ?? new Error(`the GPU process ended (${how})${tail}`));
    });
    child.on('error', (err) => this.#end(new Error(`the GPU process failed: ${err.message}`, { cause: err })));
  }

  /** The adapter the GPU process opened. */
  get adapter(): GpuAdapterSummary | null {
    return this.#adapter;
  }

  /** @internal Wait for the process's first message. */
  open(openMs: number): Promise<GpuProcess> {
    return new Promise<GpuProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the GPU process did not open an adapter within ${openMs / 1000} s`));
        this.destroy();
      }, openMs);
      this.#pending.set(0, {
        sent: Number.POSITIVE_INFINITY, // the opening has its own timer
        resolve: (message) => {
          clearTimeout(timer);
          if (message.op === 'ready') {
            this.#adapter = message.adapter;
            this.#idle();
            resolve(this);
          } else if (message.op === 'unavailable') {
            reject(message.noGpu ? new NoGpuError(message.message) : new Error(`the GPU could not be opened: ${message.message}`));
          }
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  /**
   * Set the job in the GPU process; the requests after it search it.
   * @throws RangeError for a preimage that is not 64 bytes or a width other than 4 or 8 (checked here, before anything is sent).
   */
  setJob(preimage: Uint8Array, nonceWidth: NonceWidth, bound: KernelBound): void {
    if (!(preimage instanceof Uint8Array) || preimage.length !== 64) throw new RangeError(`the preimage must be 64 bytes, got ${preimage?.length}`);
    if (nonceWidth !== 4 && nonceWidth !== 8) throw new RangeError(`nonce width must be 4 or 8, got ${nonceWidth}`);
    this.#post({ op: 'job', preimage: preimage.slice(), nonceWidth, bound: { ...bound } });
  }

  /** One dispatch's lowest hit, as the kernel's `submit`. */
  async submit(first: bigint, count: number): Promise<ScanResult> {
    const reply = await this.#request((id) => ({ op: 'submit', id, first, count }));
    if (reply.op !== 'scan') throw new Error(`the GPU process answered a search with '${reply.op}'`);
    return { hit: reply.hit, scanned: reply.scanned };
  }

  /** Full digests, as the kernel's `digests` (tests). */
  async digests(first: bigint, count: number): Promise<Uint8Array> {
    const reply = await this.#request((id) => ({ op: 'digests', id, first, count }));
    if (reply.op !== 'digests') throw new Error(`the GPU process answered a digest request with '${reply.op}'`);
    return reply.bytes;
  }

  /** End the GPU process at once (a software adapter's threads with it); requests in flight fail. */
  destroy(): void {
    this.#gone ??= new Error('the GPU process was closed');
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.ref(); // so whoever awaits its end is not left with an empty event loop
      this.#child.kill('SIGKILL');
    }
  }

  #request(message: (id: number) => ToGpu): Promise<FromGpu> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    return new Promise<FromGpu>((resolve, reject) => {
      this.#pending.set(id, { sent: performance.now(), resolve, reject });
      this.#busy();
      this.#post(message(id));
    });
  }

  #post(message: ToGpu): void {
    if (this.#gone) return;
    this.#child.send(message, (err) => {
      if (err) this.#end(new Error(`the GPU process cannot be reached: ${err.message}`));
    });
  }

  #receive(message: FromGpu): void {
    const id = message.op === 'ready' || message.op === 'unavailable' ? 0 : message.id;
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    if (message.op === 'failed') pending.reject(new Error(message.message));
    else pending.resolve(message);
    if (this.#pending.size === 0) this.#idle();
  }

  /** Fail everything in flight with `err`; the process is done with. */
  #end(err: Error): void {
    this.#gone ??= err;
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(this.#gone);
    this.destroy();
  }

  /** Requests are out: keep the miner's process alive for them, and watch for a hang. */
  #busy(): void {
    this.#child.ref();
    (this.#child.channel as { ref?(): void } | undefined)?.ref?.();
    (this.#child.stderr as { ref?(): void } | null)?.ref?.();
    this.#watchdog ??= setInterval(() => {
      const now = performance.now();
      for (const p of this.#pending.values()) {
        if (now - p.sent > this.#hangMs) {
          this.#end(new Error(`the GPU process stopped answering (no reply in ${this.#hangMs / 1000} s), so it was stopped`));
          return;
        }
      }
    }, Math.min(1000, this.#hangMs / 4));
    this.#watchdog.unref();
  }

  /** Nothing is out: the GPU process must not keep the miner's process alive. */
  #idle(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#child.unref();
    (this.#child.channel as { unref?(): void } | undefined)?.unref?.();
    (this.#child.stderr as { unref?(): void } | null)?.unref?.();
  }
}
