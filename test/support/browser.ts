// Helpers for the browser end-to-end tests: the static server (the real
// scripts/serve-web.mjs or `dmint-miner web`, on port 0) and Debian's Chromium through playwright-core
// (the other engines: scripts/engines.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { CHROMIUM_ARGS, ENGINE_PATHS } from '../../scripts/engines.mjs';
import { BATCH_SIZE, CHUNK_SIZE, PROGRESS_INTERVAL_MS } from '../../src/core/tuning.ts';
import { measureMachine, until as untilTrue, type MachineTime } from './budgets.ts';
import { serveLib } from './lib-server.ts';
import { vectorById } from './vectors.ts';

export { CHROMIUM_ARGS };
/** Where Debian's chromium package puts the browser (`.ci/run` installs it when missing). */
export const CHROMIUM = ENGINE_PATHS.chromium;

const SERVER = fileURLToPath(new URL('../../scripts/serve-web.mjs', import.meta.url));

/** A running page server: serve-web.mjs or `dmint-miner web`. */
export interface WebServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  process: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Send `signal` (SIGTERM by default); resolves to the exit code. */
  close(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start `node ...args`, a server that prints its URL as its first line on stdout; resolves once it did. */
export function startServer(args: string[]): Promise<WebServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not print its URL in 10 s: ${err}`));
    }, 10_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/\S+)\n/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        process: child,
        stderr: () => err,
        close: (signal = 'SIGTERM') => new Promise((done) => {
          if (child.exitCode !== null) return done(child.exitCode);
          child.once('exit', (code) => done(code));
          child.kill(signal);
        }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}: ${err}`));
    });
  });
}

/** Start scripts/serve-web.mjs on a free port with `flags`; resolves once it printed its URL. */
export function serveWeb(flags: string[] = []): Promise<WebServer> {
  return startServer([SERVER, '--port', '0', ...flags]);
}

/** Launch Debian's Chromium headless. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page with everything it logs and requests recorded. */
export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Every URL the page (or its workers) requested. */
  requests: string[];
  close(): Promise<void>;
}

/** A fresh context and page, recording console errors and requests. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  context.on('request', (r) => requests.push(r.url()));
  return { page, errors, requests, close: () => context.close() };
}

/** The pages of one suite: each in a fresh context of one browser, all closed with it by `closeAll`. */
export class PageSet {
  readonly #browser: Browser;
  readonly #open: WatchedPage[] = [];

  constructor(browser: Browser) {
    this.#browser = browser;
  }

