/**
 * `dmint-miner bench` (and `npm run bench`): kernel rates measured in one run so
 * their ratios hold on noisy, shared machines: SIMD and scalar on one thread,
 * SIMD on all threads through the real Miner, the WGSL kernel on the GPU Dawn
 * finds (in its GPU process, a software adapter on as many threads), and a
 * node:crypto sha256d reference.
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { kernelBinaries } from '../core/binaries.ts';
import { Kernel, type KernelBuild } from '../core/kernel.ts';
import type { MineProgress } from '../core/job-api.ts';
import type { BenchArgs } from './args.ts';
import { Miner } from './miner.ts';
import { describeRuntime } from './runtime.ts';
import { probeGpu } from './gpu-probe.ts';
import { adapterName } from './progress.ts';

const PREIMAGE = new Uint8Array(64).fill(0xab);
/** A bound no digest meets, so every nonce is hashed and nothing stops early. */
const NEVER = { b0: 0, b1: 0, b2: 0 };
const BATCH = 1 << 16;

/** Million nonces per second of one kernel build on this thread, after warm-up. */
function kernelRate(build: KernelBuild, seconds: number): number {
  const kernel = Kernel.fromBytes(build, kernelBinaries[build]);
  kernel.setJob(PREIMAGE, 4, NEVER);
  let next = 0n;
  const run = (ms: number): number => {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < ms) {
      n += kernel.scan(next, BATCH).scanned;
      next = (next + BigInt(BATCH)) % (1n << 32n);
    }
    return n / (performance.now() - t0) / 1e3;
  };
  run(Math.min(1000, seconds * 300)); // tier up to the optimising compiler
  return run(seconds * 1000);
}

/** Million sha256d per second through node:crypto createHash, one thread. */
function nodeCryptoRate(seconds: number): number {
  const msg = new Uint8Array(68).fill(0xab);
  const view = new DataView(msg.buffer);
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 1000; i++, n++) {
      view.setUint32(64, n, true);
      createHash('sha256').update(createHash('sha256').update(msg).digest()).digest();
    }
  }
  return n / (performance.now() - t0) / 1e3;
}

/** How long past its window {@link poolRate} waits for threads that are slow to start before it gives up. */
const BENCH_START_GRACE_MS = 30_000;

/** Million nonces per second of the SIMD (or best) kernel on `threads` threads of the real {@link Miner}. */
export async function poolRate(threads: number, seconds: number): Promise<number> {
  // Target 1 and a 2^64 space: nothing is found and nothing runs out, so every nonce is hashed.
  const request = { preimage_hex: 'ab'.repeat(64), target_hex: '1', nonce_width: 8 };
  const miner = new Miner({ threads });
  const samples: MineProgress[] = [];
  const controller = new AbortController();
  const job = miner.mine(request, { signal: controller.signal, onProgress: (p) => samples.push(p) });
  job.catch(() => {});
  // The window opens at the first report after the warm-up that shows hashing, and lasts `seconds`: on a
  // saturated machine the threads can take longer than a fixed window to start, which then measured 0.
  const warm = Math.min(1, seconds * 0.3);
  const opens = (): MineProgress | undefined => samples.find((p) => p.elapsed_s >= warm && p.attempts > 0);
  const giveUp = performance.now() + (warm + seconds) * 1000 + BENCH_START_GRACE_MS;
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const a = opens();
    const last = samples.at(-1);
    if ((a && last && last.elapsed_s - a.elapsed_s >= seconds) || performance.now() > giveUp) break;
  }
  controller.abort();
  await miner.close();
  const b = samples.at(-1); // the report the job makes as it ends
  // No report after the warm-up showed hashing: count from the start, thread start-up included.
  const a = opens() ?? { attempts: 0, elapsed_s: 0 };
  if (!b || b.elapsed_s <= a.elapsed_s || b.attempts <= a.attempts) throw new Error(`the miner reported too little progress to measure (${samples.length} reports)`);
  return (b.attempts - a.attempts) / (b.elapsed_s - a.elapsed_s) / 1e6;
}

/** Run the benchmark and print it; returns the exit code. */
export async function runBench(args: Pick<BenchArgs, 'seconds' | 'workers' | 'json'>): Promise<number> {
  const { seconds, workers, json } = args;
  const hasSimd = WebAssembly.validate(kernelBinaries.simd as Uint8Array<ArrayBuffer>);
  const simd = hasSimd ? kernelRate('simd', seconds) : NaN;
  const scalar = kernelRate('scalar', seconds);
  const all = await poolRate(workers, seconds);
  const gpu = await probeGpu(workers, seconds);
  const webgpu = gpu.available && gpu.knownAnswers.ok ? gpu.rate / 1e6 : NaN;
  const gpuName = gpu.available ? (gpu.adapter ? adapterName(gpu.adapter) : 'unnamed adapter') : null;
  const gpuNote = !gpu.available ? `no GPU: ${gpu.reason}` : gpu.knownAnswers.ok ? null : `the GPU kernel failed its known answers: ${gpu.knownAnswers.detail}`;
  const ref = nodeCryptoRate(seconds);
  const one = hasSimd ? simd : scalar;
  const r3 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  const runtime = describeRuntime();
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${runtime.name}`;
  if (json) {
    process.stdout.write(JSON.stringify({
      simd_mhs: r3(simd),
      scalar_mhs: r3(scalar),
      nodecrypto_mhs: r3(ref),
      all_threads_mhs: r3(all),
      threads: workers,
      webgpu_mhs: r3(webgpu),
      gpu_adapter: gpuName,
      gpu_note: gpuNote,
      webgpu_vs_all_threads: r3(webgpu / all),
      simd_vs_nodecrypto: r3(simd / ref),
      scalar_vs_nodecrypto: r3(scalar / ref),
      simd_vs_scalar: r3(simd / scalar),
      scaling: r3(all / one),
      seconds,
      machine,
      runtime,
    }) + '\n');
    return 0;
  }
  const rows: Array<[string, number]> = [
    ['SIMD kernel, 1 thread', simd],
    ['scalar kernel, 1 thread', scalar],
    [`${hasSimd ? 'SIMD' : 'scalar'} kernel, ${workers} threads (Miner)`, all],
    [`WGSL kernel, GPU (${gpuName ?? 'none'})`, webgpu],
    ['node:crypto sha256d, 1 thread', ref],
  ];
  const out = [`Machine: ${machine}; ${seconds} s per figure`, '', '| what | Mh/s | × node:crypto |', '| --- | ---: | ---: |'];
  for (const [name, rate] of rows) out.push(`| ${name} | ${Number.isFinite(rate) ? rate.toFixed(2) : 'n/a'} | ${Number.isFinite(rate) ? (rate / ref).toFixed(1) : 'n/a'} |`);
  out.push('', `SIMD / scalar: ${(simd / scalar).toFixed(2)}; ${workers} threads / 1 thread: ${(all / one).toFixed(2)}`);
  if (Number.isFinite(webgpu)) out.push(`GPU / ${workers} threads: ${(webgpu / all).toFixed(2)} (the default, --backend auto, keeps the faster on each job)`);
  else out.push(`GPU: ${gpuNote}`);
  out.push(`Runtime: ${runtime.name}, V8 ${runtime.v8}`);
  if (runtime.advice) out.push(`Note: ${runtime.advice}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
