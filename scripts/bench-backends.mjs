// `npm run bench:backends [-- [--rounds N] [--count N] [--gpu present|no-adapter|no-dawn] [--against OLD_BIN] [--json]]`:
// the CLI's default backend against `--backend wasm` (and `--backend webgpu` where a GPU is
// present), side by side on the built binary as pyrxd runs it, interleaved in each round:
//   - early hit: a request whose lowest hit is 1000 nonces into its range, wall time from spawn
//     to exit (start-up, the GPU process's and all);
//   - rate: the first --count nonces (default 2^27) of gen-w4-8403, which holds no hit there,
//     timed to exhaustion.
// --gpu no-adapter hides Mesa's EGL driver from Dawn (as on a machine without the Mesa packages);
// --gpu no-dawn runs a copy of the built package where the optional 'webgpu' package is not
// installed. Prints min / median / max per backend and the default's ratios to wasm.
// --against OLD_BIN runs each backend on another build's dmint-miner.js too (a clone of the commit
// before, built), interleaved with this one, and prints this build's ratios to it: the side by side
// a change to scheduling or the kernel must show.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptArgs, scriptFailure } from './script-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const USAGE = 'usage: node scripts/bench-backends.mjs [--rounds N] [--count N] [--gpu present|no-adapter|no-dawn] [--against OLD_BIN] [--json]';
const fatal = scriptFailure('bench-backends', USAGE);
const { values } = scriptArgs({
  rounds: { type: 'string', default: '5' },
  count: { type: 'string', default: String(2 ** 27) },
  gpu: { type: 'string', default: 'present' },
  against: { type: 'string' },
  json: { type: 'boolean', default: false },
}, fatal);
const rounds = Number(values.rounds);
if (!/^[0-9]+$/.test(values.rounds) || rounds < 1 || rounds > 50) fatal(`--rounds takes 1 to 50, got ${JSON.stringify(values.rounds)}`);
const count = Number(values.count);
if (!/^[0-9]+$/.test(values.count) || count < 1 || count > 2 ** 32) fatal(`--count takes 1 to 2^32, got ${JSON.stringify(values.count)}`);
if (!['present', 'no-adapter', 'no-dawn'].includes(values.gpu)) fatal(`--gpu takes present, no-adapter or no-dawn, got ${JSON.stringify(values.gpu)}`);
if (values.against !== undefined && values.gpu === 'no-dawn') fatal('--against runs the builds as they are: give it with --gpu present or no-adapter');
if (values.against !== undefined && !existsSync(values.against)) fatal(`--against: no such file ${JSON.stringify(values.against)} (the other build's dist/node/dmint-miner.js)`);

// Where the built command is: the clone's, or a copy beside no 'webgpu' package.
let bin = join(root, 'dist/node/dmint-miner.js');
let scratch = null;
if (values.gpu === 'no-dawn') {
  scratch = mkdtempSync(join(tmpdir(), 'dmint-nodawn-'));
  cpSync(join(root, 'dist'), join(scratch, 'dist'), { recursive: true });
  writeFileSync(join(scratch, 'package.json'), readFileSync(join(root, 'package.json')));
  mkdirSync(join(scratch, 'node_modules'));
  for (const dep of ['piscina', '@napi-rs']) {
    try {
      symlinkSync(join(root, 'node_modules', dep), join(scratch, 'node_modules', dep));
    } catch { /* not installed: piscina does without its optional parts */ }
  }
  bin = join(scratch, 'dist/node/dmint-miner.js');
}
// Mesa's EGL vendor file, hidden: Dawn then finds no adapter, as without the Mesa packages.
const env = values.gpu === 'no-adapter' ? { ...process.env, __EGL_VENDOR_LIBRARY_FILENAMES: '/nonexistent.json' } : process.env;

const fixture = JSON.parse(readFileSync(join(root, 'fixtures/pyrxd-vectors.json'), 'utf8'));
const vec = (id) => fixture.pow_vectors.find((p) => p.id === id);
const req = (v) => JSON.stringify({ preimage_hex: v.preimage_hex, target_hex: '7fffffffffffffff', nonce_width: v.nonce_width });
const early = vec('pxd-mainnet-mint-c9fdcd34');
const none = vec('gen-w4-8403');

function run(args, input, binary = bin) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [binary, '--quiet', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 && code !== 2) reject(new Error(`dmint-miner ${args.join(' ')} exited ${code}: ${err.trim()}`));
      else resolve({ ms, out: out.trim() });
    });
    child.stdin.end(input);
  });
}

