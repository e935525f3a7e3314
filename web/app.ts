/**
 * The mining page's entry: reads the form (or a `#job=` link), runs jobs on
 * one browser `Miner` kept for the page's life, and shows live figures and the
 * verified result. It never hashes: the Miner's workers do, including the
 * independent check of every hit.
 *
 * For tests and users alike, `document.body.dataset.state` is `idle`,
 * `mining`, `paused`, `stopped`, `found`, `exhausted` or `error`,
 * `document.body.dataset.backend` says what hashes (`webgpu` or `wasm`), and
 * `<output id="result">` holds exactly the response line the CLI would print.
 * @module
 */
import { estimate } from '../src/core/estimate.ts';
import type { HitCheck, MineProgress, MineResponse } from '../src/core/job-api.ts';
import { formatExhausted, formatHit, nonceToHex, type MineRequest } from '../src/core/protocol.ts';
import { SupportError } from '../src/browser/errors.ts';
import { pickBuild } from '../src/browser/kernel-module.ts';
import { Miner, type BackendChoice, type BackendStatus } from '../src/browser/miner.ts';
import { BackendControl, describeAdapter, describeBackend } from './backend-control.ts';
import { sharedMemorySupport } from '../src/browser/shared-memory.ts';
import { ActivityLog } from './activity-log.ts';
import { RateChart } from './chart.ts';
import { DEMOS } from './demos.ts';
import { describeEnvironment, describeMiner, describeWorkers, type EnvironmentCard } from './environment.ts';
import { describeError } from './describe-error.ts';
import { checkForm, showFormProblems, type FormCheck } from './form-check.ts';
import { formatCount, formatDuration, formatPercent, formatRate, parseThreads } from './format.ts';
import { clearResults, loadResults, saveResult, type SavedResult } from './history.ts';
import { renderHistory, type HistoryCard } from './history-list.ts';
import { clearInterrupted, loadInterrupted, saveInterrupted, type InterruptedJob } from './interrupted.ts';
import { buildLink, parseLink, type LinkParams } from './link.ts';
import { OutlookView, describeDifficulty } from './outlook.ts';
import { BADGE, tabTitle, type PageState } from './page-state.ts';
import { PAUSE_WORDS, PauseReasons, type PauseReason } from './pause-reasons.ts';
import { Politeness } from './politeness.ts';
import { ThrottleControl } from './throttle-control.ts';
import { RecentRate } from './recent-rate.ts';

const $ = <T extends HTMLElement | SVGElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const ui = {
  demo: $<HTMLSelectElement>('demo'),
  request: $<HTMLTextAreaElement>('request'),
  requestError: $<HTMLParagraphElement>('request-error'),
  threads: $<HTMLInputElement>('threads'),
  start: $<HTMLInputElement>('start'),
  count: $<HTMLInputElement>('count'),
  rangeError: $<HTMLParagraphElement>('range-error'),
  throttle: $<HTMLInputElement>('throttle'),
  throttleValue: $<HTMLOutputElement>('throttle-value'),
  backend: $<HTMLSelectElement>('backend'),
  useCpuBtn: $<HTMLButtonElement>('use-cpu-btn'),
  pauseHidden: $<HTMLInputElement>('pause-hidden'),
  pauseBattery: $<HTMLInputElement>('pause-battery'),
  batteryNote: $<HTMLParagraphElement>('battery-note'),
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
  progress: $<HTMLProgressElement>('progress'),
  progressLabel: $<HTMLElement>('progress-label'),
  progressPct: $<HTMLElement>('progress-pct'),
  result: $<HTMLOutputElement>('result'),
  copyBtn: $<HTMLButtonElement>('copy-btn'),
  verified: $<HTMLParagraphElement>('verified'),
  clearBtn: $<HTMLButtonElement>('clear-btn'),
  logCopyBtn: $<HTMLButtonElement>('log-copy-btn'),
};
const history: HistoryCard = { list: $('history'), empty: $('history-empty'), clear: $('clear-btn') };
const showHistory = (results: readonly SavedResult[]) => renderHistory(history, results);
const env: EnvironmentCard = {
  build: $('env-build'), mode: $('env-mode'), workers: $('env-workers'), verify: $('env-verify'), cores: $('env-cores'),
};
const envBackend = $<HTMLElement>('env-backend');

