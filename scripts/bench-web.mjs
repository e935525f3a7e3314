// `npm run bench:web [-- [--engine E] [--backend B] [--threads N] [--count N] [--messages] [--json]]`:
// the in-browser miner against the CLI, in one run, on the same work: a sweep of
// the same nonce range (default 2^26) with an impossible target (target_hex
// 0000000000000001: no nonce meets it), so both search every nonce and end
// exhausted.
//   - page: in every browser engine installed (Chromium, Firefox ESR, WebKitGTK:
//     scripts/engines.mjs), or only --engine E (repeatable), on `npm run web`'s
//     server (cross-origin isolated), timed from navigation to
//     `document.body.dataset.state === 'exhausted'` (page load, kernel compile and
//     worker start included), with the scheduling path the engine chose;
//   - CLI: `node dist/node/dmint-miner.js --quiet --backend wasm --start 0 --count N --workers T`,
//     timed as a process (start-up included): the same wasm kernel as the page's workers.
// --backend wasm|webgpu|auto (repeatable, default wasm) is the page's `backend=`, each measured
// in turn on the same sweep; webgpu and auto run in Chromium only, started with WebGPU on
// (SwiftShader's software adapter where there is no GPU: its rate says nothing of a real GPU),
// with the count defaulting to 2^22, and name the adapter.
// --kernel adds, per engine, the kernel alone in one worker (scripts/kernel-worker.js:
// the SIMD build scanning for 10 s, no engine around it), the median of its 2 s slices
// after the first; --messages adds each engine's page without isolation (message scheduling);
// --threads defaults to the available parallelism; --count is at most 2^32;
// --json prints one JSON line instead. A bad or unknown flag, or an engine that
// is not installed: a message and the usage line on stderr, exit 1.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ENGINE_NAMES, hasEngine, installedEngines, launchEngine, waitInPage } from './engines.mjs';
import { scriptArgs, scriptFailure } from './script-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${root}dist/node/dmint-miner.js`;
const USAGE = 'usage: node scripts/bench-web.mjs [--engine chromium|firefox|webkit|webkit-sab]... [--backend wasm|webgpu|auto] [--threads N] [--count N] [--kernel] [--messages] [--json]';
const BACKENDS = ['wasm', 'webgpu', 'auto'];
/** `webkit-sab`: WebKitGTK with JavaScriptCore's SharedArrayBuffer on, as Safari has it on isolated pages. */
const VARIANTS = [...ENGINE_NAMES, 'webkit-sab'];

const fatal = scriptFailure('bench-web', USAGE);

// Strict, so a mistyped flag is an error rather than a silently default run.
const { values } = scriptArgs({
  threads: { type: 'string', default: String(availableParallelism()) },
  count: { type: 'string' },
  backend: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  messages: { type: 'boolean', default: false },
  engine: { type: 'string', multiple: true },
  kernel: { type: 'boolean', default: false },
}, fatal);
const threads = Number(values.threads);
const backends = values.backend ?? ['wasm'];
for (const b of backends) if (!BACKENDS.includes(b)) fatal(`--backend takes one of ${BACKENDS.join(', ')}, got ${JSON.stringify(b)}`);
const gpu = backends.some((b) => b !== 'wasm');
// A software adapter hashes some 25 times slower than the workers: a smaller default sweep.
const count = Number(values.count ?? 2 ** (gpu ? 22 : 26));
const json = values.json;
const withMessages = values.messages;
const log = (line) => { if (!json) console.log(line); };
for (const e of values.engine ?? []) {
  if (!VARIANTS.includes(e)) fatal(`--engine takes one of ${VARIANTS.join(', ')}, got ${JSON.stringify(e)}`);
  if (!hasEngine(e.replace(/-sab$/, ''))) fatal(`${e} is not installed here (scripts/engines.mjs names the Debian packages)`);
}
if (gpu && (values.engine ?? []).some((e) => e !== 'chromium')) fatal('--backend webgpu and auto run in Chromium only (the engine here with a WebGPU adapter)');
const variants = values.engine ?? (gpu ? ['chromium'] : installedEngines());
if (variants.length === 0) fatal('no browser engine is installed (apt-get install -y chromium firefox-esr webkit2gtk-driver xvfb)');
if (!Number.isSafeInteger(threads) || threads < 1) fatal(`--threads takes a positive integer, got ${JSON.stringify(values.threads)}`);
if (!Number.isSafeInteger(count) || count < 1 || count > 2 ** 32) fatal(`--count takes an integer in [1, 2^32], got ${JSON.stringify(values.count)}`);

const fixture = JSON.parse(readFileSync(`${root}fixtures/pyrxd-vectors.json`, 'utf8'));
const preimage = fixture.pow_vectors.find((v) => v.id === 'gen-w4-8403').preimage_hex;
const request = JSON.stringify({ preimage_hex: preimage, target_hex: '0000000000000001', nonce_width: 4 });
const EXHAUSTED = '{"exhausted":true}';

