// `npm run bench:throttle [-- [--seconds S] [--rounds R] [--threads N] [--json]]`:
// what `--throttle` (the Miner's `throttle` option) delivers. One Node Miner per
// throttle (100, 75, 50 and 25 %) mines gen-w4-8403 (no valid nonce in the V1
// space) for S seconds after a 0.5 s warm-up; the rate comes from its progress
// reports and the CPU share from process.cpuUsage (CPU time over wall time and
// threads). The throttles run interleaved, R rounds in a rotating order, so a
// noisy machine weighs on all of them alike; the medians and their ratio to
// 100 % are printed. --json prints one JSON line instead. A bad or unknown flag:
// a message and the usage line on stderr, exit 1.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { scriptArgs, scriptFailure } from './script-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const USAGE = 'usage: node scripts/bench-throttle.mjs [--seconds S] [--rounds R] [--threads N] [--json]';
const fatal = scriptFailure('bench-throttle', USAGE);

const { values } = scriptArgs({
  seconds: { type: 'string', default: '4' },
  rounds: { type: 'string', default: '3' },
  threads: { type: 'string', default: String(availableParallelism()) },
  json: { type: 'boolean', default: false },
}, fatal);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const threads = Number(values.threads);
if (!(seconds >= 1 && seconds <= 600)) fatal(`--seconds takes a number from 1 to 600, got ${JSON.stringify(values.seconds)}`);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) fatal(`--rounds takes a whole number from 1 to 50, got ${JSON.stringify(values.rounds)}`);
if (!Number.isInteger(threads) || threads < 1 || threads > 1024) fatal(`--threads takes a whole number from 1 to 1024, got ${JSON.stringify(values.threads)}`);

const { Miner } = await import(`${root}dist/node/index.js`);
const vectors = JSON.parse(readFileSync(`${root}fixtures/pyrxd-vectors.json`, 'utf8'));
const endless = vectors.pow_vectors.find((v) => v.id === 'gen-w4-8403');
const request = { preimage_hex: endless.preimage_hex, target_hex: '7fffffffffffffff', nonce_width: 4 };
const THROTTLES = [100, 75, 50, 25];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One measurement: Mh/s and the CPU share over `seconds`, after a warm-up. */
async function measure(throttle) {
  const miner = new Miner({ threads, throttle });
  const controller = new AbortController();
  let last;
  const job = miner.mine(request, { signal: controller.signal, onProgress: (p) => (last = p) });
  job.catch(() => {});
  await sleep(500);
  const from = last ?? { attempts: 0, elapsed_s: 0 };
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(seconds * 1000);
  const to = last;
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  controller.abort();
  await miner.close();
  return {
    mhs: (to.attempts - from.attempts) / (to.elapsed_s - from.elapsed_s) / 1e6,
    cpu_share: (cpu.user + cpu.system) / 1e6 / wall / threads,
  };
}

const runs = Object.fromEntries(THROTTLES.map((t) => [t, []]));
for (let r = 0; r < rounds; r++) {
  // Rotate the order so that no throttle always runs first (or right after the heaviest).
  for (let i = 0; i < THROTTLES.length; i++) {
    const t = THROTTLES[(i + r) % THROTTLES.length];
    runs[t].push(await measure(t));
    if (!values.json) process.stderr.write(`round ${r + 1}/${rounds}: ${t} % ${runs[t].at(-1).mhs.toFixed(2)} Mh/s\n`);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const full = median(runs[100].map((m) => m.mhs));
const rows = THROTTLES.map((t) => {
  const rates = runs[t].map((m) => m.mhs);
  return {
    throttle: t,
    mhs: { min: Math.min(...rates), median: median(rates), max: Math.max(...rates) },
    vs_full: median(rates) / full,
    cpu_share: median(runs[t].map((m) => m.cpu_share)),
  };
});
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.versions.node}`;
if (values.json) {
  console.log(JSON.stringify({ machine, threads, seconds, rounds, rows }));
} else {
  const f = (x) => x.toFixed(2);
  console.log(`Machine: ${machine}; ${threads} threads, ${rounds} interleaved rounds of ${seconds} s each\n`);
  console.log('| throttle | Mh/s min / median / max | of 100 % | CPU share |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.throttle} % | ${f(r.mhs.min)} / ${f(r.mhs.median)} / ${f(r.mhs.max)} | ${(r.vs_full * 100).toFixed(0)} % | ${(r.cpu_share * 100).toFixed(0)} % |`);
}