const chart = new RateChart($<SVGSVGElement>('chart'));
const outlook = new OutlookView({ difficulty: $('difficulty'), odds: $('odds'), etaLabel: $('eta-label'), eta: $('eta') });
const log = new ActivityLog($<HTMLOListElement>('activity-log'), $<HTMLParagraphElement>('activity-empty'));
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
  /** The share of the range searched (of the 90 % mark for a V2 space), as the bar shows it. */
  fraction: number;
}

/** The page's one Miner: workers and the compiled kernel are kept between jobs. */
let miner: Miner | undefined;
/** Set when the browser cannot run the kernel at all (a CSP block): Start stays off until a reload. */
let unusable = false;
let running: Running | undefined;
/** Why the running job is paused; empty while it hashes and between jobs. */
const pauses = new PauseReasons();
/** Whether the form holds a job that can start (checked as it is typed). */
let formReady = false;
/** The last rate measured in this tab, for the expected time to a hit between jobs. */
let lastRate: number | undefined;

function setState(state: PageState): void {
  document.body.dataset.state = state;
  ui.badge.textContent = state === 'paused' ? pauses.badge() : BADGE[state];
  // For scripts and tests: who holds the pause (button, hidden, battery).
  if (state === 'paused') document.body.dataset.pausedFor = pauses.held.join(' ');
  else delete document.body.dataset.pausedFor;
  const active = isActive(state);
  enableStart();
  ui.stopBtn.disabled = !active;
  ui.pauseBtn.disabled = !active;
  ui.pauseBtn.textContent = state === 'paused' ? 'Resume' : 'Pause';
  ui.demo.disabled = active;
  ui.backend.disabled = active; // a new choice makes a new Miner: between jobs only
  ui.request.readOnly = active;
  // The thread count stays editable: a change applies to the running job.
  for (const input of [ui.start, ui.count]) input.readOnly = active;
  document.title = tabTitle(TITLE, state, { fraction: running?.fraction });
  showWorkers();
}

function isActive(state = document.body.dataset.state): boolean {
  return state === 'mining' || state === 'paused';
}

/** Start is on only for a job that can start, on a Miner that can run it. */
function enableStart(): void {
  ui.startBtn.disabled = isActive() || miner === undefined || unusable || !formReady;
}

function say(text: string, tone: '' | 'error' | 'warn' | 'ok' = ''): void {
  ui.message.textContent = text;
  ui.message.className = tone ? `message ${tone}` : 'message';
}

function fail(err: unknown): void {
  const line = describeError(err);
  say(line, 'error');
  log.add(`Error: ${line}`, 'error');
  setState('error');
}

/** What will hash a job started now, in words. */
function hashers(m: Miner, threads: number): string {
  if (m.backendStatus.calibrating) return `the GPU or ${workers(threads)}, whichever measures faster`;
  return m.backend === 'webgpu' ? 'the GPU' : workers(threads);
}

function workers(n: number): string {
  return `${n} ${n === 1 ? 'worker' : 'workers'}`;
}

/** The live thread count, in the environment card. */
function showWorkers(): void {
  if (miner) describeWorkers(env, miner, document.body.dataset.state, DEFAULT_THREADS);
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
    checkFormNow();
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
  if (link.backend !== undefined && link.backend !== backend.choice) {
    backend.set(link.backend, false); // for this visit: a link does not change what the browser remembers
    useBackend(link.backend);
  }
  checkFormNow();
}

/**
 * The form as typed, checked as Start checks it: each problem under its field,
 * Start enabled only for a job that can start, and (between jobs) what a hit
 * of that job is worth.
 */
function checkFormNow(): FormCheck {
  const c = checkForm({ request: ui.request.value, start: ui.start.value, count: ui.count.value });
  showFormProblems(c, ui, describeError);
  formReady = c.ok;
  enableStart();
  if (!running) outlook.show(c.ok ? c.job : undefined, lastRate, 'shown once a rate is measured');
  return c;
}