  /** A fresh context and page, recorded (see {@link openPage}). */
  async page(options: BrowserContextOptions = {}): Promise<WatchedPage> {
    const p = await openPage(this.#browser, options);
    this.#open.push(p);
    return p;
  }

  /** Close every page and the browser. */
  async closeAll(): Promise<void> {
    await Promise.all(this.#open.map((p) => p.close().catch(() => {})));
    await this.#browser.close();
  }
}

/** What a clean page has none of: console errors (a CSP violation is one), and requests to anywhere but `server`. */
export function strayActivity(p: WatchedPage, server: WebServer): string[] {
  return [...p.errors, ...p.requests.filter((url) => !url.startsWith(server.url)).map((url) => `request to ${url}`)];
}

/** Wait until `document.body.dataset.state` is one of `states`; returns it. */
export async function waitForState(page: Page, states: string[], timeoutMs = 30_000): Promise<string> {
  await page.waitForFunction((s) => s.includes(document.body.dataset.state ?? ''), states, { timeout: timeoutMs, polling: 25 });
  return page.evaluate(() => document.body.dataset.state ?? '');
}

/** The page link for a request and options (`#job=...&threads=...`), relative to the server URL. */
export function jobLink(base: string, request: object | string, params: Record<string, string | number> = {}): string {
  const job = typeof request === 'string' ? request : JSON.stringify(request);
  const rest = Object.entries(params).map(([k, v]) => `&${k}=${encodeURIComponent(String(v))}`).join('');
  return `${base}index.html#job=${encodeURIComponent(job)}${rest}`;
}

/** The text of the first element matching `selector` ('' when it has none). */
export const text = (page: Page, selector: string): Promise<string> => page.locator(selector).textContent().then((t) => t ?? '');

/** What a worker of the page reports of itself (`self.dmintWorker` in src/browser/worker.ts). */
export interface WorkerDiagnostics {
  busy: boolean;
  hashed: number;
}

/**
 * What each of the page's workers reports; a worker gone meanwhile counts as idle, hashing
 * nothing. A shared-memory worker hashes a piece without returning to its event loop, so one
 * that cannot answer within `answerMs` is busy (its count unknown: -1).
 */
export const workerStates = (page: Page, answerMs = 300): Promise<WorkerDiagnostics[]> => Promise.all(page.workers().map((w) =>
  Promise.race([
    w.evaluate(() => (globalThis as unknown as { dmintWorker: WorkerDiagnostics }).dmintWorker)
      .catch((): WorkerDiagnostics => ({ busy: false, hashed: 0 })),
    new Promise<WorkerDiagnostics>((resolve) => setTimeout(() => resolve({ busy: true, hashed: -1 }), answerMs)),
  ])));

/**
 * Progress reports the page has taken in this job, as far as its rate chart shows them: one
 * sample each, a zero while paused (it keeps the last minute, 120 of them).
 */
export const reportsShown = (page: Page): Promise<number> =>
  page.evaluate(() => (document.querySelector('.chart-line')?.getAttribute('points') ?? '').split(' ').filter(Boolean).length);

/** Wait until the page has taken `n` more progress reports than it had at the call. */
export async function untilReports(page: Page, n: number): Promise<void> {
  const seen = await reportsShown(page);
  await untilTrue(async () => (await reportsShown(page)) >= seen + n, `${n} more progress report${n === 1 ? '' : 's'}`);
}

/**
 * Wait until a pause has settled on the page: every worker idle, then a progress report (it
 * shows the count of the last batches). Returns the attempts shown and the workers' states then.
 */
export async function untilSettled(page: Page): Promise<{ attempts: number; workers: WorkerDiagnostics[] }> {
  await untilTrue(async () => {
    const workers = await workerStates(page, SLOW_ANSWER_MS);
    return workers.length > 0 && workers.every((w) => !w.busy);
  }, 'every worker idle');
  await untilReports(page, 1);
  return { attempts: await attempts(page), workers: await workerStates(page, SLOW_ANSWER_MS) };
}

/**
 * How long a paused worker may take to answer: on a loaded machine an idle worker is not
 * scheduled at once. Waiting long is safe here: a worker that was still hashing answers once
 * its piece ends, with a count that has moved.
 */
const SLOW_ANSWER_MS = 3000;

/**
 * A settled pause stays settled: over the next progress report interval (until one more report
 * comes), the attempts shown and every worker's own count stand still.
 */
export async function expectStill(page: Page, settled: { attempts: number; workers: WorkerDiagnostics[] }): Promise<void> {
  await untilReports(page, 1);
  const now = { attempts: await attempts(page), workers: await workerStates(page, SLOW_ANSWER_MS) };
  if (JSON.stringify(now) !== JSON.stringify(settled)) {
    throw new Error(`hashing went on during a pause: ${JSON.stringify(settled)} then ${JSON.stringify(now)}`);
  }
}

/** The attempts the page shows (`#attempts`), as a number. */
export const attempts = async (page: Page): Promise<number> => Number((await text(page, '#attempts')).replace(/,/g, ''));

/** Type a job into the page's form, as a user would (each field's input event fires): the request and the range, empty by default. */
export async function fillJob(page: Page, job: { request: string; start?: string | number; count?: string | number }): Promise<void> {
  await page.fill('#request', job.request);
  await page.fill('#start', String(job.start ?? ''));
  await page.fill('#count', String(job.count ?? ''));
}

/** Anything that runs a function in a page: playwright's Page, or an engine's page (scripts/engines.mjs). */
export interface Evaluator {
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

/** What the library's test page (test/browser/lib-page/) puts on its global object, as the helpers here use it. */
interface LibPageGlobals {
  dmint: {
    Miner: new (options: { threads: number }) => { mine(request: string, options: object): Promise<unknown>; close(): Promise<void> };
    mine(request: string, options: object): Promise<unknown>;
  };
}

/**
 * The machine as a browser's workers see it now, in the shape of budgets.ts's
 * {@link MachineTime}: the rate of one of the library's workers in `page` (a
 * loaded library test page: test/browser/lib-page/), from the faster of two
 * timed searches of a window at `threads` threads; one kernel batch's time at
 * that rate; and the worse of the page's timer lag and this process's. An
 * engine hashes at its own speed (WebKitGTK at under half of Chromium's), and a
 * loaded machine slows both: bounds and windows sized from this follow both.
 */
export async function measureBrowser(page: Evaluator, threads = 2): Promise<MachineTime> {
  const v = vectorById('gen-w4-11127');
  const lead = 1_000_000;
  const window = { request: JSON.stringify({ preimage_hex: v.preimage_hex, target_hex: '7fffffffffffffff', nonce_width: 4 }), start: v.nonce_int_le - lead, count: lead + 1 };
  const [inPage, here] = await Promise.all([page.evaluate(async ({ w, threads }) => {
    const { dmint } = globalThis as unknown as LibPageGlobals;
    const miner = new dmint.Miner({ threads });
    let best = 0;
    try {
      // Twice: the first also starts the workers and compiles the kernel.
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        await miner.mine(w.request, { start: w.start, count: w.count });
        best = Math.max(best, w.count / ((performance.now() - t0) / 1000));
      }
    } finally {
      await miner.close();
    }
    let lag = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 10));
      lag = Math.max(lag, performance.now() - t0 - 10);
    }
    return { rate: best, lag };
  }, { w: window, threads }), measureMachine()]);
  const rateHs = inPage.rate / threads;
  return { rateHs, batchMs: (BATCH_SIZE / rateHs) * 1000, lagMs: Math.max(inPage.lag, here.lagMs) };
}

