// What must hold in every browser engine, as one suite an engine variant is run through
// (test/browser/engines.test.ts runs Firefox ESR and WebKitGTK; npm run test:long adds
// WebKitGTK with JavaScriptCore's SharedArrayBuffer on). Chromium runs the full suites
// instead (page.test.ts, page-users.test.ts, lib.test.ts, miner.contract.test.ts), which
// hold all of this and more. Each engine runs:
//   - the page: the lowest hit in a window with its verification, exhaustion,
//     Stop within half a second, and the scheduling path with its true reason
//     on an isolated and on a plain page;
//   - the library under the strict CSP (script-src 'self' 'wasm-unsafe-eval'),
//     isolated and not: its path, mine() to the lowest hit, an abort within
//     200 ms, and verifySolution with the engine's own SHA-256 (exhaustion is
//     the page's, on the same Miner).
// One page per engine serves every case (a WebKit page is a browser process of
// its own); the bounds scale with the batch time measured in that engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchEngine, waitInPage, type EngineBrowser, type EngineName, type EnginePage } from '../../scripts/engines.mjs';
import { PROMISES, withinPromise, type MachineTime } from '../support/budgets.ts';
import { jobLink, measureBrowser, pageTime, quietMs, serveWeb, slowerOf, timeAbort, type WebServer } from '../support/browser.ts';
import { serveLib, type LibServer } from '../support/lib-server.ts';
import { needs } from '../support/skips.ts';
import { vectorById as vector, vectorRequest as request } from '../support/vectors.ts';

/** One engine, set up one way, and where it offers shared memory. */
export interface Variant {
  name: string;
  engine: EngineName;
  jscSharedArrayBuffer?: boolean;
  /** Where this engine offers SharedArrayBuffer and Atomics.wait: on isolated pages only, everywhere, or nowhere. */
  sharesMemory: 'isolated' | 'always' | 'never';
}

/** Firefox ESR: SharedArrayBuffer on cross-origin isolated pages, as in every Firefox. */
export const FIREFOX: Variant = { name: 'Firefox ESR', engine: 'firefox', sharesMemory: 'isolated' };
/** WebKitGTK as installed: JavaScriptCore's SharedArrayBuffer stays off, even on isolated pages. */
export const WEBKIT: Variant = { name: 'WebKitGTK', engine: 'webkit', sharesMemory: 'never' };
/**
 * WebKitGTK with JavaScriptCore's SharedArrayBuffer option on, for every page, isolated or not:
 * the shared path in JavaScriptCore, as Safari offers it on isolated pages.
 */
export const WEBKIT_SHARED: Variant = { name: 'WebKitGTK with SharedArrayBuffer forced on', engine: 'webkit', jscSharedArrayBuffer: true, sharesMemory: 'always' };

const HIT_LINE = /^\{"nonce_hex":"[0-9a-f]{8}","attempts":\d+,"elapsed_s":\d+(\.\d+)?(e-\d+)?\}$/;
const EXHAUSTED = '{"exhausted":true}';
const ENDS = ['found', 'exhausted', 'error', 'stopped'];

/** The page's state, its result line, its path and build, its message and the card's path sentence. */
const pageView = (p: EnginePage) => p.evaluate(() => ({
  state: document.body.dataset.state ?? '',
  result: document.getElementById('result')!.textContent ?? '',
  mode: document.body.dataset.mode ?? '',
  build: document.body.dataset.build ?? '',
  message: document.getElementById('message')!.textContent ?? '',
  modeCard: document.getElementById('env-mode')!.textContent ?? '',
  verified: document.getElementById('verified')!.textContent ?? '',
  attempts: document.getElementById('attempts')!.textContent ?? '',
  isolated: crossOriginIsolated,
}));

/** Wait until the page's state is one of `states`. */
const untilState = (p: EnginePage, states: string[], timeoutMs = 60_000) =>
  waitInPage(p, `the page is ${states.join(' or ')}`, (s) => s.includes(document.body.dataset.state ?? ''), states, timeoutMs);

/**
 * The suite every engine but Chromium runs (see the head of this file), for `variant`:
 * skipped, with the package that would run it, where that engine is not installed.
 */
