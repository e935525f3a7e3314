/**
 * `npm run bench [-- --json] [-- --seconds S]`: single-thread rates of the SIMD
 * and scalar kernels and a node:crypto sha256d reference, measured in one run so
 * their ratios can be compared across noisy, shared machines.
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { kernelBinaries } from '../core/binaries.ts';
import { Kernel, type KernelBuild } from '../core/kernel.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const secondsArg = args.indexOf('--seconds');
const seconds = secondsArg >= 0 ? Number(args[secondsArg + 1]) : 3;
if (!(seconds > 0 && seconds <= 60)) {
  process.stderr.write('bench: --seconds takes a number of seconds in (0, 60]\n');
  process.exit(1);
}

const PREIMAGE = new Uint8Array(64).fill(0xab);
/** A bound no digest meets, so every nonce is hashed and nothing stops early. */
const NEVER = { b0: 0, b1: 0, b2: 0 };
const BATCH = 1 << 16;

/** Million nonces per second of one kernel build on this thread, after warm-up. */
function kernelRate(build: KernelBuild): number {
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
function nodeCryptoRate(): number {
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

const simd = WebAssembly.validate(kernelBinaries.simd as Uint8Array<ArrayBuffer>) ? kernelRate('simd') : NaN;
const scalar = kernelRate('scalar');
const ref = nodeCryptoRate();
const round = (x: number): number => Math.round(x * 1000) / 1000;
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.versions.node}`;

if (json) {
  process.stdout.write(JSON.stringify({
    simd_mhs: round(simd),
    scalar_mhs: round(scalar),
    nodecrypto_mhs: round(ref),
    simd_vs_nodecrypto: round(simd / ref),
    scalar_vs_nodecrypto: round(scalar / ref),
    simd_vs_scalar: round(simd / scalar),
    seconds,
    machine,
  }) + '\n');
} else {
  const rows: Array<[string, number]> = [
    ['SIMD kernel (4 lanes)', simd],
    ['scalar kernel', scalar],
    ['node:crypto sha256d', ref],
  ];
  process.stdout.write(`Machine: ${machine}; one thread, ${seconds} s per figure\n\n`);
  process.stdout.write('| what | Mh/s | x node:crypto |\n| --- | ---: | ---: |\n');
  for (const [name, rate] of rows) process.stdout.write(`| ${name} | ${rate.toFixed(2)} | ${(rate / ref).toFixed(1)} |\n`);
  process.stdout.write(`\nSIMD / scalar: ${(simd / scalar).toFixed(2)}\n`);
}
