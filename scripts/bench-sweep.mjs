// `npm run bench:sweep [-- [--count N] [--workers N] [--json]]`: the CLI
// figures that matter to pyrxd users, each measured on the built binary as a
// process (start-up included):
//   - latency: a request whose hit is 1000 nonces into its range (median of 5);
//   - scaling: the all-core rate over the one-thread rate (dmint-miner bench);
//   - the full V1 sweep: 2^32 nonces of gen-w4-8403 (no valid nonce anywhere)
//     with --quiet on all cores, timed to exhaustion, with its peak RSS.
// --count N (1 to 2^32, decimal or 0x-hex) sweeps only the first N nonces;
// --workers N (1 to 1024, as the CLI allows; default: the available parallelism)
// sets the threads; --json prints one JSON line instead. A bad or unknown flag:
// a message and the usage line on stderr, exit 1.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { scriptArgs, scriptFailure } from './script-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${root}/dist/node/dmint-miner.js`;
const USAGE = 'usage: node scripts/bench-sweep.mjs [--count N] [--workers N] [--json]';

const fatal = scriptFailure('bench-sweep', USAGE);

// Strict, so a mistyped flag is an error rather than a silently full-length sweep.
const { values } = scriptArgs({
  count: { type: 'string', default: String(2 ** 32) },
  workers: { type: 'string', default: String(availableParallelism()) },
  json: { type: 'boolean', default: false },
}, fatal);
// BigInt, as before, so 0x-hex still works; the bounds are the V1 space and the CLI's.
let count;
try {
  count = BigInt(values.count);
} catch {
  count = -1n;
}
if (count < 1n || count > 2n ** 32n) fatal(`--count takes an integer in [1, 2^32], got ${JSON.stringify(values.count)}`);
const workers = Number(values.workers);
if (!/^[0-9]+$/.test(values.workers) || workers < 1 || workers > 1024) fatal(`--workers takes an integer in [1, 1024], got ${JSON.stringify(values.workers)}`);
const json = values.json;
const log = (line) => { if (!json) console.log(line); };

const fixture = JSON.parse(readFileSync(`${root}/fixtures/pyrxd-vectors.json`, 'utf8'));
const vec = (id) => fixture.pow_vectors.find((p) => p.id.startsWith(id));
const req = (v) => JSON.stringify({ preimage_hex: v.preimage_hex, target_hex: '7fffffffffffffff', nonce_width: v.nonce_width });

/** Run the CLI; resolve with wall time, exit code, stdout and the peak RSS seen in /proc. */
function run(cliArgs, input) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...cliArgs], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* gone */ }
    }, 100);
    child.stdout.on('data', (d) => (out += d));
    child.stdin.end(input);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ ms: performance.now() - t0, code, out, peakMb: peakKb / 1024 });
    });
  });
}

const mainnet = vec('pxd-mainnet');
const latencies = [];
for (let i = 0; i < 5; i++) {
  const r = await run(['--quiet', '--start', String(mainnet.nonce_int_le - 999), '--count', '1000'], req(mainnet));
  if (r.code !== 0) throw new Error(`latency run exited ${r.code}`);
  latencies.push(r.ms);
}
latencies.sort((a, b) => a - b);
const latencyMs = latencies[2];
log(`hit 1000 nonces into the range, process start included: median ${latencyMs.toFixed(0)} ms (of ${latencies.map((x) => x.toFixed(0)).join(', ')})`);

const bench = JSON.parse(spawnSync(process.execPath, [BIN, 'bench', '--json', '--seconds', '3', '--workers', String(workers)], { encoding: 'utf8' }).stdout);
log(`one thread ${bench.simd_mhs} Mh/s, ${workers} threads ${bench.all_threads_mhs} Mh/s: scaling ${bench.scaling}x`);

log(`sweeping ${count} nonces of gen-w4-8403 on ${workers} threads...`);
const sweep = await run(['--quiet', '--workers', String(workers), '--count', String(count)], req(vec('gen-w4-8403')));
const exhausted = sweep.code === 2 && sweep.out === '{"exhausted":true}\n';
const seconds = sweep.ms / 1000;
const rate = Number(count) / seconds / 1e6;
const result = {
  machine: `${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.versions.node}`,
  workers,
  latency_ms: Math.round(latencyMs),
  one_thread_mhs: bench.simd_mhs,
  all_threads_mhs: bench.all_threads_mhs,
  scaling: bench.scaling,
  nodecrypto_mhs: bench.nodecrypto_mhs,
  sweep_nonces: Number(count),
  sweep_s: Math.round(seconds * 10) / 10,
  sweep_mhs: Math.round(rate * 100) / 100,
  sweep_exhausted: exhausted,
  peak_rss_mb: Math.round(sweep.peakMb),
  full_sweep_estimate_s: Math.round((2 ** 32 / (rate * 1e6)) * 10) / 10,
};
if (json) console.log(JSON.stringify(result));
else {
  log(`sweep: ${exhausted ? 'exhausted as expected' : `UNEXPECTED exit ${sweep.code} ${sweep.out.trim()}`} in ${seconds.toFixed(1)} s (${rate.toFixed(2)} Mh/s, peak RSS ${result.peak_rss_mb} MB)`);
  if (count !== 2n ** 32n) log(`a full 2^32 sweep at this rate: about ${result.full_sweep_estimate_s} s`);
}
process.exit(exhausted ? 0 : 1);
