/**
 * The mining page's entry: reads the form (or a `#job=` link), runs the
 * browser pool, and shows live figures and the verified result. It never
 * hashes: workers do, including the verification.
 *
 * For tests and users alike, `document.body.dataset.state` is `idle`,
 * `mining`, `stopped`, `found`, `exhausted` or `error`, and `<output
 * id="result">` holds exactly the response line the CLI would print.
 * @module
 */
import { RequestError } from '../src/core/errors.ts';
import { estimate } from '../src/core/estimate.ts';
import { formatExhausted, formatHit, parseRequest, type MineRequest } from '../src/core/protocol.ts';
import { SupportError } from '../src/browser/errors.ts';
import { loadKernelModule, type KernelModule } from '../src/browser/kernel-module.ts';
import { MinerPool, canShareMemory, nonceSpace, type BrowserOutcome, type BrowserSearch } from '../src/browser/pool.ts';
import { RateChart } from './chart.ts';
import { DEMOS } from './demos.ts';
import { formatCount, formatDuration, formatPercent, formatRate, parseNonceField, parseThreads } from './format.ts';
import { clearResults, loadResults, saveResult, type SavedResult } from './history.ts';
import { LinkError, buildLink, parseLink, type LinkParams } from './link.ts';

/** The page's states, as `document.body.dataset.state`. */
type PageState = 'idle' | 'mining' | 'stopped' | 'found' | 'exhausted' | 'error';

const $ = <T extends HTMLElement | SVGElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const ui = {
  demo: $<HTMLSelectElement>('demo'),
  request: $<HTMLTextAreaElement>('request'),
  threads: $<HTMLInputElement>('threads'),
  start: $<HTMLInputElement>('start'),
  count: $<HTMLInputElement>('count'),
  startBtn: $<HTMLButtonElement>('start-btn'),
  stopBtn: $<HTMLButtonElement>('stop-btn'),
  linkBtn: $<HTMLButtonElement>('link-btn'),
  message: $<HTMLParagraphElement>('message'),
  badge: $<HTMLParagraphElement>('state-badge'),
  rate: $<HTMLElement>('rate'),
  attempts: $<HTMLElement>('attempts'),
  elapsed: $<HTMLElement>('elapsed'),
  eta: $<HTMLElement>('eta'),
  progress: $<HTMLProgressElement>('progress'),
  progressLabel: $<HTMLElement>('progress-label'),
  progressPct: $<HTMLElement>('progress-pct'),
  odds: $<HTMLElement>('odds'),
  result: $<HTMLOutputElement>('result'),
  copyBtn: $<HTMLButtonElement>('copy-btn'),
  verified: $<HTMLParagraphElement>('verified'),
  history: $<HTMLOListElement>('history'),
  historyEmpty: $<HTMLParagraphElement>('history-empty'),
  clearBtn: $<HTMLButtonElement>('clear-btn'),
  envBuild: $<HTMLElement>('env-build'),
  envMode: $<HTMLElement>('env-mode'),
  envVerify: $<HTMLElement>('env-verify'),
  envCores: $<HTMLElement>('env-cores'),
};

const chart = new RateChart($<SVGSVGElement>('chart'));
const BADGE: Record<PageState, string> = {
  idle: 'Idle', mining: 'Mining…', stopped: 'Stopped', found: 'Found', exhausted: 'Exhausted', error: 'Error',
};
const TITLE = document.title;
const cores = navigator.hardwareConcurrency || 1;

let pool: MinerPool | undefined;
let kernel: KernelModule | undefined;
let running: { search: BrowserSearch; request: MineRequest; timer: number; samples: Array<[number, number]> } | undefined;

function setState(state: PageState): void {
  document.body.dataset.state = state;
  ui.badge.textContent = BADGE[state];
  const mining = state === 'mining';
  ui.startBtn.disabled = mining || pool === undefined;
  ui.stopBtn.disabled = !mining;
  ui.demo.disabled = mining;
  ui.request.readOnly = mining;
  for (const input of [ui.threads, ui.start, ui.count]) input.readOnly = mining;
  if (!mining) document.title = TITLE;
}

function say(text: string, tone: '' | 'error' | 'warn' | 'ok' = ''): void {
  ui.message.textContent = text;
  ui.message.className = tone ? `message ${tone}` : 'message';
}

