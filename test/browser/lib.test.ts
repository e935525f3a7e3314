// The browser library (dist/browser/index.js and its worker) in Debian's
// Chromium, imported by a small page (test/browser/lib-page/) the way an app or
// an Electron renderer would: not cross-origin isolated (no SharedArrayBuffer)
// under the CSP script-src 'self' 'wasm-unsafe-eval', and once isolated. Windows
// ending at known nonces keep each search short.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../support/browser.ts';
import { serveLib, type LibServer } from '../support/lib-server.ts';
import { fixture } from '../support/vectors.ts';

type Lib = typeof import('../../src/browser/lib.ts');
type Miner = InstanceType<Lib['Miner']>;
/** What test/browser/lib-page/page.js puts on the page's global object. */
interface PageGlobals {
  dmint: Lib;
  testing: {
    sleep(ms: number): Promise<void>;
    peakThreads(miner: Miner, ms: number): Promise<number>;
    peakUntil(miner: Miner, promise: Promise<unknown>): Promise<number>;
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
// Its nonce is the lowest valid one from 0, so any window ending at it holds no other.
const deep = vector('pyrxd-test-0cf3-fd362814');
const endless = requestOf('gen-w4-8403');
/** A job whose answer is `deep`'s nonce after about `lead` nonces of search. */
const deepJob = (lead: number) => ({ request: requestOf(deep.id), start: deep.nonce_int_le - lead, count: lead + 1000 });

/** A page with everything it logs (any console message at all) and requests recorded. */
interface TestPage {
  page: Page;
  /** Console messages of every type, and uncaught errors: the library must log nothing. */
  logs: string[];
  requests: string[];
  close(): Promise<void>;
}

describe.skipIf(!hasChromium)('the browser library (dist/browser) in Chromium', () => {
  let browser: Browser;
  let plain: LibServer;
  let isolated: LibServer;
  let noWasm: LibServer;
  const open: TestPage[] = [];

  beforeAll(async () => {
    [plain, isolated, noWasm, browser] = await Promise.all([
      serveLib({ isolation: false }), serveLib({ isolation: true }), serveLib({ isolation: false, wasmCsp: false }), launchChromium(),
    ]);
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

  /** `busy` and `hashed` of every worker of the page (a worker that cannot answer within 500 ms is busy). */
  const workerStates = (p: TestPage) => Promise.all(p.page.workers().map((w) => Promise.race([
    w.evaluate(() => (globalThis as unknown as { dmintWorker: { busy: boolean; hashed: number } }).dmintWorker),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a worker is still busy')), 500)),
  ])));

  it('mine() answers vectors in windows ending at their nonce (V1, V2), exhausts a range without one, and rejects bad input, without isolation', async () => {
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
    const jobs = [
      { id: deep.id, request: requestOf(deep.id), threads: 2, start: deep.nonce_int_le - 1_000_000, count: 1_001_000 },
      ...['gen-w4-11127', 'gen-w8-1282'].map((id) => ({ id, request: requestOf(id), threads: id.includes('w8') ? 1 : 2, start: vector(id).nonce_int_le - 300_000, count: 301_000 })),
      { id: 'gen-w4-8403', request: endless, threads: 2, start: 0, count: 300_000 },
    ];
    const results = await p.page.evaluate(async (list) => {
      const { dmint } = globalThis as unknown as PageGlobals;
      const out = [];
      for (const j of list) out.push(await dmint.mine(j.request, { threads: j.threads, start: j.start, count: j.count }));
      return out;
    }, jobs);
    for (const [i, id] of [deep.id, 'gen-w4-11127', 'gen-w8-1282'].entries()) {
      expect(results[i], id).toMatchObject({ nonce_hex: vector(id).nonce_hex });
      expect(Object.keys(results[i]), id).toEqual(['nonce_hex', 'attempts', 'elapsed_s']);
    }
    // Every nonce below the answer was hashed, whatever the thread count.
    expect((results[0] as { attempts: number }).attempts).toBeGreaterThanOrEqual(1_000_001);
    expect(results[3]).toEqual({ exhausted: true });

    const errors = await p.page.evaluate(async ({ request }) => {
      const { dmint } = globalThis as unknown as PageGlobals;
      const bad = await dmint.mine({ preimage_hex: 'ab', target_hex: '7fffffffffffffff', nonce_width: 4 }).catch((e: unknown) => e);
      const range = await dmint.mine(request, { start: 2 ** 32 }).catch((e: unknown) => e);
      const fraction = await dmint.mine(request, { start: 0.5 }).catch((e: unknown) => e);
      return [bad instanceof dmint.RequestError, (bad as Error).name, range instanceof RangeError, fraction instanceof RangeError];
    }, { request: endless });
    expect(errors).toEqual([true, 'RequestError', true, true]);
    expect(p.requests.some((u) => u.endsWith('/dist/browser/worker.js'))).toBe(true);
    await expectClean(p, plain);
  });

  it('applies setThreads to the running job, down (surplus workers end) and up (beyond the cores), without changing the answer', async () => {
    const p = await libPage(plain);
    const job = deepJob(10_000_000);
    await p.page.evaluate((j) => {
      const { dmint, testing } = globalThis as unknown as PageGlobals;
      const miner = new dmint.Miner({ threads: 2 });
      testing.state.miner = miner;
      testing.state.answer = miner.mine(j.request, { start: j.start, count: j.count });
      testing.state.answer.catch(() => {});
    }, job);
    const phase = (threads: number | null) => p.page.evaluate(async (n) => {
      const { testing } = globalThis as unknown as PageGlobals;
      const miner = testing.state.miner as Miner;
      const down = n !== null && n < miner.threads;
      if (n !== null) miner.setThreads(n);
      if (down) await testing.sleep(100); // surplus workers hand back within a batch
      else await testing.untilAllActive(miner); // new workers start (slower on a loaded machine)
      return [miner.threads, await testing.peakThreads(miner, 400)];
    }, threads);
    expect(await phase(null)).toEqual([2, 2]);
    await expect.poll(() => p.page.workers().length).toBe(2);
    expect(await phase(1)).toEqual([1, 1]);
    await expect.poll(() => p.page.workers().length, { timeout: 1000 }).toBe(1);
    expect(await phase(3)).toEqual([3, 3]);
    await expect.poll(() => p.page.workers().length).toBe(3);
    const end = await p.page.evaluate(async () => {
      const { testing } = globalThis as unknown as PageGlobals;
      const miner = testing.state.miner as Miner;
      miner.setThreads(2);
      const r = await testing.state.answer;
      const after = [miner.activeThreads, miner.jobs];
      await miner.close();
      return { r, after };
    });
    expect(end.r).toMatchObject({ nonce_hex: deep.nonce_hex });
    expect(end.after).toEqual([0, 0]);
    await expectClean(p, plain);
  });

  it('pause really stops hashing (attempts frozen, every worker idle) and resume finishes with the same answer', async () => {
    const p = await libPage(plain);
    const job = deepJob(8_000_000);
    const paused = await p.page.evaluate(async (j) => {
      const { dmint, testing } = globalThis as unknown as PageGlobals;
      const miner = new dmint.Miner({ threads: 2 });
      const state = testing.state;
      state.miner = miner;
      state.answer = miner.mine(j.request, {
        start: j.start, count: j.count,
        onProgress: (pr) => (state.last = { attempts: pr.attempts, watermark: String(pr.watermark) }),
      });
      state.answer.catch(() => {});
      await testing.sleep(1000);
      miner.pause();
      await testing.sleep(700); // a progress tick after the workers handed back
      return { paused: miner.paused, frozen: state.last as { attempts: number; watermark: string } };
    }, job);
    expect(paused.paused).toBe(true);
    expect(paused.frozen.attempts).toBeGreaterThan(0);
    const before = await workerStates(p);
    expect(before.length).toBe(2); // a pause keeps the workers, idle
    for (const s of before) expect(s.busy).toBe(false);
    const still = await p.page.evaluate(async () => {
      const { testing } = globalThis as unknown as PageGlobals;
      return { peak: await testing.peakThreads(testing.state.miner as Miner, 700), last: testing.state.last as { attempts: number; watermark: string } };
    });
    expect(still.peak).toBe(0);
    expect(still.last.attempts).toBe(paused.frozen.attempts);
    expect(BigInt(still.last.watermark)).toBeGreaterThan(BigInt(job.start));
    expect(await workerStates(p)).toEqual(before);
    const r = await p.page.evaluate(async () => {
      const { testing } = globalThis as unknown as PageGlobals;
      const miner = testing.state.miner as Miner;
      miner.resume();
      const answer = await testing.state.answer;
      await miner.close();
      return answer;
    });
    expect(r).toMatchObject({ nonce_hex: deep.nonce_hex });
    // Every nonce below the answer was hashed; a pause loses nothing below it.
    expect((r as { attempts: number }).attempts).toBeGreaterThanOrEqual(job.count - 1000 + 1);
    await expectClean(p, plain);
  });

  it('aborting a job rejects within 200 ms with the signal\'s reason (AbortError by default) and leaves other jobs running', async () => {
    const p = await libPage(plain);
    const r = await p.page.evaluate(async ({ endless, kept }) => {
      const { dmint, testing } = globalThis as unknown as PageGlobals;
      const miner = new dmint.Miner({ threads: 2 });
      const controller = new AbortController();
      const doomed = miner.mine(endless, { signal: controller.signal }).catch((e: unknown) => e);
      const other = miner.mine(kept.request, { start: kept.start, count: kept.count });
      await testing.sleep(400);
      let t = performance.now();
      controller.abort();
      const err = await doomed;
      const abortMs = performance.now() - t;
      const answer = await other;
      await miner.close();

      // The one-shot mine(): a reason of the caller's own, and a signal aborted before the call.
      const c2 = new AbortController();
      const oneShot = dmint.mine(endless, { threads: 2, signal: c2.signal }).catch((e: unknown) => e);
      await testing.sleep(300);
      t = performance.now();
      c2.abort('the user left');
      const reason = await oneShot;
      const oneShotMs = performance.now() - t;
      const pre = new AbortController();
      pre.abort();
      const early = await dmint.mine(endless, { signal: pre.signal }).catch((e: unknown) => e);
      return {
        abortMs, name: (err as Error).name, isDomException: err instanceof DOMException, answer,
        oneShotMs, reason, early: (early as Error).name,
      };
    }, { endless, kept: deepJob(3_000_000) });
    expect(r.abortMs).toBeLessThan(200);
    expect([r.name, r.isDomException]).toEqual(['AbortError', true]);
    expect(r.answer).toMatchObject({ nonce_hex: deep.nonce_hex });
    expect(r.oneShotMs).toBeLessThan(200);
    expect(r.reason).toBe('the user left');
    expect(r.early).toBe('AbortError');
    await expectClean(p, plain);
  });

  it('shares its workers among concurrent jobs and answers each', async () => {
    const p = await libPage(plain);
    const ids = ['gen-w4-11127', 'gen-w4-506', 'gen-w8-409'];
    const jobs = ids.map((id) => ({ request: requestOf(id), start: vector(id).nonce_int_le - 800_000, count: 900_000 }));
    const r = await p.page.evaluate(async ({ jobs, endless }) => {
      const { dmint, testing } = globalThis as unknown as PageGlobals;
      const miner = new dmint.Miner({ threads: 2, chunkSize: 65536n });
      const running = jobs.map((j) => miner.mine(j.request, { start: j.start, count: j.count }));
      running.push(miner.mine(endless, { count: 1_000_000 }));
      const jobsNow = miner.jobs;
      const all = Promise.all(running);
      const peak = await testing.peakUntil(miner, all);
      const results = await all;
      const after = miner.jobs;
      await miner.close();
      return { jobsNow, peak, results, after };
    }, { jobs, endless });
    expect(r.jobsNow).toBe(4);
    expect(r.peak).toBe(2);
    expect(r.results).toEqual([...ids.map((id) => expect.objectContaining({ nonce_hex: vector(id).nonce_hex })), { exhausted: true }]);
    expect(r.after).toBe(0);
    await expectClean(p, plain);
  });

  it('close() rejects running and paused jobs with AbortError and terminates every worker; a closed miner refuses work', async () => {
    const p = await libPage(plain);
    await p.page.evaluate(async (endless) => {
      const { dmint, testing } = globalThis as unknown as PageGlobals;
      const miner = new dmint.Miner({ threads: 2 });
      testing.state.miner = miner;
      testing.state.running = miner.mine(endless).catch((e: unknown) => e);
      await testing.untilAllActive(miner);
    }, endless);
    await expect.poll(() => p.page.workers().length).toBe(2);
    const r = await p.page.evaluate(async (endless) => {
      const { testing } = globalThis as unknown as PageGlobals;
      const miner = testing.state.miner as Miner;
      miner.pause();
      const t = performance.now();
      await miner.close();
      const err = await testing.state.running;
      const ms = performance.now() - t;
      const refused = await miner.mine(endless).catch((e: unknown) => (e as Error).name);
      let threw = '';
      try {
        miner.setThreads(2);
      } catch (e) {
        threw = (e as Error).message;
      }
      return { name: (err as Error).name, ms, refused, threw, jobs: miner.jobs };
    }, endless);
    expect(r.name).toBe('AbortError');
    expect(r.ms).toBeLessThan(200);
    expect(r.refused).toBe('AbortError');
    expect(r.threw).toMatch(/closed/);
    expect(r.jobs).toBe(0);
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
