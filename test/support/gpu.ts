// Shared by the Node GPU suites (test/gpu/node-*.test.ts, test/gpu/cli-gpu.test.ts): whether
// this machine has a WebGPU adapter in Node (openGpuOrSkip, from skips.ts with the other skip
// groups), an environment that hides every adapter, node:crypto references, and the process
// table (/proc) to check that no helper process outlives its miner.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KernelBound } from '../../src/core/kernel-bound.ts';
import type { NonceWidth } from '../../src/core/nonce.ts';
import { belowBound, refDigest } from './kernels.ts';

/**
 * An environment in which Dawn finds no adapter on this kind of machine: glvnd's EGL loads no
 * vendor library (so no OpenGL ES adapter, llvmpipe included), and the Vulkan loader no driver.
 * The program sets EGL_PLATFORM itself, so that one cannot be used for this.
 */
export const NO_ADAPTER_ENV: Record<string, string> = {
  __EGL_VENDOR_LIBRARY_FILENAMES: '/nonexistent/egl-vendor.json',
  VK_ICD_FILENAMES: '/nonexistent/vk-icd.json',
  VK_DRIVER_FILES: '/nonexistent/vk-icd.json',
};

// The adapter probe and its skip notice live with the other groups' detection.
export { openGpuOrSkip, type GpuProbe } from './skips.ts';

/** The lowest nonce of `[start, start + count)` whose digest is below `bound`, by node:crypto (stops at the first). */
export function refLowest(preimage: Uint8Array, width: NonceWidth, bound: KernelBound, start: bigint, count: number): bigint | null {
  for (let i = 0; i < count; i++) {
    const nonce = start + BigInt(i);
    if (belowBound(refDigest(preimage, nonce, width), bound)) return nonce;
  }
  return null;
}

/** The digest's first three big-endian 32-bit words (what the kernel compares with the bound). */
export function digestWords(preimage: Uint8Array, nonce: bigint, width: NonceWidth): [number, number, number] {
  const d = refDigest(preimage, nonce, width);
  return [d.readUInt32BE(0), d.readUInt32BE(4), d.readUInt32BE(8)];
}

/** One process of the process table. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** One-letter state (R, S, Z, ...). */
  state: string;
  /** The command line, arguments joined with spaces. */
  cmdline: string;
}

/** Every process Linux lists now (processes that vanish while being read are left out). */
export function processTable(): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces or parentheses: the fields follow the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch {
        // gone meanwhile, or not ours to read
      }
      out.push({ pid: Number(name), ppid: Number(ppid), state, cmdline });
    } catch {
      // the process ended while the table was read
    }
  }
  return out;
}

/** Every descendant of `pid` (children, their children, ...), now. */
export function descendantsOf(pid: number): ProcessEntry[] {
  const table = processTable();
  const found: ProcessEntry[] = [];
  let parents = new Set([pid]);
  while (parents.size > 0) {
    const next = table.filter((p) => parents.has(p.ppid));
    found.push(...next);
    parents = new Set(next.map((p) => p.pid));
  }
  return found;
}

/** GPU processes (gpu-child.js or a test double of it) that are children of `pid`. */
export function gpuChildrenOf(pid: number): ProcessEntry[] {
  return processTable().filter((p) => p.ppid === pid && /gpu-child/.test(p.cmdline));
}

/** Whether `pid` still runs: signal 0 reaches it and it is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The environment a running process was started with (/proc/PID/environ). */
export function environOf(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Poll `get` every 10 ms until it gives a value other than undefined, for at most `ms`. */
export async function until<T>(get: () => T | undefined, ms = 20_000, what = 'the condition'): Promise<T> {
  for (const end = performance.now() + ms; ; await new Promise((r) => setTimeout(r, 10))) {
    const v = get();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  }
}

/** The file URL of a test double of the GPU process in test/support/. */
export const gpuDouble = (name: 'crash' | 'lie' | 'hang'): string => fileURLToPath(new URL(`./gpu-child-${name}.mjs`, import.meta.url));
