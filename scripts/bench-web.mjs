// `npm run bench:web [-- [--threads N] [--count N] [--messages] [--json]]`:
// the in-browser miner against the CLI, in one run, on the same work: a sweep of
// the same nonce range (default 2^26) with an impossible target (target_hex
// 0000000000000001: no nonce meets it), so both search every nonce and end
// exhausted.
//   - page: headless Debian Chromium on `npm run web`'s server (cross-origin
//     isolated: shared-memory scheduling), timed from navigation to
//     `document.body.dataset.state === 'exhausted'` (page load, kernel compile and
//     worker start included);
//   - CLI: `node dist/node/dmint-miner.js --quiet --start 0 --count N --workers T`,
//     timed as a process (start-up included).
// --messages adds the page without isolation (message scheduling); --threads
// defaults to the available parallelism; --count is at most 2^32; --json prints
// one JSON line instead. A bad or unknown flag: a message and the usage line on
// stderr, exit 1.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { scriptArgs, scriptFailure } from './script-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${root}dist/node/dmint-miner.js`;
const USAGE = 'usage: node scripts/bench-web.mjs [--threads N] [--count N] [--messages] [--json]';

const fatal = scriptFailure('bench-web', USAGE);

// Strict, so a mistyped flag is an error rather than a silently default run.
const { values } = scriptArgs({
  threads: { type: 'string', default: String(availableParallelism()) },
  count: { type: 'string', default: String(2 ** 26) },
  json: { type: 'boolean', default: false },
  messages: { type: 'boolean', default: false },
}, fatal);
const threads = Number(values.threads);
const count = Number(values.count);
const json = values.json;
const withMessages = values.messages;
const log = (line) => { if (!json) console.log(line); };
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

async function pageRun(browser, flags) {
  const server = await serve(flags);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const link = `${server.url}index.html#job=${encodeURIComponent(request)}&threads=${threads}&start=0&count=${count}&autostart=1`;
  const t0 = performance.now();
  await page.goto(link);
  await page.waitForFunction(() => ['exhausted', 'found', 'error', 'stopped'].includes(document.body.dataset.state), null, { timeout: 0, polling: 20 });
  const seconds = (performance.now() - t0) / 1000;
  const [state, result, mode, build] = await page.evaluate(() => [
    document.body.dataset.state, document.getElementById('result').textContent, document.body.dataset.mode, document.body.dataset.build,
  ]);
  const version = browser.version();
  await context.close();
  server.child.kill('SIGTERM');
  if (state !== 'exhausted' || result !== EXHAUSTED) throw new Error(`the page ended ${state} with ${JSON.stringify(result)} ${errors.join('; ')}`);
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  return { seconds, mhs: count / seconds / 1e6, mode, build, browser: `Chromium ${version}` };
}

function cliRun() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, '--quiet', '--start', '0', '--count', String(count), '--workers', String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] });
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

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
});
log(`sweeping ${count.toLocaleString('en-US')} nonces with an impossible target on ${threads} threads (${cpus()[0]?.model?.trim() ?? 'unknown CPU'}, ${availableParallelism()} logical cores)`);
let page;
let messages;
try {
  page = await pageRun(browser, []);
  log(`page (${page.browser}, ${page.build}, ${page.mode} scheduling): ${page.mhs.toFixed(2)} Mh/s (${page.seconds.toFixed(2)} s from navigation to exhausted)`);
  if (withMessages) {
    messages = await pageRun(browser, ['--no-isolation']);
    log(`page without isolation (${messages.mode} scheduling): ${messages.mhs.toFixed(2)} Mh/s (${messages.seconds.toFixed(2)} s)`);
  }
} finally {
  await browser.close();
}
const cli = await cliRun();
log(`CLI (Node ${process.versions.node}): ${cli.mhs.toFixed(2)} Mh/s (${cli.seconds.toFixed(2)} s as a process)`);
const ratio = page.mhs / cli.mhs;
log(`page / CLI: ${(ratio * 100).toFixed(1)} % (bar: at least 95 %)`);
if (json) {
  console.log(JSON.stringify({
    count, threads, cpu: cpus()[0]?.model?.trim(), browser: page.browser, node: process.versions.node,
    page_mhs: +page.mhs.toFixed(3), page_s: +page.seconds.toFixed(3), page_mode: page.mode, page_build: page.build,
    ...(messages ? { page_messages_mhs: +messages.mhs.toFixed(3), page_messages_s: +messages.seconds.toFixed(3) } : {}),
    cli_mhs: +cli.mhs.toFixed(3), cli_s: +cli.seconds.toFixed(3),
    ratio: +ratio.toFixed(3),
  }));
}
