// The browser library (dist/browser/index.js and its worker) in Debian's
// Chromium, imported by a small page (test/browser/lib-page/) the way an app or
// an Electron renderer would: not cross-origin isolated (no SharedArrayBuffer)
// under the CSP script-src 'self' 'wasm-unsafe-eval', and once isolated. Here is
// what only the browser host does: the one-shot mine(), its workers (started,
// ended, idle), the workerUrl option, a CSP without WebAssembly, a silent
// console. What both Miners promise is the contract in
// test/contract/miner-contract.ts, run by miner.contract.test.ts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMISES, withinPromise, type MachineTime } from '../support/budgets.ts';
import { launchChromium, measureBrowser, quietMs, timeAbort } from '../support/browser.ts';
import { needs } from '../support/skips.ts';
import { serveLib, type LibServer } from '../support/lib-server.ts';
import { fixture } from '../support/vectors.ts';

type Lib = typeof import('../../src/browser/lib.ts');
type Miner = InstanceType<Lib['Miner']>;
/** What test/browser/lib-page/page.js puts on the page's global object. */
interface PageGlobals {
  dmint: Lib;
  testing: {
    sleep(ms: number): Promise<void>;
    untilAllActive(miner: Miner, ms?: number): Promise<void>;
    state: Record<string, any>;
  };
}

const MAX = '7fffffffffffffff';
const vector = (id: string) => fixture.pow_vectors.find((v) => v.id === id)!;
const requestOf = (id: string) => {
  const v = vector(id);
  return JSON.stringify({ preimage_hex: v.preimage_hex, target_hex: MAX, nonce_width: v.nonce_width });
};
const endless = requestOf('gen-w4-8403');

/** A page with everything it logs (any console message at all) and requests recorded. */
interface TestPage {
  page: Page;
  /** Console messages of every type, and uncaught errors: the library must log nothing. */
  logs: string[];
  requests: string[];
  close(): Promise<void>;
}

