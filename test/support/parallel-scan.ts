// Long sweeps for `npm run test:long`: split a range into contiguous shares, one
// worker thread per share, each running the real kernel; the answer is the hit
// of the lowest share that has one, i.e. the lowest hit of the whole range.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { KernelBound } from '../../src/core/kernel-bound.ts';
import type { NonceWidth } from '../../src/core/nonce.ts';
import { binaries } from './kernels.ts';

// Plain JS on the raw kernel exports: eval'd workers cannot import TypeScript.
const WORKER = `
const { parentPort, workerData: d } = require('node:worker_threads');
const k = new WebAssembly.Instance(new WebAssembly.Module(d.bytes), {}).exports;
new Uint8Array(k.memory.buffer, k.inputPtr(), 64).set(d.preimage);
k.setJob(d.width, d.bound.b0, d.bound.b1, d.bound.b2);
let next = BigInt(d.start), end = BigInt(d.end), searched = 0, result = { hit: null, searched: 0 };
while (next < end) {
  const n = Number(end - next < 1048576n ? end - next : 1048576n);
  if (k.scan(Number(next & 0xffffffffn), Number(next >> 32n), n)) {
    result = { hit: ((BigInt(k.hitHi() >>> 0) << 32n) | BigInt(k.hitLo() >>> 0)).toString(), searched: searched + k.scanned() };
    break;
  }
  searched += n;
  next += BigInt(n);
}
parentPort.postMessage(result.hit === null ? { hit: null, searched } : result);
`;

/** Lowest hit in [start, start+count) using `threads` workers (default: all cores). */
export async function parallelLowestHit(
  preimage: Uint8Array, width: NonceWidth, bound: KernelBound, start: bigint, count: bigint,
  threads = availableParallelism(),
): Promise<bigint | null> {
  const share = (count + BigInt(threads) - 1n) / BigInt(threads);
  const jobs: Promise<{ hit: string | null }>[] = [];
  for (let i = 0n; i < BigInt(threads); i++) {
    const s = start + i * share;
    const e = s + share < start + count ? s + share : start + count;
    if (s >= e) break;
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { bytes: binaries.simd, preimage, width, bound, start: s.toString(), end: e.toString() },
    });
    jobs.push(new Promise((resolve, reject) => {
      worker.once('message', (m) => { resolve(m); void worker.terminate(); });
      worker.once('error', reject);
    }));
  }
  const results = await Promise.all(jobs);
  const first = results.find((r) => r.hit !== null);
  return first ? BigInt(first.hit!) : null;
}