/**
 * {@link measureBrowser} for a suite of the mining page: the library's test page, served for
 * the measurement only, in a fresh context of the suite's browser (the same Chromium, the
 * same kernel as dist/web).
 */
export async function measureInBrowser(pages: PageSet): Promise<MachineTime> {
  const lib = await serveLib({ isolation: false });
  const p = await pages.page();
  try {
    await p.page.goto(lib.url);
    await p.page.waitForFunction(() => document.body.dataset.ready === '1');
    return await measureBrowser(p.page);
  } finally {
    await p.close();
    await lib.close();
  }
}

/**
 * The machine now, as a mining page sees it: the rate it measured over its last seconds
 * (`#eta[data-rate]`, at `threads` workers) as a {@link MachineTime}; `base` (measured
 * earlier) where that was slower, or where the page shows no rate yet. A load that came
 * after `base` was measured stretches the bounds as it stretches the page's batches.
 */
export async function pageTime(page: Evaluator, threads: number, base: MachineTime): Promise<MachineTime> {
  const rate = Number(await page.evaluate(() => document.getElementById('eta')?.dataset.rate ?? '0', undefined));
  return slowerOf(rate / threads, base);
}

/** `base`, or a {@link MachineTime} at `rateHs` per thread where that is slower (the lag stays `base`'s). */
export function slowerOf(rateHs: number, base: MachineTime): MachineTime {
  if (!(rateHs > 0) || rateHs >= base.rateHs) return base;
  return { rateHs, batchMs: (BATCH_SIZE / rateHs) * 1000, lagMs: base.lagMs };
}

/**
 * Click `selector` in the page and time, on the page's clock, until the page's state is one of
 * `states`: what the page's user waits, without the driver's round trips.
 */
export function clickUntilState(page: Page, selector: string, states: string[], timeoutMs = 10_000): Promise<{ ms: number; state: string }> {
  return page.evaluate(async ({ selector, states, timeoutMs }) => {
    const t0 = performance.now();
    (document.querySelector(selector) as HTMLElement).click();
    while (!states.includes(document.body.dataset.state ?? '') && performance.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 5));
    return { ms: performance.now() - t0, state: document.body.dataset.state ?? '' };
  }, { selector, states, timeoutMs });
}

/** How an aborted job ended, timed in the page. */
export interface AbortTiming {
  /** What the job rejected with (a string reason arrives as itself), or `resolved` if it did not reject. */
  reason: unknown;
  /** Milliseconds from `abort()` to the rejection, on the page's clock. */
  abortMs: number;
  /** Whether the job had reported progress twice before the abort: it was hashing, not starting. */
  hashing: boolean;
  /** Nonces per second of the whole job between its first two reports: the machine as the job found it. */
  rateHs: number;
}

/**
 * The library's abort promise in a page: on a loaded library test page, start
 * `mine(request, options)` with a signal, wait for its second progress report
 * (the job is hashing, at a rate measured between the two), abort with the
 * reason `the user left`, and time the rejection on the page's clock. Every
 * host and backend asserts the promise through this, against
 * `withinPromise(PROMISES.abortMs, slowerOf(r.rateHs / threads, t))`.
 */
export function timeAbort(page: Evaluator, request: string, options: { threads?: number; backend?: string } = {}): Promise<AbortTiming> {
  return page.evaluate(async ({ request, options }) => {
    const { dmint } = globalThis as unknown as LibPageGlobals;
    const controller = new AbortController();
    const reports: { attempts: number; elapsed_s: number }[] = [];
    let reported: () => void = () => {};
    const twoReports = new Promise<void>((resolve) => (reported = resolve));
    const onProgress = (p: { attempts: number; elapsed_s: number }) => {
      if (reports.push(p) === 2) reported();
    };
    const running = dmint.mine(request, { ...options, signal: controller.signal, onProgress }).then(() => 'resolved', (e: unknown) => e);
    // A job that ends before reporting (it should not: nothing meets its target) is no abort to time.
    const hashing = await Promise.race([twoReports.then(() => true), running.then(() => false)]);
    const t0 = performance.now();
    controller.abort('the user left');
    const reason = await running;
    const abortMs = performance.now() - t0;
    const [a, b] = reports;
    const rateHs = a && b && b.elapsed_s > a.elapsed_s ? (b.attempts - a.attempts) / (b.elapsed_s - a.elapsed_s) : 0;
    return { reason: reason instanceof Error ? `${reason.name}: ${reason.message}` : reason, abortMs, hashing, rateHs };
  }, { request, options });
}

/**
 * How long to watch for hashing that must not happen (after a stop, during a pause): long
 * enough for a progress report to come (one and a half intervals), and for a worker still
 * hashing to end two chunks at the rate measured, whichever is longer.
 */
export function quietMs(t: MachineTime): number {
  return Math.ceil(Math.max(1.5 * PROGRESS_INTERVAL_MS, (2 * Number(CHUNK_SIZE) / t.rateHs) * 1000));
}
