/**
 * The mining page's entry: reads the form (or a `#job=` link), runs jobs on
 * one browser `Miner` kept for the page's life, and shows live figures and the
 * verified result. It never hashes: the Miner's workers do, including the
 * independent check of every hit.
 *
 * For tests and users alike, `document.body.dataset.state` is `idle`,
 * `mining`, `paused`, `stopped`, `found`, `exhausted` or `error`, and `<output
 * id="result">` holds exactly the response line the CLI would print.
 * @module
 */
import { RequestError } from '../src/core/errors.ts';
import { estimate } from '../src/core/estimate.ts';
import type { HitCheck, MineProgress, MineResponse } from '../src/core/job-api.ts';
import { formatExhausted, formatHit, nonceToHex, parseRequest, type MineRequest } from '../src/core/protocol.ts';
import { nonceSpace } from '../src/core/range.ts';
import { SupportError, VerificationError, WorkerFailure } from '../src/browser/errors.ts';
import { pickBuild } from '../src/browser/kernel-module.ts';
import { Miner } from '../src/browser/miner.ts';
import { RateChart } from './chart.ts';
import { DEMOS } from './demos.ts';
import { formatCount, formatDuration, formatPercent, formatRate, parseNonceField, parseThreads } from './format.ts';
import { clearResults, loadResults, saveResult, type SavedResult } from './history.ts';
import { clearInterrupted, loadInterrupted, saveInterrupted, type InterruptedJob } from './interrupted.ts';
import { LinkError, buildLink, parseLink, type LinkParams } from './link.ts';
import { RecentRate } from './recent-rate.ts';

/** The page's states, as `document.body.dataset.state`. */
type PageState = 'idle' | 'mining' | 'paused' | 'stopped' | 'found' | 'exhausted' | 'error';

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
  pauseBtn: $<HTMLButtonElement>('pause-btn'),
  stopBtn: $<HTMLButtonElement>('stop-btn'),
  linkBtn: $<HTMLButtonElement>('link-btn'),
  message: $<HTMLParagraphElement>('message'),
  resumeOffer: $<HTMLParagraphElement>('resume-offer'),
  resumeText: $<HTMLSpanElement>('resume-text'),
  resumeBtn: $<HTMLButtonElement>('resume-btn'),
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
  envWorkers: $<HTMLElement>('env-workers'),
  envVerify: $<HTMLElement>('env-verify'),
  envCores: $<HTMLElement>('env-cores'),
};

const chart = new RateChart($<SVGSVGElement>('chart'));
const BADGE: Record<PageState, string> = {
  idle: 'Idle', mining: 'Mining…', paused: 'Paused', stopped: 'Stopped', found: 'Found', exhausted: 'Exhausted', error: 'Error',
};
const TITLE = document.title;
const cores = navigator.hardwareConcurrency || 1;
/** The thread count when the field is empty: one per core, within the field's limit. */
const DEFAULT_THREADS = Math.min(cores, 256);

/** One job on the Miner, from Start until its promise settles. */
interface Running {
  readonly controller: AbortController;
  readonly request: MineRequest;
  readonly start: bigint;
  readonly count: bigint;
  readonly recent: RecentRate;
  /** The latest progress (after the job settles: its final figures). */
  last?: MineProgress;
  /** The independent check of the hit, reported just before the job resolves with it. */
  check?: HitCheck;
  /** `performance.now()` of the Stop click. */
  stopAt?: number;
  /** `performance.now()` of the Pause click while paused. */
  pausedAt?: number;
  /** Milliseconds spent paused before the current pause, so the final average counts hashing time only. */
  pausedMs: number;
}

/** The page's one Miner: workers and the compiled kernel are kept between jobs. */
let miner: Miner | undefined;
/** Set when the browser cannot run the kernel at all (a CSP block): Start stays off until a reload. */
let unusable = false;
let running: Running | undefined;

