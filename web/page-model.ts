/**
 * The mining page's logic without its wiring: the form and its check, the
 * backend choice and the Miner it makes, the running job (its pauses, its
 * progress, Stop, a thread change), how a job ends (the response line, the
 * independent check, the kept result, the offer to resume), and the activity
 * log. It touches no document, window or element: the store, the clock and
 * the Miner factory are given, so it runs in Node as in a tab. The view
 * (web/app.ts) feeds it the user's actions and shows {@link PageModel.snapshot}
 * whenever a subscriber is told that something changed.
 *
 * A page job goes: {@link PageModel.edit} (the form, checked as typed) →
 * {@link PageModel.start} (the parsed request and range to `Miner.search`) →
 * progress reports (figures, rate, watermark kept) → the outcome, formatted
 * once as the CLI's response line, kept in the history.
 * @module
 */
import { SupportError } from '../src/browser/errors.ts';
import type { JobOptions, MineProgress, SearchOutcome } from '../src/core/job-api.ts';
import { nonceToHex } from '../src/core/nonce.ts';
import { parseThreadsText, THREADS_TEXT_FORM } from '../src/core/range.ts';
import type { MineRequest } from '../src/core/request.ts';
import { formatExhausted, formatHit } from '../src/core/response.ts';
import type { BackendChoice, BackendStatus } from '../src/gpu/backend-choice.ts';
import { ActivityLog } from './activity-log.ts';
import { BACKEND_LABELS, DEFAULT_BACKEND, loadBackendChoice, saveBackendChoice } from './backend-control.ts';
import { DEMOS } from './demos.ts';
import { describeError } from './describe-error.ts';
import { describeWorkers } from './environment.ts';
import { checkForm, describeFormProblems, type FormCheck } from './form-check.ts';
import { formatCount, formatDuration, formatPercent, formatRate } from './format.ts';
import { clearResults, loadResults, saveResult, type SavedResult } from './history.ts';
import { backendEvent, describeHashers, describeRange, miningMessage, workers, type HasherFacts } from './job-words.ts';
import { clearInterrupted, loadInterrupted, remainingRange, saveInterrupted } from './interrupted.ts';
import { buildLink, type LinkParams } from './link.ts';
import { describeDifficulty } from './outlook.ts';
import { BADGE, type PageState } from './page-state.ts';
import type { LiveFigures, PageFields, PageSnapshot, Tone } from './page-snapshot.ts';
import { PAUSE_WORDS, PauseReasons, type PauseReason } from './pause-reasons.ts';
import { progressLabel, RunningJob } from './running-job.ts';
import type { KeyValueStore } from './store.ts';

export type { LiveFigures, Outlook, PageFields, PageSnapshot, Tone } from './page-snapshot.ts';

/** What the page needs of a Miner: the browser Miner in a tab, the Node Miner or a fake in tests. */
export interface PageMiner extends HasherFacts {
  /** Search a parsed request over `[start, start + count)`: the lowest valid nonce with its check, or exhaustion. */
  search(request: MineRequest, options?: JobOptions): Promise<SearchOutcome>;
  /** Stop hashing within a batch; the search keeps its place. */
  pause(): void;
  /** Hash again from where the search stopped. */
  resume(): void;
  /** Change the thread count of the running search without restarting it. */
  setThreads(threads: number): void;
  /** Change the share of each thread's time spent hashing, percent. */
  setThrottle(percent: number): void;
  /** Release every thread; running searches reject. */
  close(): Promise<void>;
  /** Threads hashing right now. */
  readonly activeThreads: number;
  /** Whether `pause()` is in effect. */
  readonly paused: boolean;
}

/** What the model asks of the Miner factory. */
export interface PageMinerOptions {
  backend: BackendChoice;
  threads: number;
  /** Percent of each thread's time spent hashing. */
  throttle: number;
  /** To be called when the Miner's backend status changes (a calibration ended, the GPU failed). */
  onBackendChange: (status: BackendStatus) => void;
}

