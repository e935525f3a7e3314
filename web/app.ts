/**
 * The mining page's entry: the wiring between the page and its model
 * (web/page-model.ts). It looks up the elements, hands the user's actions to
 * the model, and shows the model's snapshot after every change. The browser
 * `Miner` it gives the model is kept until the backend choice changes (a new
 * choice makes a new one). On the wasm backend the page never hashes: the
 * Miner's workers do, including the independent check of every hit; the
 * GPU's hits are checked with WebCrypto on the page.
 *
 * For tests and users alike, `document.body.dataset.state` is `idle`,
 * `mining`, `paused`, `stopped`, `found`, `exhausted` or `error`,
 * `document.body.dataset.backend` says what hashes (`webgpu` or `wasm`), and
 * `<output id="result">` holds exactly the response line the CLI would print.
 * @module
 */
import { MAX_THREADS, defaultThreads } from '../src/core/range.ts';
import { pickBuild } from '../src/browser/kernel-module.ts';
import { Miner } from '../src/browser/miner.ts';
import { sharedMemorySupport } from '../src/browser/shared-memory.ts';
import { BACKEND_LABELS, describeBackend, isBackendChoice } from './backend-control.ts';
import { RateChart } from './chart.ts';
import { DEMOS } from './demos.ts';
import { describeEnvironment, describeMiner, type EnvironmentCard } from './environment.ts';
import { formatRate } from './format.ts';
import type { SavedResult } from './history.ts';
import { renderHistory, type HistoryCard } from './history-list.ts';
import { parseLink, type LinkParams } from './link.ts';
import { LogView } from './log-view.ts';
import { OutlookView } from './outlook.ts';
import { PageModel, type PageFields, type PageSnapshot } from './page-model.ts';
import { tabTitle } from './page-state.ts';
import { Politeness } from './politeness.ts';
import { storage } from './store.ts';
import { ThrottleControl } from './throttle-control.ts';

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
const env: EnvironmentCard = {
  build: $('env-build'), mode: $('env-mode'), workers: $('env-workers'), verify: $('env-verify'), cores: $('env-cores'),
};
const envBackend = $<HTMLElement>('env-backend');
const chart = new RateChart($<SVGSVGElement>('chart'));
const outlook = new OutlookView({ difficulty: $('difficulty'), odds: $('odds'), etaLabel: $('eta-label'), eta: $('eta') });
const logView = new LogView($<HTMLOListElement>('activity-log'), $<HTMLParagraphElement>('activity-empty'));
const TITLE = document.title;
const cores = navigator.hardwareConcurrency || 1;
/** The thread count when the field is empty: one per core, within the core's limit. */
const DEFAULT_THREADS = defaultThreads(cores);

/** The kernel build the page's Miners run, chosen once at load. */
let pageBuild: ReturnType<typeof pickBuild> | undefined;

/** The throttle slider: every change goes to the model, which applies it at once. */
const throttle = new ThrottleControl(ui.throttle, ui.throttleValue, (_from, to) => model.setThrottle(to));

/** The automatic pauses (hidden tab, battery), created once the page is wired. */
let politeness: Politeness | undefined;

const model = new PageModel<Miner>({
  makeMiner: (options) => new Miner({ ...options, build: pageBuild!.build }),
  store: storage(),
  now: () => performance.now(),
  defaultThreads: DEFAULT_THREADS,
  throttle: throttle.percent,
  holding: () => politeness?.holding() ?? [],
});

// ---- showing the model -----------------------------------------------------

/** What was shown last, for the parts that are redrawn only when they change. */
const shown: { miner?: Miner; history?: readonly SavedResult[]; samples?: readonly number[] } = {};

function setValue(field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  if (field.value !== value) field.value = value; // an equal write would still disturb the caret
}

/** A problem (or none) on `line`, and `aria-invalid` on the fields it belongs to. */
function showProblem(line: HTMLElement, problem: string | undefined, fields: Array<[HTMLElement, boolean]>): void {
  line.textContent = problem ?? '';
  line.hidden = problem === undefined;
  for (const [field, invalid] of fields) {
    if (invalid && problem !== undefined) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  }
}

/** `document.body.dataset[key]`, written only when it changes: scripts may observe each write as a change of state. */
function setData(key: string, value: string | undefined): void {
  const data = document.body.dataset;
  if (data[key] === value) return;
  if (value === undefined) delete data[key];
  else data[key] = value;
}