describe('the browser library (dist/browser) in Chromium', needs('chromium'), () => {
  let browser: Browser;
  let plain: LibServer;
  let isolated: LibServer;
  let noWasm: LibServer;
  const open: TestPage[] = [];
  /** This Chromium's workers now: how long to watch idle workers, how long one may take to answer. */
  let t: MachineTime;

  beforeAll(async () => {
    [plain, isolated, noWasm, browser] = await Promise.all([
      serveLib({ isolation: false }), serveLib({ isolation: true }), serveLib({ isolation: false, wasmCsp: false }), launchChromium(),
    ]);
    const probe = await libPage(plain);
    t = await measureBrowser(probe.page);
    await probe.close();
  });

  afterAll(async () => {
    await Promise.all(open.map((p) => p.close().catch(() => {})));
    await browser?.close();
    await Promise.all([plain, isolated, noWasm].map((s) => s?.close()));
  });

  /** Open the test page on `server` and wait until the library is imported. */
  async function libPage(server: LibServer): Promise<TestPage> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const p: TestPage = { page, logs: [], requests: [], close: () => context.close() };
    open.push(p);
    page.on('console', (m) => p.logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => p.logs.push(`pageerror: ${e.message}`));
    context.on('request', (r) => p.requests.push(r.url()));
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toBe(server.csp);
    await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 10_000 });
    return p;
  }

  /** Nothing logged, nothing requested from another origin, and no worker left once every miner is closed. */
  async function expectClean(p: TestPage, server: LibServer): Promise<void> {
    expect(p.logs).toEqual([]);
    for (const url of p.requests) expect(url.startsWith(server.url), url).toBe(true);
    await expect.poll(() => p.page.workers().length, { timeout: 2000 }).toBe(0);
    await p.close();
  }

  /** `busy` and `hashed` of every worker of the page (one that cannot answer within the stop promise is busy). */
  const workerStates = (p: TestPage) => Promise.all(p.page.workers().map((w) => Promise.race([
    w.evaluate(() => (globalThis as unknown as { dmintWorker: { busy: boolean; hashed: number } }).dmintWorker),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a worker is still busy')), withinPromise(PROMISES.stopMs, t))),
  ])));

  it('mine() answers in a window ending at a nonce, rejects bad input, and rejects on an abort with the caller\'s reason; a Miner has sane defaults', async () => {
    const p = await libPage(plain);
    expect(await p.page.evaluate(() => [crossOriginIsolated, typeof SharedArrayBuffer])).toEqual([false, 'undefined']);
    // Defaults: one thread per logical core, the SIMD build; a miner with no job starts no worker.
    expect(await p.page.evaluate(async () => {
      const { dmint } = globalThis as unknown as PageGlobals;
      const miner = new dmint.Miner();
      const seen = [miner.threads === navigator.hardwareConcurrency, miner.build, miner.activeThreads, miner.jobs];
      await miner.close();
      return seen;
    })).toEqual([true, 'simd', 0, 0]);
    expect(p.page.workers().length).toBe(0);
    const v = vector('gen-w8-1282');
    const r = await p.page.evaluate(async ({ j, endless }) => {
      const { dmint } = globalThis as unknown as PageGlobals;
      const answer = await dmint.mine(j.request, { threads: 2, start: j.start, count: j.count });

      const bad = await dmint.mine({ preimage_hex: 'ab', target_hex: '7fffffffffffffff', nonce_width: 4 }).catch((e: unknown) => e);
      const range = await dmint.mine(endless, { start: 2 ** 32 }).catch((e: unknown) => e);
      const threads = await dmint.mine(endless, { threads: 0 }).catch((e: unknown) => e);

      const pre = new AbortController();
      pre.abort();
      const early = await dmint.mine(endless, { signal: pre.signal }).catch((e: unknown) => e);
      return {
        answer, errors: [bad instanceof dmint.RequestError, (bad as Error).name, range instanceof RangeError, threads instanceof RangeError],
        early: [(early as Error).name, early instanceof DOMException],
      };
    }, { j: { request: requestOf(v.id), start: v.nonce_int_le - 300_000, count: 301_000 }, endless });
    expect(r.answer).toMatchObject({ nonce_hex: v.nonce_hex });
    expect((r.answer as { attempts: number }).attempts).toBeGreaterThanOrEqual(300_001);
    expect(r.errors).toEqual([true, 'RequestError', true, true]);
    expect(r.early).toEqual(['AbortError', true]);
    // An abort mid-job rejects with the caller's reason. How soon is the Miner's promise, which
    // the contract asserts in Chromium (miner.contract.test.ts) and engines.test.ts elsewhere.
    expect(await timeAbort(p.page, endless, { threads: 2 })).toMatchObject({ reason: 'the user left', hashing: true });
    expect(p.requests.some((u) => u.endsWith('/dist/browser/worker.js'))).toBe(true);
    await expectClean(p, plain);
  });

  it('keeps one worker per thread: surplus workers end after setThreads down, a pause leaves them idle, close() ends them all', async () => {
    const p = await libPage(plain);
    const untilAllActive = () => p.page.evaluate(async () => {
      const { testing } = globalThis as unknown as PageGlobals;
      await testing.untilAllActive(testing.state.miner as Miner);
    });
    await p.page.evaluate((endless) => {
      const { dmint, testing } = globalThis as unknown as PageGlobals;
      const miner = new dmint.Miner({ threads: 2 });
      testing.state.miner = miner;
      testing.state.running = miner.mine(endless).catch((e: unknown) => e);
    }, endless);
    await untilAllActive();
    await expect.poll(() => p.page.workers().length).toBe(2);
    await p.page.evaluate(() => ((globalThis as unknown as PageGlobals).testing.state.miner as Miner).setThreads(1));
    await expect.poll(() => p.page.workers().length, { timeout: 1000 }).toBe(1);
    await p.page.evaluate(() => ((globalThis as unknown as PageGlobals).testing.state.miner as Miner).setThreads(2));
    await untilAllActive();
    await expect.poll(() => p.page.workers().length).toBe(2);
    await p.page.evaluate(async () => {
      const { testing } = globalThis as unknown as PageGlobals;
      const miner = testing.state.miner as Miner;
      miner.pause();
      for (const end = performance.now() + 1000; miner.activeThreads > 0 && performance.now() < end;) await testing.sleep(5);
    });
    // Every worker is kept for the resume, answers at once (idle), and hashes nothing more.
    const before = await workerStates(p);
    expect(before.length).toBe(2);
    for (const s of before) expect(s.busy).toBe(false);
    await p.page.waitForTimeout(quietMs(t));
    expect(await workerStates(p)).toEqual(before);
    const name = await p.page.evaluate(async () => {
      const { testing } = globalThis as unknown as PageGlobals;
      await (testing.state.miner as Miner).close();
      return ((await testing.state.running) as Error).name;
    });
    expect(name).toBe('AbortError');
    await expectClean(p, plain);
  });

  it('mines the same way on a cross-origin isolated page, with the worker at a workerUrl of the caller\'s', async () => {
    const p = await libPage(isolated);
    const v = vector('gen-w4-11127');
    const r = await p.page.evaluate(async (j) => {
      const { dmint } = globalThis as unknown as PageGlobals;
      const answer = await dmint.mine(j.request, { threads: 2, start: j.start, count: j.count, workerUrl: '/alt/worker.js' });
      return { answer, isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer };
    }, { request: requestOf(v.id), start: v.nonce_int_le - 500_000, count: 501_000 });
    expect(r.answer).toMatchObject({ nonce_hex: v.nonce_hex });
    expect([r.isolated, r.sab]).toEqual([true, 'function']);
    expect(p.requests.some((u) => u.endsWith('/alt/worker.js'))).toBe(true);
    expect(p.requests.some((u) => u.endsWith('/dist/browser/worker.js'))).toBe(false);
    await expectClean(p, isolated);
  });

  it('rejects with a SupportError naming \'wasm-unsafe-eval\' where the CSP blocks WebAssembly, instead of hanging', async () => {
    const p = await libPage(noWasm);
    const r = await p.page.evaluate(async (request) => {
      const { dmint } = globalThis as unknown as PageGlobals;
      const t = performance.now();
      const err = await dmint.mine(request, { threads: 2 }).catch((e: unknown) => e);
      return { ms: performance.now() - t, isSupport: err instanceof dmint.SupportError, problem: (err as InstanceType<Lib['SupportError']>).problem, message: (err as Error).message };
    }, endless);
    expect(r).toMatchObject({ isSupport: true, problem: 'csp' });
    expect(r.message).toContain("'wasm-unsafe-eval'");
    expect(r.ms).toBeLessThan(5000);
    // The browser itself reports the CSP violation on the console; the library adds nothing.
    expect(p.logs.filter((l) => !/Content Security Policy/i.test(l))).toEqual([]);
    await expect.poll(() => p.page.workers().length, { timeout: 2000 }).toBe(0);
  });
});