const backendArgs = values.gpu === 'present' ? [['default', []], ['wasm', ['--backend', 'wasm']], ['webgpu', ['--backend', 'webgpu']]] : [['default', []], ['wasm', ['--backend', 'wasm']]];
// With --against, every backend twice: this build, and the other one under the name `<backend> (old)`.
const backends = values.against === undefined
  ? backendArgs.map(([name, args]) => [name, args, bin])
  : backendArgs.flatMap(([name, args]) => [[name, args, bin], [`${name} (old)`, args, values.against]]);
const hitMs = Object.fromEntries(backends.map(([name]) => [name, []]));
const rateMhs = Object.fromEntries(backends.map(([name]) => [name, []]));
const earlyArgs = ['--start', String(early.nonce_int_le - 999), '--count', '1000000'];
for (let r = 0; r < rounds; r++) {
  // Interleaved, the order turned each round, so drift in the machine's load hits every backend alike.
  const order = r % 2 === 0 ? backends : [...backends].reverse();
  for (const [name, args, binary] of order) {
    const hit = await run([...args, ...earlyArgs], req(early), binary);
    if (!hit.out.includes(early.nonce_hex)) throw new Error(`${name}: expected ${early.nonce_hex}, got ${hit.out}`);
    hitMs[name].push(hit.ms);
    const sweep = await run([...args, '--count', String(count)], req(none), binary);
    if (sweep.out !== '{"exhausted":true}') throw new Error(`${name}: expected exhaustion, got ${sweep.out}`);
    rateMhs[name].push(count / sweep.ms / 1e3);
  }
}
if (scratch) rmSync(scratch, { recursive: true, force: true });

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s.at(-1) };
};
const result = {
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.versions.node}`,
  gpu: values.gpu, rounds, count,
  early_hit_ms: Object.fromEntries(Object.entries(hitMs).map(([k, v]) => [k, stats(v)])),
  rate_mhs: Object.fromEntries(Object.entries(rateMhs).map(([k, v]) => [k, stats(v)])),
};
const m = (k) => result.early_hit_ms[k].median;
result.default_vs_wasm = {
  early_hit_ratio: m('default') / m('wasm'),
  early_hit_bound_ms: 1.15 * m('wasm') + 20,
  rate_ratio: result.rate_mhs.default.median / result.rate_mhs.wasm.median,
};
if (values.against !== undefined) {
  // This build against the other, per backend: the early hit's bound is the other's 1.15x + 20 ms.
  result.against = values.against;
  result.new_vs_old = Object.fromEntries(backendArgs.map(([name]) => [name, {
    early_hit_ratio: m(name) / m(`${name} (old)`),
    early_hit_ms: m(name),
    early_hit_bound_ms: 1.15 * m(`${name} (old)`) + 20,
    rate_ratio: result.rate_mhs[name].median / result.rate_mhs[`${name} (old)`].median,
  }]));
}
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  const f = (s, d = 1) => `${s.min.toFixed(d)} / ${s.median.toFixed(d)} / ${s.max.toFixed(d)}`;
  console.log(`${result.machine}; GPU ${values.gpu}; ${rounds} interleaved rounds; min / median / max`);
  console.log('| backend | early hit (ms) | rate over 2^' + Math.log2(count).toFixed(0) + ' nonces (Mh/s) |');
  console.log('| --- | --- | --- |');
  for (const [name] of backends) console.log(`| ${name === 'default' ? 'default (auto)' : name} | ${f(result.early_hit_ms[name], 0)} | ${f(result.rate_mhs[name], 2)} |`);
  const d = result.default_vs_wasm;
  console.log(`default / wasm: early hit ${d.early_hit_ratio.toFixed(2)} (bound 1.15x + 20 ms = ${d.early_hit_bound_ms.toFixed(0)} ms), rate ${d.rate_ratio.toFixed(3)}`);
  for (const [name, n] of Object.entries(result.new_vs_old ?? {})) {
    console.log(`${name}, this build / ${values.against}: early hit ${n.early_hit_ms.toFixed(0)} ms (bound ${n.early_hit_bound_ms.toFixed(0)} ms, ratio ${n.early_hit_ratio.toFixed(2)}), rate ${n.rate_ratio.toFixed(3)}`);
  }
}