/** One line for any error, in the words of the module that raised it. */
function describeError(err: unknown): string {
  if (err instanceof RequestError) return `Bad request: ${err.message}.`;
  if (err instanceof SupportError || err instanceof LinkError || err instanceof RangeError) return capitalize(err.message) + '.';
  return `Internal error: ${(err as Error)?.message ?? String(err)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fail(err: unknown): void {
  say(describeError(err), 'error');
  setState('error');
}

// ---- environment --------------------------------------------------------

function describeEnvironment(): void {
  ui.envCores.textContent = `${cores} logical ${cores === 1 ? 'core' : 'cores'} reported`;
  ui.envMode.textContent = canShareMemory()
    ? 'Shared memory: the page is cross-origin isolated, workers claim chunks from a SharedArrayBuffer'
    : 'Messages: the page is not cross-origin isolated (no SharedArrayBuffer), so the page hands out chunks by message';
  document.body.dataset.mode = canShareMemory() ? 'shared' : 'messages';
  ui.envVerify.textContent = globalThis.crypto?.subtle
    ? 'WebCrypto SHA-256, in a worker, independent of the kernel'
    : "The miner's built-in SHA-256 (this context has no crypto.subtle, as on plain http), in a worker";
}

function describeKernel(k: KernelModule): void {
  document.body.dataset.build = k.build;
  if (k.build === 'simd') ui.envBuild.textContent = 'WebAssembly SIMD, 4 nonces per pass';
  else if (k.forcedScalar) ui.envBuild.textContent = 'Scalar WebAssembly, forced by the link (scalar=1); this browser has SIMD';
  else ui.envBuild.textContent = 'Scalar WebAssembly: this browser has no WebAssembly SIMD, so the slower scalar build runs';
}

// ---- form and links -----------------------------------------------------

function fillDemos(): void {
  for (const d of DEMOS) ui.demo.add(new Option(d.label, d.id));
  ui.demo.addEventListener('change', () => {
    const d = DEMOS.find((x) => x.id === ui.demo.value);
    if (!d) return;
    ui.request.value = d.request;
    ui.start.value = d.start;
    ui.count.value = d.count;
    say(`Demo job loaded: ${d.label}.`);
  });
}

function applyLink(link: LinkParams): void {
  if (link.job !== undefined) {
    ui.request.value = link.job;
    ui.demo.value = DEMOS.find((d) => d.request === link.job)?.id ?? '';
  }
  if (link.threads !== undefined) ui.threads.value = link.threads;
  if (link.start !== undefined) ui.start.value = link.start;
  if (link.count !== undefined) ui.count.value = link.count;
}

function currentLink(): string {
  let job = ui.request.value.trim();
  try {
    job = JSON.stringify(JSON.parse(job)); // compact when it is JSON; sent as typed otherwise
  } catch { /* keep the text */ }
  const hash = buildLink({ job, threads: ui.threads.value.trim(), start: ui.start.value.trim(), count: ui.count.value.trim() });
  return location.href.split('#')[0] + hash;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

// ---- mining -------------------------------------------------------------

function resetLive(): void {
  ui.rate.textContent = '—';
  ui.attempts.textContent = '0';
  ui.elapsed.textContent = '—';
  ui.eta.textContent = '—';
  ui.progress.value = 0;
  ui.progressPct.textContent = '0 %';
  ui.odds.textContent = '';
  ui.result.textContent = '';
  ui.verified.hidden = true;
  ui.copyBtn.disabled = true;
  delete document.body.dataset.stopMs;
  chart.clear();
}

function startMining(): void {
  if (running || !pool) return;
  resetLive();
  let request: MineRequest;
  let search: BrowserSearch;
  try {
    request = parseRequest(ui.request.value.trim());
    const threads = parseThreads(ui.threads.value) ?? cores;
    const space = nonceSpace(request);
    const start = parseNonceField('start', ui.start.value) ?? 0n;
    if (start >= space) throw new RangeError(`start ${start} is outside the ${request.nonceWidth}-byte nonce space [0, 2^${8 * request.nonceWidth})`);
    const count = parseNonceField('count', ui.count.value) ?? space - start;
    if (count < 1n) throw new RangeError('count must be at least 1');
    if (start + count > space) throw new RangeError(`start ${start} + count ${count} runs past the end of the ${request.nonceWidth}-byte nonce space (2^${8 * request.nonceWidth})`);
    search = pool.search(request, { threads, start, count });
  } catch (err) {
    fail(err);
    return;
  }
  document.body.dataset.mode = search.mode;
  const end = search.start + search.count;
  say(`Mining on ${search.threads} ${search.threads === 1 ? 'worker' : 'workers'} (${search.build === 'simd' ? 'SIMD' : 'scalar'} kernel, ${search.mode === 'shared' ? 'shared-memory' : 'message'} scheduling), nonces ${formatCount(search.start)} to ${formatCount(end - 1n)}. Leaving the page stops it.`);
  const est = estimate(request.effectiveTarget);
  if (request.nonceWidth === 4 || search.count <= 1n << 32n) {
    const miss = Math.exp(Number(search.count) * Math.log1p(-est.p));
    ui.odds.textContent = `This range holds a valid nonce with probability ${formatPercent(1 - miss)}; otherwise it ends exhausted, and the client changes the preimage.`;
  } else {
    ui.odds.textContent = 'A V2 space (2^64) never runs out: the bar shows attempts against the 90 % mark of the estimate.';
  }
  ui.progressLabel.textContent = search.start === 0n && search.count === 1n << 32n ? 'V1 space searched' : search.count > 1n << 32n ? 'Attempts toward the 90 % mark' : 'Range searched';
  running = { search, request, timer: window.setInterval(tick, 250), samples: [[0, 0]] };
  setState('mining');
  search.outcome.then(finish, (err: unknown) => {
    stopTimer();
    fail(err);
  });
}

function tick(): void {
  if (!running) return;
  const { search, request, samples } = running;
  const attempts = search.attempts();
  const elapsed = search.elapsedS();
  samples.push([elapsed, attempts]);
  while (samples.length > 2 && elapsed - samples[0][0] > 2) samples.shift();
  const [t0, a0] = samples[0];
  const rate = elapsed > t0 ? (attempts - a0) / (elapsed - t0) : 0;
  ui.rate.textContent = formatRate(rate);
  ui.attempts.textContent = formatCount(attempts);
  ui.elapsed.textContent = formatDuration(elapsed);
  const q = estimate(request.effectiveTarget).quantiles;
  ui.eta.textContent = rate > 0 ? `p50 ${formatDuration(q.p50 / rate)} · p90 ${formatDuration(q.p90 / rate)}` : 'measuring…';
  const fraction = search.count > 1n << 32n ? attempts / q.p90 : attempts / Number(search.count);
  ui.progress.value = Math.min(1000, Math.floor(fraction * 1000));
  ui.progressPct.textContent = formatPercent(Math.min(1, fraction));
  document.title = `⛏ ${formatRate(rate)} · ${TITLE}`;
  chart.push(rate, formatRate);
}

function stopTimer(): void {
  if (!running) return;
  tick();
  window.clearInterval(running.timer);
  const { search } = running;
  const elapsed = search.elapsedS();
  ui.rate.textContent = elapsed > 0 ? `${formatRate(search.attempts() / elapsed)} average` : '—';
  ui.eta.textContent = '—';
  running = undefined;
}

function finish(outcome: BrowserOutcome): void {
  const r = running;
  stopTimer();
  if (!r) return;
  const { request, search } = r;
  ui.attempts.textContent = formatCount(outcome.attempts);
  ui.elapsed.textContent = formatDuration(outcome.elapsedS);
  if (outcome.kind === 'stopped') {
    document.body.dataset.stopMs = outcome.stopMs.toFixed(0);
    say(`Stopped after ${formatCount(outcome.attempts)} attempts; every worker was idle ${outcome.stopMs.toFixed(0)} ms after Stop.`, 'warn');
    setState('stopped');
    return;
  }
  const line = outcome.kind === 'found'
    ? formatHit({ nonce: outcome.nonce, nonceWidth: request.nonceWidth, attempts: outcome.attempts, elapsedS: outcome.elapsedS })
    : formatExhausted();
  ui.result.textContent = line;
  ui.copyBtn.disabled = false;
  if (outcome.kind === 'found') {
    ui.progress.value = ui.progress.value || 1;
    ui.verified.textContent = `Verified with ${outcome.verifiedWith} SHA-256, independently of the kernel: sha256d ${outcome.digestHex.slice(0, 24)}… meets the target.`;
    ui.verified.hidden = false;
    say(`Found the lowest valid nonce of the range after ${formatCount(outcome.attempts)} attempts in ${formatDuration(outcome.elapsedS)}.`, 'ok');
  } else {
    ui.progress.value = 1000;
    ui.progressPct.textContent = '100 %';
    say(`Exhausted: no valid nonce in nonces ${formatCount(search.start)} to ${formatCount(search.start + search.count - 1n)}. Build a new preimage and mine again.`);
  }
  renderHistory(saveResult({
    at: new Date().toISOString(),
    preimage_hex: request.preimageHex,
    target_hex: request.target.toString(16).padStart(16, '0'),
    nonce_width: request.nonceWidth,
    start: search.start.toString(),
    count: search.count.toString(),
    response: line,
    ...(outcome.kind === 'found' ? { verified_with: outcome.verifiedWith } : {}),
  }));
  setState(outcome.kind);
}

function stopMining(): void {
  running?.search.stop();
  ui.stopBtn.disabled = true;
}

// ---- history ------------------------------------------------------------

function renderHistory(list: SavedResult[]): void {
  ui.history.replaceChildren(...list.map((r) => {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = r.response;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const when = new Date(r.at);
    const range = `${formatCount(BigInt(r.start))} + ${formatCount(BigInt(r.count))}`;
    meta.textContent = `${Number.isNaN(when.getTime()) ? r.at : when.toLocaleString()} · job ${r.preimage_hex.slice(0, 12)}… · width ${r.nonce_width} · range ${range}${r.verified_with ? ` · verified with ${r.verified_with}` : ''}`;
    li.append(code, meta);
    return li;
  }));
  ui.historyEmpty.hidden = list.length > 0;
  ui.clearBtn.hidden = list.length === 0;
}

// ---- wiring -------------------------------------------------------------

function readLink(): LinkParams | undefined {
  try {
    return parseLink(location.hash);
  } catch (err) {
    fail(err);
    return undefined;
  }
}

function wire(): void {
  ui.startBtn.addEventListener('click', startMining);
  ui.stopBtn.addEventListener('click', stopMining);
  ui.request.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      startMining();
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && running) stopMining();
  });
  ui.copyBtn.addEventListener('click', async () => {
    const ok = await copyText(ui.result.textContent ?? '');
    say(ok ? 'Response line copied.' : 'Copying was refused by the browser: select the line and copy it by hand.', ok ? 'ok' : 'warn');
  });
  ui.linkBtn.addEventListener('click', async () => {
    const link = currentLink();
    const ok = await copyText(link);
    say(ok ? 'Link copied: it opens this page with the job filled in (add &autostart=1 to start at once). The job is in the fragment after #, which browsers never send to a server.' : `Copy this link: ${link}`, ok ? 'ok' : '');
  });
  ui.clearBtn.addEventListener('click', () => {
    clearResults();
    renderHistory([]);
  });
  window.addEventListener('beforeunload', (e) => {
    if (!running) return;
    e.preventDefault();
    e.returnValue = ''; // older browsers need a value to ask
  });
  window.addEventListener('hashchange', () => {
    if (running) return;
    const link = readLink();
    if (!link) return;
    applyLink(link);
    if (link.autostart && pool) startMining();
  });
}

async function main(): Promise<void> {
  fillDemos();
  wire();
  ui.threads.placeholder = String(cores);
  renderHistory(loadResults());
  describeEnvironment();
  setState('idle');
  const link = readLink();
  if (link) applyLink(link);
  try {
    kernel = await loadKernelModule({ forceScalar: link?.scalar });
    describeKernel(kernel);
    pool = new MinerPool(kernel);
  } catch (err) {
    ui.envBuild.textContent = err instanceof SupportError && err.problem === 'csp' ? "Blocked by this page's Content Security Policy" : 'Unavailable';
    fail(err);
    return;
  }
  if (document.body.dataset.state === 'error') {
    ui.startBtn.disabled = false; // a bad link; the form still works
    return;
  }
  setState('idle');
  if (link?.autostart) startMining();
}

void main();