function setState(state: PageState): void {
  document.body.dataset.state = state;
  ui.badge.textContent = BADGE[state];
  const active = state === 'mining' || state === 'paused';
  ui.startBtn.disabled = active || miner === undefined || unusable;
  ui.stopBtn.disabled = !active;
  ui.pauseBtn.disabled = !active;
  ui.pauseBtn.textContent = state === 'paused' ? 'Resume' : 'Pause';
  ui.demo.disabled = active;
  ui.request.readOnly = active;
  // The thread count stays editable: a change applies to the running job.
  for (const input of [ui.start, ui.count]) input.readOnly = active;
  if (state === 'paused') document.title = `⏸ Paused · ${TITLE}`;
  else if (!active) document.title = TITLE;
  describeWorkers();
}

function say(text: string, tone: '' | 'error' | 'warn' | 'ok' = ''): void {
  ui.message.textContent = text;
  ui.message.className = tone ? `message ${tone}` : 'message';
}

/** One line for any error, in the words of the module that raised it. */
function describeError(err: unknown): string {
  if (err instanceof RequestError) return `Bad request: ${err.message}.`;
  const known = [SupportError, LinkError, RangeError, WorkerFailure, VerificationError];
  if (known.some((type) => err instanceof type)) return capitalize((err as Error).message) + '.';
  return `Internal error: ${(err as Error)?.message ?? String(err)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fail(err: unknown): void {
  say(describeError(err), 'error');
  setState('error');
}

function workers(n: number): string {
  return `${n} ${n === 1 ? 'worker' : 'workers'}`;
}

// ---- environment --------------------------------------------------------

function describeEnvironment(): void {
  ui.envCores.textContent = `${cores} logical ${cores === 1 ? 'core' : 'cores'} reported`;
  ui.envVerify.textContent = globalThis.crypto?.subtle
    ? 'WebCrypto SHA-256, in a worker, independent of the kernel'
    : "The miner's built-in SHA-256 (this context has no crypto.subtle, as on plain http), in a worker";
}

function describeMiner(m: Miner, forcedScalar: boolean): void {
  document.body.dataset.build = m.build;
  document.body.dataset.mode = m.mode;
  if (m.build === 'simd') ui.envBuild.textContent = 'WebAssembly SIMD, 4 nonces per pass';
  else if (forcedScalar) ui.envBuild.textContent = 'Scalar WebAssembly, forced by the link (scalar=1); this browser has SIMD';
  else ui.envBuild.textContent = 'Scalar WebAssembly: this browser has no WebAssembly SIMD, so the slower scalar build runs';
  ui.envMode.textContent = m.mode === 'shared'
    ? 'Shared memory: the page is cross-origin isolated, so the workers share the search through a SharedArrayBuffer'
    : 'Messages: the page is not cross-origin isolated (no SharedArrayBuffer), so the workers get their work by message';
}

/** The live thread count, in the environment card. */
function describeWorkers(): void {
  if (!miner) return;
  const state = document.body.dataset.state;
  if (state === 'mining') ui.envWorkers.textContent = `${miner.threads} allowed, ${miner.activeThreads} hashing now (Threads applies at once while mining)`;
  else if (state === 'paused') ui.envWorkers.textContent = `${miner.threads} allowed, none hashing: paused`;
  else ui.envWorkers.textContent = `None hashing; Start uses the Threads field (empty: ${DEFAULT_THREADS}, one per core)`;
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

/** The form's range, checked here so the message names the field and the nonce space. */
function readRange(request: MineRequest): { start: bigint; count: bigint } {
  const space = nonceSpace(request);
  const start = parseNonceField('start', ui.start.value) ?? 0n;
  if (start >= space) throw new RangeError(`start ${start} is outside the ${request.nonceWidth}-byte nonce space [0, 2^${8 * request.nonceWidth})`);
  const count = parseNonceField('count', ui.count.value) ?? space - start;
  if (count < 1n) throw new RangeError('count must be at least 1');
  if (start + count > space) throw new RangeError(`start ${start} + count ${count} runs past the end of the ${request.nonceWidth}-byte nonce space (2^${8 * request.nonceWidth})`);
  return { start, count };
}

function miningMessage(m: Miner, r: Running): string {
  const kernel = m.build === 'simd' ? 'SIMD' : 'scalar';
  const scheduling = m.mode === 'shared' ? 'shared-memory' : 'message';
  return `Mining on ${workers(m.threads)} (${kernel} kernel, ${scheduling} scheduling), nonces ${formatCount(r.start)} to ${formatCount(r.start + r.count - 1n)}. Leaving the page stops it.`;
}

function startMining(): void {
  const m = miner;
  if (running || !m || unusable) return;
  resetLive();
  const text = ui.request.value.trim();
  let request: MineRequest;
  let range: { start: bigint; count: bigint };
  let threads: number;
  try {
    request = parseRequest(text);
    threads = parseThreads(ui.threads.value) ?? DEFAULT_THREADS;
    range = readRange(request);
    m.setThreads(threads);
  } catch (err) {
    fail(err);
    return;
  }
  // The field shows the count in use, which is what a change while mining is measured against.
  ui.threads.value = String(threads);
  ui.resumeOffer.hidden = true;
  const r: Running = { controller: new AbortController(), request, ...range, recent: new RecentRate(), pausedMs: 0 };
  running = r;
  say(miningMessage(m, r));
  const est = estimate(request.effectiveTarget);
  if (request.nonceWidth === 4 || r.count <= 1n << 32n) {
    const miss = Math.exp(Number(r.count) * Math.log1p(-est.p));
    ui.odds.textContent = `This range holds a valid nonce with probability ${formatPercent(1 - miss)}; otherwise it ends exhausted, and the client changes the preimage.`;
  } else {
    ui.odds.textContent = 'A V2 space (2^64) never runs out: the bar shows attempts against the 90 % mark of the estimate.';
  }
  ui.progressLabel.textContent = r.start === 0n && r.count === 1n << 32n ? 'V1 space searched' : r.count > 1n << 32n ? 'Attempts toward the 90 % mark' : 'Range searched';
  setState('mining');
  m.mine(text, {
    start: r.start,
    count: r.count,
    signal: r.controller.signal,
    onProgress: (p) => showProgress(r, p),
    onVerified: (check) => {
      r.check = check;
    },
  }).then((response) => finish(r, response), (err: unknown) => ended(r, err));
}

/** Live figures, every 0.5 s and once more with the final ones when the job settles. */
function showProgress(r: Running, p: MineProgress): void {
  if (r !== running) return;
  r.last = p;
  if (p.watermark > r.start) {
    saveInterrupted({
      preimage_hex: r.request.preimageHex, target_hex: r.request.target.toString(16), nonce_width: r.request.nonceWidth,
      start: r.start.toString(), count: r.count.toString(), watermark: p.watermark.toString(),
    });
  }
  ui.attempts.textContent = formatCount(p.attempts);
  // The clock runs on while paused: it is the job's wall time, as elapsed_s in the response line.
  ui.elapsed.textContent = formatDuration(p.elapsed_s);
  const q = estimate(r.request.effectiveTarget).quantiles;
  const fraction = r.count > 1n << 32n ? p.attempts / q.p90 : p.attempts / Number(r.count);
  ui.progress.value = Math.min(1000, Math.floor(fraction * 1000));
  ui.progressPct.textContent = formatPercent(Math.min(1, fraction));
  describeWorkers();
  if (miner?.paused) {
    ui.rate.textContent = 'paused';
    ui.eta.textContent = 'paused';
    chart.push(0, formatRate);
    return;
  }
  const rate = r.recent.push(p.elapsed_s, p.attempts);
  if (rate === undefined) {
    ui.eta.textContent = 'measuring…';
    return;
  }
  ui.rate.textContent = formatRate(rate);
  ui.eta.textContent = rate > 0 ? `p50 ${formatDuration(q.p50 / rate)} · p90 ${formatDuration(q.p90 / rate)}` : 'measuring…';
  document.title = `⛏ ${formatRate(rate)} · ${TITLE}`;
  chart.push(rate, formatRate);
}

function togglePause(): void {
  const m = miner;
  const r = running;
  if (!m || !r || r.stopAt !== undefined) return;
  if (m.paused) {
    m.resume();
    r.pausedMs += performance.now() - (r.pausedAt ?? performance.now());
    r.pausedAt = undefined;
    r.recent.clear(); // the rate restarts from the resume, not averaged with the pause
    ui.rate.textContent = '—';
    ui.eta.textContent = 'measuring…';
    say(miningMessage(m, r));
    setState('mining');
  } else {
    m.pause();
    r.pausedAt = performance.now();
    ui.rate.textContent = 'paused';
    ui.eta.textContent = 'paused';
    say('Paused: no worker hashes until Resume, and the search keeps its place, so the answer is the same lowest valid nonce. Stop ends the job.', 'warn');
    setState('paused');
  }
}

/** Apply the Threads field to the running job, or refuse it and show the count still in use. */
function applyThreads(): void {
  const m = miner;
  const r = running;
  if (!m || !r) return; // idle: Start reads the field
  const keep = m.threads;
  let threads: number | undefined;
  try {
    // A number input reads as empty when what was typed is not a number.
    threads = parseThreads(ui.threads.value);
    if (threads === undefined) throw new RangeError('threads takes a whole number from 1 to 256, got nothing');
    if (threads !== keep) m.setThreads(threads);
  } catch (err) {
    ui.threads.value = String(keep);
    say(`${describeError(err)} ${m.paused ? `Kept ${workers(keep)} (paused).` : `Still mining on ${workers(keep)}.`}`, 'warn');
    return;
  }
  ui.threads.value = String(threads);
  if (threads === keep) return;
  say(m.paused ? `Paused; ${workers(threads)} will hash on Resume.` : miningMessage(m, r));
  describeWorkers();
}

/** The job's promise settled: leave the Miner unpaused for the next one. */
function settle(r: Running): void {
  running = undefined;
  if (r.pausedAt !== undefined) r.pausedMs += performance.now() - r.pausedAt;
  if (miner?.paused) miner.resume();
  const p = r.last;
  ui.eta.textContent = '—';
  if (!p) return;
  const hashingS = p.elapsed_s - r.pausedMs / 1000;
  ui.rate.textContent = hashingS > 0 ? `${formatRate(p.attempts / hashingS)} average` : '—';
}

function finish(r: Running, response: MineResponse): void {
  settle(r);
  clearInterrupted(); // answered: nothing left to resume
  const { request, check } = r;
  let line: string;
  if ('exhausted' in response) {
    line = formatExhausted();
  } else {
    // Nothing is shown that was not confirmed independently of the kernel.
    if (!check || nonceToHex(check.nonce, request.nonceWidth) !== response.nonce_hex) {
      fail(new Error(`the miner returned nonce ${response.nonce_hex} without its independent check`));
      return;
    }
    line = formatHit({ nonce: check.nonce, nonceWidth: request.nonceWidth, attempts: response.attempts, elapsedS: response.elapsed_s });
    ui.attempts.textContent = formatCount(response.attempts);
    ui.elapsed.textContent = formatDuration(response.elapsed_s);
  }
  ui.result.textContent = line;
  ui.copyBtn.disabled = false;
  if (check && !('exhausted' in response)) {
    ui.progress.value = ui.progress.value || 1;
    ui.verified.textContent = `Verified with ${check.sha256} SHA-256, independently of the kernel: sha256d ${check.digestHex.slice(0, 24)}… meets the target.`;
    ui.verified.hidden = false;
    say(`Found the lowest valid nonce of the range after ${formatCount(response.attempts)} attempts in ${formatDuration(response.elapsed_s)}.`, 'ok');
  } else {
    ui.progress.value = 1000;
    ui.progressPct.textContent = '100 %';
    say(`Exhausted: no valid nonce in nonces ${formatCount(r.start)} to ${formatCount(r.start + r.count - 1n)}. Build a new preimage and mine again.`);
  }
  renderHistory(saveResult({
    at: new Date().toISOString(),
    preimage_hex: request.preimageHex,
    target_hex: request.target.toString(16).padStart(16, '0'),
    nonce_width: request.nonceWidth,
    start: r.start.toString(),
    count: r.count.toString(),
    response: line,
    ...(check && !('exhausted' in response) ? { verified_with: check.sha256 } : {}),
  }));
  setState('exhausted' in response ? 'exhausted' : 'found');
}

function ended(r: Running, err: unknown): void {
  settle(r);
  const signal = r.controller.signal;
  if (signal.aborted && err === signal.reason && r.stopAt !== undefined) {
    const stopMs = performance.now() - r.stopAt;
    document.body.dataset.stopMs = stopMs.toFixed(0);
    say(`Stopped after ${formatCount(r.last?.attempts ?? 0)} attempts; the job ended ${stopMs.toFixed(0)} ms after Stop.`, 'warn');
    setState('stopped');
    offerResume();
    return;
  }
  if (err instanceof SupportError && err.problem === 'csp') {
    // Every job would fail the same way until the policy changes and the page reloads.
    unusable = true;
    ui.envBuild.textContent = "Blocked by this page's Content Security Policy";
  }
  fail(err);
}

/** Stop the job, paused or not: the Miner rejects it within 200 ms. */
function stopMining(): void {
  const r = running;
  if (!r || r.stopAt !== undefined) return;
  r.stopAt = performance.now();
  ui.stopBtn.disabled = true;
  ui.pauseBtn.disabled = true;
  r.controller.abort();
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
  ui.pauseBtn.addEventListener('click', togglePause);
  ui.stopBtn.addEventListener('click', stopMining);
  ui.threads.addEventListener('change', applyThreads);
  ui.threads.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') applyThreads();
  });
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
  ui.resumeBtn.addEventListener('click', () => {
    const job = loadInterrupted();
    if (job) resumeInterrupted(job);
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
    if (link.autostart && miner && !unusable) startMining();
  });
}

/** Offer to go on with the job a reload, a closed tab or Stop interrupted, over the rest of its range. */
function offerResume(): void {
  const job = loadInterrupted();
  ui.resumeOffer.hidden = job === undefined;
  if (!job) return;
  const end = BigInt(job.start) + BigInt(job.count);
  ui.resumeText.textContent = `An interrupted search can go on from nonce ${formatCount(BigInt(job.watermark))}: ${formatCount(end - BigInt(job.watermark))} of its ${formatCount(BigInt(job.count))} nonces are left.`;
}

/** The offer taken: the same job over the rest of its range. */
function resumeInterrupted(job: InterruptedJob): void {
  if (running) return;
  const end = BigInt(job.start) + BigInt(job.count);
  ui.request.value = JSON.stringify({ preimage_hex: job.preimage_hex, target_hex: job.target_hex, nonce_width: job.nonce_width });
  ui.start.value = job.watermark;
  ui.count.value = (end - BigInt(job.watermark)).toString();
  ui.resumeOffer.hidden = true;
  startMining();
}

function main(): void {
  fillDemos();
  wire();
  ui.threads.placeholder = String(DEFAULT_THREADS);
  renderHistory(loadResults());
  offerResume();
  describeEnvironment();
  setState('idle');
  const link = readLink();
  if (link) applyLink(link);
  try {
    // The link's test switch runs the build choice through a validate that refuses SIMD.
    const { build, forcedScalar } = pickBuild({ forceScalar: link?.scalar });
    // The Miner compiles the kernel now; a CSP that blocks WebAssembly shows up as the first job's SupportError.
    miner = new Miner({ build, threads: DEFAULT_THREADS });
    describeMiner(miner, forcedScalar);
  } catch (err) {
    ui.envBuild.textContent = 'Unavailable';
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

main();
