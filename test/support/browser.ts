// Helpers for the browser end-to-end tests: the static server (the real
// scripts/serve-web.mjs or `dmint-miner web`, on port 0) and Debian's Chromium through playwright-core
// (the other engines: scripts/engines.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { CHROMIUM_ARGS, ENGINE_PATHS } from '../../scripts/engines.mjs';

export { CHROMIUM_ARGS };
/** Where Debian's chromium package puts the browser (`.ci/run` installs it when missing). */
export const CHROMIUM = ENGINE_PATHS.chromium;
/** Whether the browser suites can run on this machine. */
export const hasChromium = existsSync(CHROMIUM);

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

/** The attempts the page shows (`#attempts`), as a number. */
export const attempts = async (page: Page): Promise<number> => Number((await text(page, '#attempts')).replace(/,/g, ''));

/** Poll `check` every 50 ms until it holds; fail with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Type a job into the page's form, as a user would (each field's input event fires): the request and the range, empty by default. */
export async function fillJob(page: Page, job: { request: string; start?: string | number; count?: string | number }): Promise<void> {
  await page.fill('#request', job.request);
  await page.fill('#start', String(job.start ?? ''));
  await page.fill('#count', String(job.count ?? ''));
}