/** What the model is given. */
export interface PageModelOptions<M extends PageMiner> {
  /** Makes the page's Miner (one at a time: the model closes the one before). */
  makeMiner(options: PageMinerOptions): M;
  /** Where results, an interrupted job and the backend choice are kept (`localStorage` in a tab); undefined: nowhere. */
  store: KeyValueStore | undefined;
  /** A monotonic clock in milliseconds (`performance.now`): pauses and Stop are timed with it. */
  now(): number;
  /** The wall clock, for log entries and kept results (default: `new Date()`). */
  date?(): Date;
  /** Threads for an empty Threads field. */
  defaultThreads: number;
  /** The throttle at load, percent (default 100). */
  throttle?: number;
  /** The automatic pauses that hold now (a hidden tab, a battery): a job started now pauses for each. */
  holding?(): readonly PauseReason[];
}

/** A request's protocol fields, as a kept result or an interrupted job records them. */
function requestFields(request: MineRequest): { preimage_hex: string; target_hex: string; nonce_width: number } {
  return { preimage_hex: request.preimageHex, target_hex: request.target.toString(16).padStart(16, '0'), nonce_width: request.nonceWidth };
}

const FRESH_LIVE: LiveFigures = { rate: '—', attempts: '0', elapsed: '—', progress: 0, percent: '0 %', label: 'Nonce range searched', samples: [] };

/** The page's state and what changes it. */
export class PageModel<M extends PageMiner = PageMiner> {
  readonly #options: PageModelOptions<M>;
  readonly #store: KeyValueStore | undefined;
  readonly #log: ActivityLog;
  readonly #pauses = new PauseReasons();
  readonly #listeners = new Set<() => void>();
  #state: PageState = 'idle';
  #fields: PageFields = { request: '', start: '', count: '', threads: '' };
  #demo = '';
  #check: FormCheck;
  #choice: BackendChoice;
  #miner: M | undefined;
  /** Set by {@link PageModel.open}: until then a backend choice makes no Miner. */
  #opened = false;
  #closed = false;
  #blocked = false;
  #offerCpu = false;
  #throttle: number;
  #running: RunningJob | undefined;
  #settled: Promise<void> = Promise.resolve();
  /** The last rate measured in this tab, for the expected time to a hit between jobs. */
  #lastRate: number | undefined;
  #titleRate: number | undefined;
  #message: { text: string; tone: Tone } = { text: '', tone: '' };
  #live: LiveFigures = { ...FRESH_LIVE };
  #result: { line: string; verified: string | undefined } = { line: '', verified: undefined };
  #stopMs: number | undefined;
  #history: readonly SavedResult[];
  #resumeOffer: string | undefined;

  constructor(options: PageModelOptions<M>) {
    this.#options = options;
    this.#store = options.store;
    this.#log = new ActivityLog(options.date);
    this.#throttle = options.throttle ?? 100;
    this.#choice = loadBackendChoice(this.#store);
    this.#history = loadResults(this.#store);
    this.#check = checkForm(this.#fields);
    this.#offerResume();
  }

  /** Be told after every change; returns the way to stop being told. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The page's Miner, once {@link PageModel.open} made it. */
  get miner(): M | undefined {
    return this.#miner;
  }

  /** Whether a job runs (mining or paused, until its search settles). */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /** The running job's search, settled (at once when none runs): for tests and scripts. */
  whenSettled(): Promise<void> {
    return this.#settled;
  }

  /** The activity log as plain text, for the Copy button. */
  logText(): string {
    return this.#log.text();
  }