function currentLink(): string {
  let job = ui.request.value.trim();
  try {
    job = JSON.stringify(JSON.parse(job)); // compact when it is JSON; sent as typed otherwise
  } catch { /* keep the text */ }
  const hash = buildLink({
    job, threads: ui.threads.value.trim(), start: ui.start.value.trim(), count: ui.count.value.trim(),
    backend: backend.choice === 'auto' ? undefined : backend.choice,
  });
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
  ui.progress.value = 0;
  ui.progressPct.textContent = '0 %';
  ui.result.textContent = '';
  ui.verified.hidden = true;
  ui.copyBtn.disabled = true;
  delete document.body.dataset.stopMs;
  chart.clear();
}

function miningMessage(m: Miner, r: Running): string {
  const range = `nonces ${formatCount(r.start)} to ${formatCount(r.start + r.count - 1n)}. Leaving the page stops it.`;
  const status = m.backendStatus;
  if (status.calibrating) return `Measuring ${describeAdapter(status)} against ${workers(m.threads)}, then mining on the faster, ${range}`;
  if (m.backend === 'webgpu') return `Mining on ${describeAdapter(status)} through WebGPU, ${range}`;
  const kernel = m.build === 'simd' ? 'SIMD' : 'scalar';
  const scheduling = m.mode === 'shared' ? 'shared-memory' : 'message';
  return `Mining on ${workers(m.threads)} (${kernel} kernel, ${scheduling} scheduling), ${range}`;
}

function startMining(): void {
  const m = miner;
  if (running || !m || unusable) return;
  resetLive();
  const c = checkFormNow();
  let threads: number;
  try {
    // The request's problem first, as the CLI reports it before the range's.
    if (!c.ok) throw c.request ?? c.range?.error;
    threads = parseThreads(ui.threads.value) ?? DEFAULT_THREADS;
    m.setThreads(threads);
  } catch (err) {
    fail(err);
    return;
  }
  const { request, text, start, count } = c.job;
  // The field shows the count in use, which is what a change while mining is measured against.
  ui.threads.value = String(threads);
  ui.resumeOffer.hidden = true;
  const r: Running = { controller: new AbortController(), request, start, count, recent: new RecentRate(), pausedMs: 0, fraction: 0 };
  running = r;
  say(miningMessage(m, r));
  outlook.show(r, undefined, 'measuring…');
  ui.progressLabel.textContent = r.start === 0n && r.count === 1n << 32n ? 'V1 space searched' : r.count > 1n << 32n ? 'Attempts toward the 90 % mark' : 'Range searched';
  setState('mining');
  log.add(`Started: nonces ${formatCount(start)} to ${formatCount(start + count - 1n)} on ${hashers(m, threads)}, difficulty ${describeDifficulty(request).value}`);
  m.mine(text, {
    start: r.start,
    count: r.count,
    signal: r.controller.signal,
    onProgress: (p) => showProgress(r, p),
    onVerified: (check) => {
      r.check = check;
    },
  }).then((response) => finish(r, response), (err: unknown) => ended(r, err));
  // A job started in a hidden tab or on battery waits as those settings ask.
  for (const reason of politeness?.holding() ?? []) pauseFor(reason);
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
  r.fraction = Math.min(1, fraction);
  ui.progress.value = Math.min(1000, Math.floor(fraction * 1000));
  ui.progressPct.textContent = formatPercent(r.fraction);
  showWorkers();
  if (pauses.paused) {
    ui.rate.textContent = 'paused';
    outlook.hitTime(undefined, undefined, 'paused');
    chart.push(0, formatRate);
    return;
  }
  const rate = r.recent.push(p.elapsed_s, p.attempts);
  if (rate !== undefined && rate > 0) lastRate = rate;
  if (rate !== undefined) ui.rate.textContent = formatRate(rate);
  outlook.hitTime(r.request, rate, 'measuring…');
  document.title = tabTitle(TITLE, 'mining', { fraction: r.fraction, rate });
  if (rate !== undefined) chart.push(rate, formatRate);
}