/** Start serve-web.mjs on a free port; resolve with its URL and process. */
function serve(flags) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}scripts/serve-web.mjs`, '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /^(http:\/\/\S+)\n/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`serve-web exited with ${code}`)));
  });
}

/** A loopback server for the kernel-alone run: a blank isolated page, the worker and the SIMD build. */
function serveKernel() {
  const files = {
    '/': ['<!doctype html><title>kernel</title>', 'text/html; charset=utf-8'],
    '/kernel-worker.js': [readFileSync(`${root}scripts/kernel-worker.js`), 'text/javascript; charset=utf-8'],
    '/kernel.wasm': [readFileSync(`${root}build/kernel-simd.wasm`), 'application/wasm'],
  };
  const server = createServer((req, res) => {
    const file = files[req.url];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': file[1], 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }).end(file[0]);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() })));
}

/** The kernel alone in one worker of `browser`: the median Mh/s of its slices after the first. */
async function kernelRun(browser) {
  const server = await serveKernel();
  const page = await browser.newPage();
  try {
    await page.goto(server.url);
    const slices = await page.evaluate(() => new Promise((resolve, reject) => {
      const worker = new Worker('kernel-worker.js');
      worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ wasm: 'kernel.wasm', batch: 32768, ms: 10_000 });
    }));
    const rest = slices.slice(1).sort((a, b) => a - b);
    return rest[Math.floor(rest.length / 2)];
  } finally {
    await page.close();
    server.close();
  }
}

async function pageRun(browser, flags, backend = 'wasm') {
  const server = await serve(flags);
  const page = await browser.newPage();
  try {
    const link = `${server.url}index.html#job=${encodeURIComponent(request)}&threads=${threads}&start=0&count=${count}&backend=${backend}&autostart=1`;
    const t0 = performance.now();
    await page.goto(link);
    await waitInPage(page, 'the page ended', () => ['exhausted', 'found', 'error', 'stopped'].includes(document.body.dataset.state), undefined, 3_600_000, 20);
    const seconds = (performance.now() - t0) / 1000;
    const [state, result, mode, build, message, hashedOn, hashing] = await page.evaluate(() => [
      document.body.dataset.state, document.getElementById('result').textContent, document.body.dataset.mode, document.body.dataset.build,
      document.getElementById('message').textContent, document.body.dataset.backend, document.getElementById('env-backend').textContent,
    ]);
    if (state !== 'exhausted' || result !== EXHAUSTED) throw new Error(`the page in ${browser.label} ended ${state} with ${JSON.stringify(result)}: ${message}`);
    return { seconds, mhs: count / seconds / 1e6, mode, build, browser: browser.label, backend: hashedOn, hashing };
  } finally {
    await page.close();
    server.child.kill('SIGTERM');
  }
}

function cliRun() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, '--quiet', '--backend', 'wasm', '--start', '0', '--count', String(count), '--workers', String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stdin.end(request);
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 2 || out.trim() !== EXHAUSTED) reject(new Error(`the CLI exited ${code} with ${JSON.stringify(out)}`));
      else resolve({ seconds, mhs: count / seconds / 1e6 });
    });
  });
}

log(`sweeping ${count.toLocaleString('en-US')} nonces with an impossible target on ${threads} threads (${cpus()[0]?.model?.trim() ?? 'unknown CPU'}, ${availableParallelism()} logical cores)`);
const pages = [];
for (const variant of variants) {
  const browser = await launchEngine(variant.replace(/-sab$/, ''), { jscSharedArrayBuffer: variant === 'webkit-sab', webgpu: gpu });
  try {
    const label = variant === 'webkit-sab' ? ' with JavaScriptCore\'s SharedArrayBuffer on' : '';
    for (const backend of backends) {
      const page = await pageRun(browser, [], backend);
      const path = page.backend === 'webgpu' ? 'webgpu' : `${page.build}, ${page.mode} scheduling`;
      log(`page (${page.browser}${label}, backend=${backend}: ${path}): ${page.mhs.toFixed(2)} Mh/s (${page.seconds.toFixed(2)} s from navigation to exhausted)`);
      if (gpu) log(`  hashing on: ${page.hashing}`);
      pages.push({
        engine: variant, browser: page.browser, backend, hashed_on: page.backend, hashing: page.hashing,
        mhs: +page.mhs.toFixed(3), seconds: +page.seconds.toFixed(3), mode: page.mode, build: page.build,
      });
    }
    // Once per engine, beside its first entry: the page without isolation, the kernel alone.
    const entry = pages.at(-backends.length);
    if (withMessages) {
      const messages = await pageRun(browser, ['--no-isolation']);
      log(`page (${entry.browser}${label}) without isolation (${messages.mode} scheduling): ${messages.mhs.toFixed(2)} Mh/s (${messages.seconds.toFixed(2)} s)`);
      Object.assign(entry, { messages_mhs: +messages.mhs.toFixed(3), messages_seconds: +messages.seconds.toFixed(3) });
    }
    if (values.kernel) {
      entry.kernel_mhs = +(await kernelRun(browser)).toFixed(3);
      log(`kernel alone in one worker (${entry.browser}${label}, simd): ${entry.kernel_mhs.toFixed(2)} Mh/s`);
    }
  } finally {
    await browser.close();
  }
}
const cli = await cliRun();
log(`CLI (Node ${process.versions.node}): ${cli.mhs.toFixed(2)} Mh/s (${cli.seconds.toFixed(2)} s as a process)`);
for (const p of pages) log(`page / CLI, ${p.browser}${p.engine === 'webkit-sab' ? ' (SharedArrayBuffer on)' : ''}, backend=${p.backend}: ${(p.mhs / cli.mhs * 100).toFixed(1)} %`);
if (json) {
  console.log(JSON.stringify({
    count, threads, cpu: cpus()[0]?.model?.trim(), node: process.versions.node,
    pages: pages.map((p) => ({ ...p, ratio: +(p.mhs / cli.mhs).toFixed(3) })),
    cli_mhs: +cli.mhs.toFixed(3), cli_s: +cli.seconds.toFixed(3),
  }));
}