function render(s: PageSnapshot = model.snapshot): void {
  setData('state', s.state);
  // For scripts and tests: who holds the pause (button, hidden, battery).
  setData('pausedFor', s.state === 'paused' ? s.pausedFor.join(' ') : undefined);
  setData('stopMs', s.stopMs?.toFixed(0));
  ui.badge.textContent = s.badge;
  document.title = tabTitle(TITLE, s.state, s.title);

  const { controls } = s;
  ui.startBtn.disabled = !controls.start;
  ui.stopBtn.disabled = !controls.stop;
  ui.pauseBtn.disabled = !controls.pause;
  ui.pauseBtn.textContent = controls.pauseLabel;
  ui.demo.disabled = controls.locked;
  ui.backend.disabled = controls.locked; // a new choice makes a new Miner: between jobs only
  // The thread count stays editable: a change applies to the running job.
  for (const field of [ui.request, ui.start, ui.count]) field.readOnly = controls.locked;
  ui.useCpuBtn.hidden = !s.offerCpu;

  for (const name of ['request', 'start', 'count', 'threads'] as const) setValue(ui[name], s.fields[name]);
  setValue(ui.demo, s.demo);
  showProblem(ui.requestError, s.problems.request, [[ui.request, true]]);
  const range = s.problems.range;
  showProblem(ui.rangeError, range?.text, [[ui.start, range?.field === 'start'], [ui.count, range?.field === 'count']]);

  ui.message.textContent = s.message.text;
  ui.message.className = s.message.tone ? `message ${s.message.tone}` : 'message';
  ui.resumeOffer.hidden = s.resumeOffer === undefined;
  ui.resumeText.textContent = s.resumeOffer ?? '';

  const { live } = s;
  ui.rate.textContent = live.rate;
  ui.attempts.textContent = live.attempts;
  ui.elapsed.textContent = live.elapsed;
  ui.progress.value = live.progress;
  ui.progressPct.textContent = live.percent;
  ui.progressLabel.textContent = live.label;
  if (live.samples !== shown.samples) chart.show((shown.samples = live.samples), formatRate);
  outlook.show(s.outlook.job, s.outlook.rate, s.outlook.otherwise);

  ui.result.textContent = s.result.line;
  ui.copyBtn.disabled = s.result.line === '';
  ui.verified.hidden = s.result.verified === undefined;
  ui.verified.textContent = s.result.verified ?? '';
  if (s.history !== shown.history) renderHistory(history, (shown.history = s.history));
  logView.show(s.log);

  setValue(ui.backend, s.backend.choice);
  if (s.backend.status) {
    setData('backend', s.backend.status.active);
    envBackend.textContent = describeBackend(s.backend.status, formatRate);
  }
  const miner = model.miner;
  if (miner && miner !== shown.miner && pageBuild) describeMiner(env, (shown.miner = miner), pageBuild.forcedScalar, sharedMemorySupport());
  if (s.workers !== undefined) env.workers.textContent = s.workers;
  if (s.blocked) env.build.textContent = "Blocked by this page's Content Security Policy";
}

// ---- the user's actions ----------------------------------------------------

function readFields(): PageFields {
  return { request: ui.request.value, start: ui.start.value, count: ui.count.value, threads: ui.threads.value };
}

function readLink(): LinkParams | undefined {
  try {
    return parseLink(location.hash);
  } catch (err) {
    model.fail(err);
    return undefined;
  }
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function wire(): void {
  for (const d of DEMOS) ui.demo.add(new Option(d.label, d.id));
  for (const [choice, label] of Object.entries(BACKEND_LABELS)) ui.backend.add(new Option(label, choice));
  ui.demo.addEventListener('change', () => model.loadDemo(ui.demo.value));
  ui.backend.addEventListener('change', () => {
    if (isBackendChoice(ui.backend.value)) model.chooseBackend(ui.backend.value);
  });
  for (const name of ['request', 'start', 'count', 'threads'] as const) {
    ui[name].addEventListener('input', () => model.edit({ [name]: ui[name].value }));
  }
  ui.startBtn.addEventListener('click', () => model.start());
  ui.pauseBtn.addEventListener('click', () => model.togglePause());
  ui.stopBtn.addEventListener('click', () => model.stop());
  ui.useCpuBtn.addEventListener('click', () => model.useCpu());
  ui.resumeBtn.addEventListener('click', () => model.resumeInterrupted());
  ui.clearBtn.addEventListener('click', () => model.clearHistory());
  ui.threads.addEventListener('change', () => model.applyThreads(ui.threads.value));
  ui.threads.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') model.applyThreads(ui.threads.value);
  });
  ui.request.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      model.start();
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && model.running) model.stop();
  });
  ui.copyBtn.addEventListener('click', async () => {
    const ok = await copyText(model.snapshot.result.line);
    model.say(ok ? 'Response line copied.' : 'Copying was refused by the browser: select the line and copy it by hand.', ok ? 'ok' : 'warn');
  });
  ui.linkBtn.addEventListener('click', async () => {
    const link = location.href.split('#')[0] + model.linkHash();
    const ok = await copyText(link);
    model.say(ok ? 'Link copied: it opens this page with the job filled in (add &autostart=1 to start at once). The job is in the fragment after #, which browsers never send to a server.' : `Copy this link: ${link}`, ok ? 'ok' : '');
  });
  ui.logCopyBtn.addEventListener('click', async () => {
    const ok = await copyText(model.logText());
    model.say(ok ? 'Activity log copied.' : 'Copying was refused by the browser: select the log and copy it by hand.', ok ? 'ok' : 'warn');
  });
  window.addEventListener('beforeunload', (e) => {
    if (!model.running) return;
    e.preventDefault();
    e.returnValue = ''; // older browsers need a value to ask
  });
  window.addEventListener('hashchange', () => {
    if (model.running) return;
    const link = readLink();
    if (!link) return;
    model.applyLink(link);
    if (link.autostart) model.start();
  });
}

function main(): void {
  wire();
  politeness = new Politeness(
    { hidden: ui.pauseHidden, battery: ui.pauseBattery, batteryNote: ui.batteryNote },
    { hold: (reason) => model.pauseFor(reason), lift: (reason) => model.resumeFrom(reason) },
  );
  ui.threads.placeholder = String(DEFAULT_THREADS);
  ui.threads.max = String(MAX_THREADS); // the core's limit, set here so that it is written once
  describeEnvironment(env, cores);
  model.subscribe(() => render());
  model.edit(readFields()); // a form the browser restored on reload
  const link = readLink();
  if (link) model.applyLink(link);
  try {
    // The link's test switch runs the build choice through a validate that refuses SIMD.
    pageBuild = pickBuild({ forceScalar: link?.scalar });
    // The Miner compiles the kernel now; a CSP that blocks WebAssembly shows up as the first job's SupportError.
    model.open();
  } catch (err) {
    env.build.textContent = 'Unavailable';
    model.fail(err);
    return;
  }
  // A bad link leaves the page in its error state, with the form still working.
  if (link?.autostart && model.snapshot.state !== 'error') model.start();
}

main();