  /** Everything to show now. */
  get snapshot(): PageSnapshot {
    const state = this.#state;
    const active = state === 'mining' || state === 'paused';
    const r = this.#running;
    const m = this.#miner;
    const paused = this.#pauses.paused;
    const canControl = active && r?.stopAt === undefined;
    return {
      state,
      badge: state === 'paused' ? this.#pauses.badge() : BADGE[state],
      pausedFor: state === 'paused' ? this.#pauses.held : [],
      message: { ...this.#message },
      fields: { ...this.#fields },
      demo: this.#demo,
      problems: describeFormProblems(this.#check, describeError),
      controls: {
        start: !active && m !== undefined && !this.#blocked && this.#check.ok,
        pause: canControl,
        stop: canControl,
        pauseLabel: state === 'paused' ? 'Resume' : 'Pause',
        locked: active,
      },
      backend: { choice: this.#choice, status: m?.backendStatus },
      offerCpu: this.#offerCpu,
      blocked: this.#blocked,
      live: { ...this.#live },
      title: { fraction: r?.fraction, rate: this.#titleRate },
      outlook: r
        ? { job: r, rate: paused ? undefined : r.rate, otherwise: paused ? 'paused' : 'measuring…' }
        : { job: this.#check.ok ? this.#check.job : undefined, rate: this.#lastRate, otherwise: 'shown once a rate is measured' },
      result: { ...this.#result },
      stopMs: this.#stopMs,
      history: this.#history,
      resumeOffer: this.#resumeOffer,
      workers: m && describeWorkers(m.threads, m.activeThreads, state, this.#options.defaultThreads),
      log: this.#log.entries,
    };
  }

  // ---- the form ------------------------------------------------------------

  /** The user typed: the fields given take these texts, and the job is checked again. */
  edit(fields: Partial<PageFields>): void {
    this.#fields = { ...this.#fields, ...fields };
    this.#recheck();
    this.#emit();
  }

  /** Fill the form with the bundled demo `id` ('' or an unknown id: the user's own request, as typed). */
  loadDemo(id: string): void {
    this.#demo = id;
    const d = DEMOS.find((x) => x.id === id);
    if (d) {
      this.#fields = { ...this.#fields, request: d.request, start: d.start, count: d.count };
      this.#recheck();
      this.#say(`Demo job loaded: ${d.label}.`);
    }
    this.#emit();
  }

  /** Fill the form from a `#job=` link; its backend holds for this visit only. */
  applyLink(link: LinkParams): void {
    const f = { ...this.#fields };
    if (link.job !== undefined) {
      f.request = link.job;
      this.#demo = DEMOS.find((d) => d.request === link.job)?.id ?? '';
    }
    if (link.threads !== undefined) f.threads = link.threads;
    if (link.start !== undefined) f.start = link.start;
    if (link.count !== undefined) f.count = link.count;
    this.#fields = f;
    // A link does not change what the browser remembers.
    if (link.backend !== undefined && link.backend !== this.#choice) this.#useBackend(link.backend, false);
    this.#recheck();
    this.#emit();
  }

  /** The `#…` fragment of a link to the form's job (the request compacted when it is JSON). */
  linkHash(): string {
    let job = this.#fields.request.trim();
    try {
      job = JSON.stringify(JSON.parse(job));
    } catch { /* not JSON: sent as typed, for the page that opens it to point out */ }
    const f = this.#fields;
    return buildLink({
      job, threads: f.threads.trim(), start: f.start.trim(), count: f.count.trim(),
      backend: this.#choice === DEFAULT_BACKEND ? undefined : this.#choice,
    });
  }

  // ---- the Miner -----------------------------------------------------------

  /**
   * Make the first Miner, for the backend chosen (kept in the store, or a
   * link's); backend choices before this only take effect here.
   * @throws what the Miner factory throws (a browser that cannot run the kernel).
   */
  open(): void {
    this.#opened = true;
    this.#makeMiner(false);
    this.#emit();
  }

  /** The user picked a backend under Hashing on: remembered, and a new Miner for it (between jobs only). */
  chooseBackend(choice: BackendChoice): void {
    if (choice === this.#choice || this.#running) return;
    this.#useBackend(choice, true);
    this.#emit();
  }

  /** The "Mine on the CPU instead" offer taken: the workers, remembered, and the page idle again. */
  useCpu(): void {
    if (this.#running) return;
    this.#useBackend('wasm', true);
    this.#setState('idle');
    this.#say("Hashing on the CPU's WebAssembly workers now: Start mines there.");
    this.#emit();
  }

  /** The throttle slider let go at `percent`: applied at once, running job or not. */
  setThrottle(percent: number): void {
    const from = this.#throttle;
    if (percent === from) return;
    this.#throttle = percent;
    this.#miner?.setThrottle(percent);
    this.#log.add(`Throttle: ${from} % → ${percent} %`);
    this.#emit();
  }

  // ---- a job ---------------------------------------------------------------

  /** Start the form's job, or say why it cannot start. */
  start(): void {
    const m = this.#miner;
    if (this.#running || !m || this.#blocked) return;
    this.#live = { ...FRESH_LIVE };
    this.#result = { line: '', verified: undefined };
    this.#stopMs = undefined;
    const c = this.#recheck();
    let threads: number;
    try {
      // The request's problem first, as the CLI reports it before the range's.
      if (!c.ok) throw c.request ?? c.range?.error;
      threads = parseThreadsText(this.#fields.threads) ?? this.#options.defaultThreads;
      m.setThreads(threads);
    } catch (err) {
      this.#fail(err);
      this.#emit();
      return;
    }
    const { request, start, count } = c.job;
    // The field shows the count in use, which is what a change while mining is measured against.
    this.#fields = { ...this.#fields, threads: String(threads) };
    this.#resumeOffer = undefined;
    const r = new RunningJob(request, start, count);
    this.#running = r;
    this.#live.label = progressLabel(start, count);
    this.#say(miningMessage(m, start, r.end));
    this.#setState('mining');
    this.#log.add(`Started: ${describeRange(start, r.end)} on ${describeHashers(m, threads)}, difficulty ${describeDifficulty(request).value}`);
    this.#settled = m.search(request, { start, count, signal: r.controller.signal, onProgress: (p) => this.#progress(r, p) })
      .then((outcome) => this.#finish(r, outcome), (err: unknown) => this.#ended(r, err))
      .catch((err: unknown) => this.#fail(err)) // a bug of the page's own: shown, not lost
      .finally(() => this.#emit());
    this.#emit();
    // A job started in a hidden tab or on battery waits as those settings ask.
    for (const reason of this.#options.holding?.() ?? []) this.pauseFor(reason);
  }

  /** The Pause button: pause, or resume whatever holds the pause (the user overrides the settings). */
  togglePause(): void {
    if (this.#pauses.paused) this.resumeFrom('button');
    else this.pauseFor('button');
  }

  /** Pause the running job for `reason`; a job already paused keeps its pause and notes the reason. No job: nothing. */
  pauseFor(reason: PauseReason): void {
    const m = this.#miner;
    const r = this.#running;
    if (!m || !r || r.stopAt !== undefined) return;
    if (this.#pauses.hold(reason)) {
      m.pause();
      r.pause(this.#options.now());
      this.#live.rate = 'paused';
      this.#say(PAUSE_WORDS[reason].message, 'warn');
      this.#log.add(`Paused (${PAUSE_WORDS[reason].paused})`);
    }
    this.#setState('paused'); // the badge names every reason that holds
    this.#emit();
  }

  /** Lift `reason` (the button lifts them all); resume once nothing holds the pause. */
  resumeFrom(reason: PauseReason): void {
    const m = this.#miner;
    const r = this.#running;
    if (!m || !r || r.stopAt !== undefined) return;
    if (!(reason === 'button' ? this.#pauses.clear() : this.#pauses.lift(reason))) {
      if (this.#pauses.paused) this.#setState('paused'); // another reason still holds: the badge names it
      this.#emit();
      return;
    }
    m.resume();
    r.resume(this.#options.now());
    this.#live.rate = '—';
    this.#say(miningMessage(m, r.start, r.end));
    this.#log.add(`Resumed (${PAUSE_WORDS[reason].resumed})`);
    this.#setState('mining');
    this.#emit();
  }

  /**
   * Apply the Threads field (`text`, else as last edited) to the running job,
   * or refuse it and show the count still in use. Between jobs Start reads it.
   */
  applyThreads(text?: string): void {
    if (text !== undefined) this.#fields = { ...this.#fields, threads: text };
    const m = this.#miner;
    const r = this.#running;
    if (!m || !r) return this.#emit();
    const keep = m.threads;
    let threads: number;
    try {
      // A number input reads as empty when what was typed is not a number.
      const parsed = parseThreadsText(this.#fields.threads);
      if (parsed === undefined) throw new RangeError(`threads takes ${THREADS_TEXT_FORM}, got nothing`);
      threads = parsed;
      if (threads !== keep) m.setThreads(threads);
    } catch (err) {
      this.#fields = { ...this.#fields, threads: String(keep) };
      this.#say(`${describeError(err)} ${m.paused ? `Kept ${workers(keep)} (paused).` : `Still mining on ${workers(keep)}.`}`, 'warn');
      this.#log.add(`Threads not changed: ${describeError(err)}`);
      return this.#emit();
    }
    this.#fields = { ...this.#fields, threads: String(threads) };
    if (threads !== keep) {
      this.#log.add(`Threads: ${keep} → ${threads}`);
      this.#say(m.paused ? `Paused; ${workers(threads)} will hash on Resume.` : miningMessage(m, r.start, r.end));
    }
    this.#emit();
  }

  /** Stop the job, paused or not: the Miner rejects its search within a batch. */
  stop(): void {
    const r = this.#running;
    if (!r || r.stopAt !== undefined) return;
    r.stopAt = this.#options.now();
    this.#emit(); // Pause and Stop go off at once
    r.controller.abort();
  }

  /** The resume offer taken: the interrupted job over the rest of its range. */
  resumeInterrupted(): void {
    if (this.#running) return;
    const job = loadInterrupted(this.#store);
    if (!job) return;
    const rest = remainingRange(job);
    const { preimage_hex, target_hex, nonce_width } = job;
    const request = JSON.stringify({ preimage_hex, target_hex, nonce_width });
    this.#fields = { ...this.#fields, request, start: String(rest.start), count: String(rest.count) };
    this.#resumeOffer = undefined;
    this.start();
  }

  // ---- results and messages --------------------------------------------------

  /** Forget the kept results. */
  clearHistory(): void {
    clearResults(this.#store);
    this.#history = [];
    this.#emit();
  }

  /** Say `text` on the message line (the view's own news: a copy done or refused). */
  say(text: string, tone: Tone = ''): void {
    this.#say(text, tone);
    this.#emit();
  }

  /** Show `err` as the page's one error line, and log it. */
  fail(err: unknown): void {
    this.#fail(err);
    this.#emit();
  }

  /** Close the Miner (a test's end; the page keeps its Miner for its life). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#miner?.close();
  }

  // ---- inside ----------------------------------------------------------------

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  #say(text: string, tone: Tone = ''): void {
    this.#message = { text, tone };
  }

  #fail(err: unknown): void {
    const line = describeError(err);
    this.#say(line, 'error');
    this.#log.add(`Error: ${line}`, 'error');
    this.#setState('error');
  }

  #setState(state: PageState): void {
    this.#state = state;
    this.#titleRate = undefined; // until the next progress report measures it
  }

  #recheck(): FormCheck {
    this.#check = checkForm(this.#fields);
    return this.#check;
  }

  #useBackend(choice: BackendChoice, remember: boolean): void {
    this.#choice = choice;
    if (remember) saveBackendChoice(this.#store, choice);
    if (!this.#opened || this.#running) return;
    try {
      this.#makeMiner(true);
    } catch (err) {
      this.#fail(err);
    }
  }

  /** A new Miner for the choice in effect, closing the one before. */
  #makeMiner(announce: boolean): void {
    void this.#miner?.close();
    this.#miner = undefined;
    this.#offerCpu = false;
    let made: M | undefined;
    made = this.#options.makeMiner({
      backend: this.#choice,
      threads: this.#options.defaultThreads,
      throttle: this.#throttle,
      onBackendChange: (status) => {
        if (made !== undefined && this.#miner === made) this.#backendChanged(made, status); // not for a Miner the page has replaced
      },
    });
    this.#miner = made;
    if (announce) this.#log.add(`Hashing on: ${BACKEND_LABELS[this.#choice]}`);
  }

  /** Calibration results and GPU failures go to the log; the message follows what hashes now. */
  #backendChanged(m: M, status: BackendStatus): void {
    const event = backendEvent(status, formatRate);
    if (event) this.#log.add(event.text, event.tone);
    const r = this.#running;
    if (r) this.#say(miningMessage(m, r.start, r.end));
    this.#emit();
  }

  /** Live figures, every 0.5 s and once more with the final ones as the search settles. */
  #progress(r: RunningJob, p: MineProgress): void {
    if (r !== this.#running) return;
    if (p.watermark > r.start) {
      saveInterrupted(this.#store, { ...requestFields(r.request), start: r.start.toString(), count: r.count.toString(), watermark: p.watermark.toString() });
    }
    const paused = this.#pauses.paused;
    const rate = r.progress(p, paused);
    const live = this.#live;
    live.attempts = formatCount(p.attempts);
    // The clock runs on while paused: it is the job's wall time, as elapsed_s in the response line.
    live.elapsed = formatDuration(p.elapsed_s);
    live.progress = Math.min(1000, Math.floor(r.fraction * 1000));
    live.percent = formatPercent(r.fraction);
    live.samples = r.samples;
    if (paused) {
      live.rate = 'paused';
    } else {
      if (rate !== undefined && rate > 0) this.#lastRate = rate;
      if (rate !== undefined) live.rate = formatRate(rate);
      this.#titleRate = rate;
    }
    this.#emit();
  }

  /** The search settled: no job runs, and the Miner is left unpaused for the next one. */
  #settle(r: RunningJob): void {
    this.#running = undefined;
    r.settle(this.#options.now());
    this.#pauses.clear();
    const m = this.#miner;
    if (m?.paused && !this.#closed) m.resume();
    if (!r.last) return;
    const average = r.averageRate();
    this.#live.rate = average !== undefined ? `${formatRate(average)} average` : '—';
  }

  /** The search answered: the response line, formatted here once, and the result kept. */
  #finish(r: RunningJob, outcome: SearchOutcome): void {
    this.#settle(r);
    clearInterrupted(this.#store); // answered: nothing left to resume
    const { request } = r;
    const live = this.#live;
    live.attempts = formatCount(outcome.attempts);
    live.elapsed = formatDuration(outcome.elapsedS);
    let line: string;
    let verifiedWith: string | undefined;
    if (outcome.found) {
      const { nonce, check } = outcome;
      const hex = nonceToHex(nonce, request.nonceWidth);
      // Nothing is shown that was not confirmed independently of the kernel.
      if (!check.valid || check.nonce !== nonce) {
        this.#fail(new Error(`the miner returned nonce ${hex} without its independent check`));
        return;
      }
      line = formatHit({ nonce, nonceWidth: request.nonceWidth, attempts: outcome.attempts, elapsedS: outcome.elapsedS });
      verifiedWith = check.sha256;
      const digest = check.digestHex.slice(0, 24);
      const effort = `${formatCount(outcome.attempts)} attempts in ${formatDuration(outcome.elapsedS)}`;
      live.progress ||= 1;
      this.#result = { line, verified: `Verified with ${check.sha256} SHA-256, independently of the kernel: sha256d ${digest}… meets the target.` };
      this.#say(`Found the lowest valid nonce of the range after ${effort}.`, 'ok');
      this.#log.add(`Found nonce ${hex}, the lowest valid nonce of the range, after ${effort}`);
      this.#log.add(`Verified nonce ${hex} with ${check.sha256} SHA-256, independently of the kernel: sha256d ${digest}…`);
    } else {
      line = formatExhausted();
      live.progress = 1000;
      live.percent = '100 %';
      this.#result = { line, verified: undefined };
      this.#say(`Exhausted: no valid nonce in ${describeRange(r.start, r.end)}. Build a new preimage and mine again.`);
      this.#log.add(`Exhausted: no valid nonce in ${describeRange(r.start, r.end)}`);
    }
    this.#history = saveResult(this.#store, {
      at: (this.#options.date?.() ?? new Date()).toISOString(),
      ...requestFields(request),
      start: r.start.toString(),
      count: r.count.toString(),
      response: line,
      ...(verifiedWith ? { verified_with: verifiedWith } : {}),
    });
    this.#setState(outcome.found ? 'found' : 'exhausted');
  }

  /** The search rejected: Stop, or an error to show. */
  #ended(r: RunningJob, err: unknown): void {
    this.#settle(r);
    const signal = r.controller.signal;
    if (signal.aborted && err === signal.reason && r.stopAt !== undefined) {
      const stopMs = this.#options.now() - r.stopAt;
      const attempts = formatCount(r.last?.attempts ?? 0);
      this.#stopMs = stopMs;
      this.#say(`Stopped after ${attempts} attempts; the job ended ${stopMs.toFixed(0)} ms after Stop.`, 'warn');
      this.#log.add(`Stopped after ${attempts} attempts`);
      this.#setState('stopped');
      this.#offerResume();
      return;
    }
    if (err instanceof SupportError && err.problem === 'no-webgpu') {
      // Asked for the GPU where there is none: say so and offer the workers, without switching behind the user's back.
      this.#fail(err);
      this.#offerCpu = true;
      return;
    }
    // Every job would fail the same way until the policy changes and the page reloads.
    if (err instanceof SupportError && err.problem === 'csp') this.#blocked = true;
    this.#fail(err);
  }

  /** Offer to go on with the job a reload, a closed tab or Stop interrupted, over the rest of its range. */
  #offerResume(): void {
    const job = loadInterrupted(this.#store);
    if (!job) {
      this.#resumeOffer = undefined;
      return;
    }
    const rest = remainingRange(job);
    this.#resumeOffer = `An interrupted search can go on from nonce ${formatCount(rest.start)}: ${formatCount(rest.count)} of its ${formatCount(rest.of)} nonces are left.`;
  }
}