/** The Pause button: pause, or resume whatever holds the pause (the user overrides the settings). */
function togglePause(): void {
  if (pauses.paused) resumeFrom('button');
  else pauseFor('button');
}

/** Pause the running job for `reason`; a job already paused keeps its pause and notes the reason. */
function pauseFor(reason: PauseReason): void {
  const m = miner;
  const r = running;
  if (!m || !r || r.stopAt !== undefined) return;
  if (!pauses.hold(reason)) {
    setState('paused'); // the badge names every reason that holds
    return;
  }
  m.pause();
  r.pausedAt = performance.now();
  ui.rate.textContent = 'paused';
  outlook.hitTime(undefined, undefined, 'paused');
  say(PAUSE_WORDS[reason].message, 'warn');
  log.add(`Paused (${PAUSE_WORDS[reason].paused})`);
  setState('paused');
}

/** Lift `reason` (the button lifts them all); resume once nothing holds the pause. */
function resumeFrom(reason: PauseReason): void {
  const m = miner;
  const r = running;
  if (!m || !r || r.stopAt !== undefined) return;
  if (!(reason === 'button' ? pauses.clear() : pauses.lift(reason))) {
    if (pauses.paused) setState('paused'); // another reason still holds: the badge names it
    return;
  }
  m.resume();
  r.pausedMs += performance.now() - (r.pausedAt ?? performance.now());
  r.pausedAt = undefined;
  r.recent.clear(); // the rate restarts from the resume, not averaged with the pause
  ui.rate.textContent = '—';
  outlook.hitTime(undefined, undefined, 'measuring…');
  say(miningMessage(m, r));
  log.add(`Resumed (${PAUSE_WORDS[reason].resumed})`);
  setState('mining');
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
    log.add(`Threads not changed: ${describeError(err)}`);
    return;
  }
  ui.threads.value = String(threads);
  if (threads === keep) return;
  log.add(`Threads: ${keep} → ${threads}`);
  say(m.paused ? `Paused; ${workers(threads)} will hash on Resume.` : miningMessage(m, r));
  showWorkers();
}