export function engineSuite(variant: Variant): void {
  describe(`the page and the library in ${variant.name}`, needs(variant.engine), () => {
    let browser: EngineBrowser;
    /** One page for every case: a WebKit page is a MiniBrowser process of its own, seconds to start. */
    let page: EnginePage;
    let isolated: WebServer;
    let plain: WebServer;
    let libIsolated: LibServer;
    let libPlain: LibServer;
    /** This engine's workers now: the bounds of its promises scale with its batch time. */
    let t: MachineTime;

    beforeAll(async () => {
      [browser, isolated, plain, libIsolated, libPlain] = await Promise.all([
        launchEngine(variant.engine, { jscSharedArrayBuffer: variant.jscSharedArrayBuffer }),
        serveWeb(), serveWeb(['--no-isolation']), serveLib({ isolation: true }), serveLib({ isolation: false }),
      ]);
      page = await browser.newPage();
      await page.goto(libPlain.url);
      await waitInPage(page, 'the library is imported', () => document.body.dataset.ready === '1', undefined, 10_000);
      t = await measureBrowser(page);
    });

    afterAll(async () => {
      await page?.close();
      await browser?.close();
      await Promise.all([isolated?.close(), plain?.close(), libIsolated?.close(), libPlain?.close()]);
    });

    /**
     * The page at `url` for `use`; afterwards its origin's storage is cleared and the page left
     * for a blank one (its workers end), so the next case starts as on a fresh visit.
     */
    async function withPage<T>(url: string, use: (p: EnginePage) => Promise<T>): Promise<T> {
      await page.goto(url);
      try {
        return await use(page);
      } finally {
        await page.evaluate(() => localStorage.clear()).catch(() => {});
        await page.goto('about:blank');
      }
    }

    it('page, cross-origin isolated: the lowest hit in a window, verified, on the path the engine offers, with the true reason', async () => {
      const v = vector('gen-w4-506');
      const view = await withPage(jobLink(isolated.url, request('gen-w4-506'), { threads: 2, start: v.nonce_int_le - 600_000, count: 1_000_000, autostart: 1 }), async (p) => {
        await untilState(p, ENDS);
        return pageView(p);
      });
      expect(view.state, view.message).toBe('found');
      expect(view.result).toMatch(HIT_LINE);
      expect(JSON.parse(view.result).nonce_hex).toBe(v.nonce_hex);
      expect(view.verified).toContain('SHA-256');
      expect(view.build).toBe('simd');
      expect(view.isolated).toBe(true);
      expect(view.mode).toBe(variant.sharesMemory === 'never' ? 'messages' : 'shared');
      // An isolated page never blames isolation.
      expect(view.modeCard).not.toContain('not cross-origin isolated');
      expect(view.modeCard).toBe(variant.sharesMemory !== 'never'
        ? 'Shared memory: the page is cross-origin isolated and this browser offers SharedArrayBuffer and Atomics.wait, so the workers share the search through a SharedArrayBuffer'
        : 'Messages: the page is cross-origin isolated, but this browser offers no SharedArrayBuffer, so the workers get their work by message');
    });

    it('page, not isolated: exhausts a range with no valid nonce, on the path the engine offers there, and says why', async () => {
      const view = await withPage(jobLink(plain.url, request('gen-w4-8403'), { threads: 2, start: 0, count: 300_000 }), async (p) => {
        await untilState(p, ['idle', 'error']);
        await p.evaluate(() => document.getElementById('start-btn')!.click());
        await untilState(p, ENDS);
        return pageView(p);
      });
      expect(view.state, view.message).toBe('exhausted');
      expect(view.result).toBe(EXHAUSTED);
      expect(view.attempts).toBe('300,000');
      expect(view.isolated).toBe(false);
      if (variant.sharesMemory === 'always') {
        expect(view.mode).toBe('shared');
        expect(view.modeCard).toMatch(/^Shared memory: this browser offers SharedArrayBuffer and Atomics.wait without cross-origin isolation/);
      } else {
        expect(view.mode).toBe('messages');
        expect(view.modeCard).toMatch(/^Messages: the page is not cross-origin isolated/);
      }
    });

    it('page: Stop ends an endless search within half a second, and nothing is hashed after it; nothing animates while mining', async () => {
      const r = await withPage(jobLink(isolated.url, request('gen-w4-8403', '0000000000000001'), { threads: 2, autostart: 1 }), async (p) => {
        await untilState(p, ['mining', 'error']);
        await waitInPage(p, 'a million nonces are searched', () => Number(document.getElementById('attempts')!.textContent!.replace(/,/g, '')) > 1_000_000);
        const animations = await p.evaluate(() => document.getAnimations().map((a) => (a as CSSAnimation).animationName ?? a.constructor.name));
        // The rate the page measures now: a load that came after the suite's measurement stretches the bound too.
        await waitInPage(p, 'the page measures its rate', () => document.getElementById('eta')!.dataset.rate !== undefined);
        const now = await pageTime(p, 2, t);
        // Measured in the page: click, then the state the page reaches once every worker is halted.
        const clickToStopped = await p.evaluate(async () => {
          const t0 = performance.now();
          document.getElementById('stop-btn')!.click();
          while (!['stopped', 'error'].includes(document.body.dataset.state ?? '') && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
          return performance.now() - t0;
        });
        const stopped = await pageView(p);
        const stopMs = await p.evaluate(() => Number(document.body.dataset.stopMs));
        // Long enough for a progress report, and for a worker still hashing to end a chunk or two.
        await new Promise((r) => setTimeout(r, quietMs(t)));
        return { animations, clickToStopped, stopMs, stopped, later: await pageView(p), now };
      });
      expect(r.animations).toEqual([]);
      expect(r.stopped.state, r.stopped.message).toBe('stopped');
      expect(r.stopMs).toBeLessThan(withinPromise(PROMISES.stopMs, r.now));
      expect(r.clickToStopped).toBeLessThan(withinPromise(PROMISES.stopMs, r.now));
      expect(r.later.attempts).toBe(r.stopped.attempts);
      expect(r.stopped.result).toBe('');
    });

    it('library under the strict CSP, not isolated and isolated: its path, mine() to the lowest hit, an abort within 200 ms, and verifySolution with the engine\'s SHA-256', async () => {
      const v = vector('gen-w8-1282');
      const endless = request('gen-w4-8403', '0000000000000001');
      for (const isolation of [false, true]) {
        const r = await withPage((isolation ? libIsolated : libPlain).url, async (p) => {
          await waitInPage(p, 'the library is imported', () => document.body.dataset.ready === '1', undefined, 10_000);
          const inPage = await p.evaluate(async ({ hit, nonce }) => {
            type Lib = typeof import('../../src/browser/lib.ts');
            const { dmint } = globalThis as unknown as { dmint: Lib };
            const miner = new dmint.Miner({ threads: 2 });
            const mode = miner.mode;
            await miner.close();
            const answer = await dmint.mine(hit.request, { threads: 2, start: hit.start, count: hit.count });
            // The engine's own WebCrypto, independent of the kernel: the nonce solves the job, the next one does not.
            const job = dmint.parseRequest(hit.request);
            const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
            const good = (await dmint.verifySolution(job, dmint.nonceFromHex(nonce, job.nonceWidth), sha256)).valid;
            const bad = (await dmint.verifySolution(job, dmint.nonceFromHex(nonce, job.nonceWidth) + 1n, sha256)).valid;
            return { mode, answer, good, bad, support: dmint.sharedMemorySupport() };
          }, { hit: { request: request(v.id), start: v.nonce_int_le - 300_000, count: 301_000 }, nonce: v.nonce_hex });
          return { ...inPage, abort: await timeAbort(p, endless, { threads: 2 }) };
        });
        const what = isolation ? 'isolated' : 'not isolated';
        const shared = variant.sharesMemory === 'always' || (isolation && variant.sharesMemory === 'isolated');
        expect(r.mode, what).toBe(shared ? 'shared' : 'messages');
        expect(r.support.shared, what).toBe(r.mode === 'shared');
        expect(r.answer, what).toMatchObject({ nonce_hex: v.nonce_hex });
        expect([r.good, r.bad], what).toEqual([true, false]);
        expect(r.abort, what).toMatchObject({ reason: 'the user left', hashing: true });
        expect(r.abort.abortMs, what).toBeLessThan(withinPromise(PROMISES.abortMs, slowerOf(r.abort.rateHs / 2, t)));
      }
    });
  });
}