/** The job's promise settled: leave the Miner unpaused for the next one. */
function settle(r: Running): void {
  running = undefined;
  if (r.pausedAt !== undefined) r.pausedMs += performance.now() - r.pausedAt;
  pauses.clear();
  if (miner?.paused) miner.resume();
  checkFormNow(); // between jobs: the form's job, at the last rate measured
  const p = r.last;
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
    log.add(`Found nonce ${response.nonce_hex}, the lowest valid nonce of the range, after ${formatCount(response.attempts)} attempts in ${formatDuration(response.elapsed_s)}`);
    log.add(`Verified nonce ${response.nonce_hex} with ${check.sha256} SHA-256, independently of the kernel: sha256d ${check.digestHex.slice(0, 24)}…`);
  } else {
    ui.progress.value = 1000;
    ui.progressPct.textContent = '100 %';
    say(`Exhausted: no valid nonce in nonces ${formatCount(r.start)} to ${formatCount(r.start + r.count - 1n)}. Build a new preimage and mine again.`);
    log.add(`Exhausted: no valid nonce in nonces ${formatCount(r.start)} to ${formatCount(r.start + r.count - 1n)}`);
  }
  showHistory(saveResult({
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
    log.add(`Stopped after ${formatCount(r.last?.attempts ?? 0)} attempts`);
    setState('stopped');
    offerResume();
    return;
  }
  if (err instanceof SupportError && err.problem === 'no-webgpu') {
    // Asked for the GPU where there is none: say so and offer the workers, without switching behind the user's back.
    fail(err);
    ui.useCpuBtn.hidden = false;
    return;
  }
  if (err instanceof SupportError && err.problem === 'csp') {
    // Every job would fail the same way until the policy changes and the page reloads.
    unusable = true;
    env.build.textContent = "Blocked by this page's Content Security Policy";
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
  ui.useCpuBtn.addEventListener('click', () => {
    backend.set('wasm', true);
    useBackend('wasm');
    setState('idle');
    say('Hashing on the CPU\'s WebAssembly workers now: Start mines there.');
  });
  ui.threads.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') applyThreads();
  });
  for (const field of [ui.request, ui.start, ui.count]) field.addEventListener('input', () => checkFormNow());
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
    showHistory([]);
  });
  ui.logCopyBtn.addEventListener('click', async () => {
    const ok = await copyText(log.text());
    say(ok ? 'Activity log copied.' : 'Copying was refused by the browser: select the log and copy it by hand.', ok ? 'ok' : 'warn');
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

/** The automatic pauses (hidden tab, battery), created once the page is wired. */
let politeness: Politeness | undefined;

/** The Hashing on select: a new choice makes a new Miner (between jobs: the select is off while one runs). */
const backend = new BackendControl(ui.backend, (choice) => useBackend(choice));

/** The kernel build the page's Miners run, chosen once at load. */
let pageBuild: { build: ReturnType<typeof pickBuild>['build']; forcedScalar: boolean } | undefined;

/** Make the page's Miner for `choice` (closing the one before), and show what it hashes on. */
function useBackend(choice: BackendChoice, announce = true): void {
  if (running || pageBuild === undefined) return;
  void miner?.close();
  ui.useCpuBtn.hidden = true;
  const m: Miner = new Miner({
    build: pageBuild.build, threads: DEFAULT_THREADS, throttle: throttle.percent, backend: choice,
    onBackendChange: (status) => {
      if (miner === m) showBackend(status); // not for a Miner the page has replaced
    },
  });
  miner = m;
  describeMiner(env, m, pageBuild.forcedScalar, sharedMemorySupport());
  showBackend(m.backendStatus);
  if (announce) log.add(`Hashing on: ${ui.backend.selectedOptions[0]?.textContent ?? choice}`);
  enableStart();
}

/** What hashes, in the card and as `document.body.dataset.backend`; calibration results and GPU failures go to the log. */
function showBackend(status: BackendStatus): void {
  document.body.dataset.backend = status.active;
  envBackend.textContent = describeBackend(status, formatRate);
  const { webgpu, wasm } = status.rates;
  if (!status.calibrating && webgpu !== null && wasm !== null && status.gpuProblem === null) {
    log.add(`Measured ${describeAdapter(status)} at ${formatRate(webgpu)} and the workers at ${formatRate(wasm)}: hashing on ${status.active === 'webgpu' ? 'the GPU' : 'the workers'}`);
  } else if (status.gpuProblem !== null && status.adapter !== null && status.active === 'wasm') {
    log.add(`${describeAdapter(status)} stopped (${status.gpuProblem}); the workers go on from where it stopped`, 'error');
  }
  const r = running;
  if (r && miner) say(miningMessage(miner, r));
}

/** The throttle slider: every change goes to the Miner at once, running job or not. */
const throttle = new ThrottleControl(ui.throttle, ui.throttleValue, (from, to) => {
  miner?.setThrottle(to);
  log.add(`Throttle: ${from} % → ${to} %`);
});

function main(): void {
  fillDemos();
  wire();
  politeness = new Politeness(
    { hidden: ui.pauseHidden, battery: ui.pauseBattery, batteryNote: ui.batteryNote },
    { hold: pauseFor, lift: resumeFrom },
  );
  ui.threads.placeholder = String(DEFAULT_THREADS);
  showHistory(loadResults());
  offerResume();
  describeEnvironment(env, cores);
  setState('idle');
  const link = readLink();
  if (link) applyLink(link);
  else checkFormNow(); // a form the browser restored on reload
  try {
    // The link's test switch runs the build choice through a validate that refuses SIMD.
    pageBuild = pickBuild({ forceScalar: link?.scalar });
    // The Miner compiles the kernel now; a CSP that blocks WebAssembly shows up as the first job's SupportError.
    useBackend(backend.choice, false);
  } catch (err) {
    env.build.textContent = 'Unavailable';
    fail(err);
    return;
  }
  if (document.body.dataset.state === 'error') {
    enableStart(); // a bad link; the form still works
    return;
  }
  setState('idle');
  if (link?.autostart) startMining();
}

main();
