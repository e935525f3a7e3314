// The mining page end to end in Debian's Chromium (playwright-core), served by
// the real scripts/serve-web.mjs: with cross-origin isolation (shared-memory
// scheduling), without it (message scheduling), and with a CSP that blocks
// WebAssembly. Small windows around known nonces keep the suite short; a window
// a case acts on while it runs is sized from the rate this Chromium hashes at now.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMISES, nonceWindow, until, withinPromise, type MachineTime } from '../support/budgets.ts';
import { runCli } from '../support/cli.ts';
import {
  PageSet, attempts, clickUntilState, expectStill, jobLink, launchChromium, measureInBrowser, pageTime, quietMs, serveWeb, strayActivity, text, untilSettled, waitForState, workerStates,
  type WatchedPage, type WebServer,
} from '../support/browser.ts';
import { needs } from '../support/skips.ts';
import { vectorById as vector, vectorRequest as request } from '../support/vectors.ts';

const HIT_LINE = /^\{"nonce_hex":"[0-9a-f]{8}","attempts":\d+,"elapsed_s":\d+(\.\d+)?(e-\d+)?\}$/;
const RESULTS = new URL('../../test-results/', import.meta.url);


const busyWorkers = async (page: Page) => (await workerStates(page)).filter((s) => s.busy).length;
/**
 * Workers that are hashing or have hashed: a shared-memory worker answers only between two pieces,
 * when it is not busy, so its count is what shows it hashing.
 */
const workingWorkers = async (page: Page) => (await workerStates(page)).filter((s) => s.busy || s.hashed > 0).length;

describe('the mining page in Chromium', needs('chromium'), () => {
  let pages: PageSet;
  let isolated: WebServer;
  let plain: WebServer;
  let noWasm: WebServer;
  /** This Chromium's workers now: the rate windows are sized by, the batch time bounds scale with. */
  let t: MachineTime;

  beforeAll(async () => {
    [isolated, plain, noWasm, pages] = await Promise.all([
      serveWeb(), serveWeb(['--no-isolation']), serveWeb(['--no-wasm-csp']), launchChromium().then((b) => new PageSet(b)),
    ]);
    mkdirSync(RESULTS, { recursive: true });
    t = await measureInBrowser(pages);
  });

  afterAll(async () => {
    await pages?.closeAll();
    await Promise.all([isolated, plain, noWasm].map((s) => s?.close()));
  });

  /** A window ending at `v`'s nonce that lasts about `seconds` at two threads: `[start, start + count)`. */
  const windowEndingAt = (v: ReturnType<typeof vector>, seconds: number) => {
    const count = Number(nonceWindow(seconds, t, 2));
    return { start: v.nonce_int_le - count + 1, count };
  };

  const page = (options?: Parameters<PageSet['page']>[0]) => pages.page(options);
  // Cases that time nothing run concurrently (it.concurrent, each in its own context): their
  // waits for pages, workers and the CLI overlap (a window sized by the rate only lasts longer
  // when they share the cores). Cases that time a stop, and the thread count's, run alone.

  /** Nothing logged as an error, and nothing requested from anywhere but the page's own server. */
  function expectClean(p: WatchedPage, server: WebServer): void {
    expect(strayActivity(p, server)).toEqual([]);
    expect(p.requests.length).toBeGreaterThan(0);
  }

  it.concurrent('finds and verifies gen-w4-506 from a #job= link, cross-origin isolated: shared-memory scheduling, the CLI\'s answer', async () => {
    const v = vector('gen-w4-506');
    const start = v.nonce_int_le - 600_000;
    const p = await page();
    await p.page.goto(jobLink(isolated.url, request('gen-w4-506'), { threads: 2, start, count: 1_000_000, autostart: 1 }));
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    const line = await text(p.page, '#result');
    expect(line).toMatch(HIT_LINE);
    expect(JSON.parse(line).nonce_hex).toBe(v.nonce_hex);
    expect(await p.page.evaluate(() => [crossOriginIsolated, document.body.dataset.mode, document.body.dataset.build])).toEqual([true, 'shared', 'simd']);
    expect(await text(p.page, '#env-mode')).toBe('Shared memory: the page is cross-origin isolated and this browser offers SharedArrayBuffer and Atomics.wait, so the workers share the search through a SharedArrayBuffer');
    expect(await p.page.locator('#verified').isVisible()).toBe(true);
    expect(await text(p.page, '#verified')).toContain('WebCrypto SHA-256');

    // The CLI on the same window: same nonce, same keys in the same order.
    const cli = await runCli(['--quiet', '--workers', '2', '--start', String(start), '--count', '1000000'], request('gen-w4-506'));
    expect(cli.code).toBe(0);
    const cliLine = cli.stdout.trimEnd();
    expect(cliLine).toMatch(HIT_LINE);
    expect(Object.keys(JSON.parse(line))).toEqual(Object.keys(JSON.parse(cliLine)));
    expect(JSON.parse(line).nonce_hex).toBe(JSON.parse(cliLine).nonce_hex);
    expectClean(p, isolated);

    await p.page.screenshot({ path: new URL('browser-found.png', RESULTS).pathname, fullPage: true });
  });

  it.concurrent('finds and verifies the PXD mainnet nonce without isolation: message scheduling', async () => {
    const v = vector('pxd-mainnet');
    const p = await page();
    await p.page.goto(jobLink(plain.url, request('pxd-mainnet'), { threads: 2, start: v.nonce_int_le - 700_000, count: 1_000_000, autostart: 1 }));
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    const line = await text(p.page, '#result');
    expect(line).toMatch(HIT_LINE);
    expect(JSON.parse(line).nonce_hex).toBe(v.nonce_hex);
    expect(await p.page.evaluate(() => [crossOriginIsolated, typeof SharedArrayBuffer, document.body.dataset.mode])).toEqual([false, 'undefined', 'messages']);
    expect(await text(p.page, '#verified')).toContain('WebCrypto SHA-256');
    expectClean(p, plain);
  });

  it.concurrent('exhausts a small range with no valid nonce, on both scheduling paths', async () => {
    const cli = await runCli(['--quiet', '--workers', '2', '--start', '0', '--count', '1048576'], request('gen-w4-8403'));
    expect(cli.code).toBe(2);
    for (const server of [isolated, plain]) {
      const p = await page();
      // 4 chunks of 2^18 plus an odd tail, on 3 threads.
      await p.page.goto(jobLink(server.url, request('gen-w4-8403'), { threads: 3, start: 0, count: 1_048_576 + 1000, autostart: 1 }));
      expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('exhausted');
      expect(await text(p.page, '#result')).toBe(cli.stdout.trimEnd());
      expect(await text(p.page, '#attempts')).toBe('1,049,576');
      expectClean(p, server);
      await p.close();
    }
  });

  it.concurrent('Pause stops every worker hashing and Resume goes on to the same lowest nonce', async () => {
    const v = vector('pxd-mainnet');
    const p = await page();
    // The window ends at the nonce, the lowest valid one from 0: only a complete search finds it.
    // Two seconds at the rate measured, so that the pause comes well before the end.
    const { start, count } = windowEndingAt(v, 2);
    await p.page.goto(jobLink(isolated.url, request('pxd-mainnet'), { threads: 2, start, count, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    expect(await p.page.locator('#pause-btn').isEnabled()).toBe(true);
    await until(async () => (await workingWorkers(p.page)) > 0, 'a worker hashes');

    await p.page.click('#pause-btn');
    expect(await waitForState(p.page, ['paused', 'found', 'error'])).toBe('paused');
    expect(await text(p.page, '#pause-btn')).toBe('Resume');
    // The batches in flight end, and a progress report shows their count; then nothing moves.
    const frozen = await untilSettled(p.page);
    await expectStill(p.page, frozen);
    expect(await text(p.page, '#rate')).toBe('paused');
    expect(frozen.attempts).toBeLessThan(count);

    await p.page.click('#pause-btn');
    expect(await waitForState(p.page, ['mining', 'found', 'error'])).not.toBe('error');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    const line = JSON.parse(await text(p.page, '#result'));
    expect(line.nonce_hex).toBe(v.nonce_hex);
    expect(line.attempts).toBe(count); // every nonce of the window once: nothing searched twice around the pause
    expect(await p.page.locator('#pause-btn').isDisabled()).toBe(true);
    expect(await text(p.page, '#pause-btn')).toBe('Pause');
    expectClean(p, isolated);
  });

  it.concurrent('refuses a bad thread count while mining with a message, and keeps the running one', async () => {
    const p = await page();
    await p.page.goto(jobLink(isolated.url, request('gen-w4-8403', '0000000000000001'), { threads: 2, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await until(async () => (await workingWorkers(p.page)) === 2, 'two workers hash');
    for (const bad of ['0', '', '2000']) {
      await p.page.fill('#threads', bad);
      await p.page.press('#threads', 'Enter');
      expect(await text(p.page, '#message'), bad).toMatch(/^Threads takes a whole number from 1 to 1024, got .*\. Still mining on 2 workers\.$/);
      expect(await p.page.inputValue('#threads')).toBe('2');
      expect(await p.page.evaluate(() => document.body.dataset.state)).toBe('mining');
    }
    const shown = await attempts(p.page);
    await until(async () => (await attempts(p.page)) > shown, 'attempts keep growing');
    expect(p.page.workers().length).toBe(2);
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
    expectClean(p, isolated);
  });

  it.concurrent('offers to resume a stopped job after a reload, over the rest of its range, to the same lowest nonce', async () => {
    const v = vector('pxd-mainnet');
    // Two seconds at the rate measured: the stop comes at the first watermark kept, long before the end.
    const { start, count } = windowEndingAt(v, 2);
    const p = await page();
    await p.page.goto(jobLink(plain.url, request('pxd-mainnet'), { threads: 2, start, count, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    const saved = () => p.page.evaluate(() => JSON.parse(localStorage.getItem('dmint-miner:interrupted') ?? 'null') as { watermark: string } | null);
    await until(async () => BigInt((await saved())?.watermark ?? '0') > BigInt(start), 'a watermark is kept');
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
    const watermark = BigInt((await saved())!.watermark);
    expect(await p.page.locator('#resume-offer').isVisible()).toBe(true);

    await p.page.goto(plain.url); // a fresh visit, without the link
    expect(await p.page.locator('#resume-offer').isVisible()).toBe(true);
    expect(await text(p.page, '#resume-text')).toContain(`of its ${count.toLocaleString('en-US')} nonces are left`);
    await p.page.click('#resume-btn');
    expect(await waitForState(p.page, ['mining', 'found', 'error'])).not.toBe('error');
    expect(await p.page.inputValue('#start')).toBe(String(watermark));
    expect(BigInt(await p.page.inputValue('#count'))).toBe(BigInt(start + count) - watermark);
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(JSON.parse(await text(p.page, '#result')).nonce_hex).toBe(v.nonce_hex);
    expect(await saved()).toBeNull(); // answered: nothing left to offer
    expect(await p.page.locator('#resume-offer').isVisible()).toBe(false);
    expectClean(p, plain);
  });

  it.concurrent('falls back to the scalar build where WebAssembly.validate refuses SIMD (test switch scalar=1)', async () => {
    const v = vector('gen-w4-506');
    const p = await page();
    await p.page.goto(jobLink(isolated.url, request('gen-w4-506'), { threads: 2, start: v.nonce_int_le - 200_000, count: 400_000, autostart: 1, scalar: 1 }));
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(JSON.parse(await text(p.page, '#result')).nonce_hex).toBe(v.nonce_hex);
    expect(await p.page.evaluate(() => document.body.dataset.build)).toBe('scalar');
    expect(await text(p.page, '#env-build')).toMatch(/Scalar WebAssembly/);
    expectClean(p, isolated);
  });

  it.concurrent('says clearly that a CSP without \'wasm-unsafe-eval\' blocks WebAssembly, instead of hanging', async () => {
    const p = await page();
    const t0 = performance.now();
    await p.page.goto(jobLink(noWasm.url, request('gen-w4-506'), { threads: 2, autostart: 1 }));
    expect(await waitForState(p.page, ['found', 'exhausted', 'error', 'mining'], 10_000)).toBe('error');
    expect(performance.now() - t0).toBeLessThan(10_000);
    const message = await text(p.page, '#message');
    expect(message).toContain('Content Security Policy');
    expect(message).toContain("'wasm-unsafe-eval'");
    expect(await p.page.locator('#message').getAttribute('class')).toContain('error');
    expect(await text(p.page, '#result')).toBe('');
    expect(await p.page.locator('#start-btn').isDisabled()).toBe(true);
  });

  it.concurrent('shows the core\'s RequestError message for a bad request and mines nothing', async () => {
    const p = await page();
    const bad = JSON.stringify({ preimage_hex: 'ab'.repeat(64), target_hex: '0x7f', nonce_width: 4 });
    await p.page.goto(jobLink(isolated.url, bad, { autostart: 1 }));
    expect(await waitForState(p.page, ['error', 'mining', 'found'], 10_000)).toBe('error');
    expect(await text(p.page, '#message')).toBe('Bad request: target_hex must contain only hex digits 0-9a-fA-F (no 0x, sign, space or _), found "x" at index 1.');
    expect(p.page.workers().length).toBe(0);
    // The form still works: fix the request and start with the keyboard.
    await p.page.fill('#request', request('gen-w4-506'));
    await p.page.fill('#start', '1500000');
    await p.page.fill('#count', '100000');
    await p.page.focus('#request');
    await p.page.keyboard.press('Control+Enter');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expectClean(p, isolated);
  });

  it.concurrent('keeps the last results across a reload, and asks before leaving while mining', async () => {
    const v = vector('gen-w4-506');
    const p = await page({ colorScheme: 'dark', viewport: { width: 390, height: 844 } });
    await p.page.goto(jobLink(isolated.url, request('gen-w4-506'), { threads: 1, start: v.nonce_int_le - 100, count: 1000 }));
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    const line = await text(p.page, '#result');
    await p.page.screenshot({ path: new URL('browser-found-phone-dark.png', RESULTS).pathname, fullPage: true });
    await p.page.reload();
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    expect(await text(p.page, '#history li:first-child code')).toBe(line);

    // Mining (started by a click, so the page may ask): leaving asks first.
    await p.page.fill('#request', request('gen-w4-8403', '0000000000000001'));
    await p.page.fill('#start', '');
    await p.page.fill('#count', '');
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    const dialog = p.page.waitForEvent('dialog');
    await p.page.close({ runBeforeUnload: true });
    const d = await dialog;
    expect(d.type()).toBe('beforeunload');
    await d.accept();
    expect(p.errors).toEqual([]);
  });

  for (const [name, flags] of [['cross-origin isolated', 'isolated'], ['not isolated', 'plain']] as const) {
    it(`Stop stops every worker within half a second (${name})`, async () => {
      const server = flags === 'isolated' ? isolated : plain;
      const p = await page();
      // Target 1: nothing in the V1 space meets it, so only Stop ends this search.
      await p.page.goto(jobLink(server.url, request('gen-w4-8403', '0000000000000001'), { threads: 2, autostart: 1 }));
      expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
      await p.page.waitForFunction(() => Number(document.getElementById('attempts')!.textContent!.replace(/,/g, '')) > 1_000_000, null, { polling: 50 });
      expect(p.page.workers().length).toBe(2);
      // Nothing animates while mining: a painted animation cost WebKitGTK a third of its rate.
      expect(await p.page.evaluate(() => document.getAnimations().length)).toBe(0);

      await until(() => p.page.evaluate(() => document.getElementById('eta')!.dataset.rate !== undefined), 'the page measures its rate');
      const now = await pageTime(p.page, 2, t);
      // The user's wait, on the page's clock: the click, until the page says every worker is halted.
      const stop = await clickUntilState(p.page, '#stop-btn', ['stopped', 'error']);
      expect(stop.state).toBe('stopped');
      expect(stop.ms).toBeLessThan(withinPromise(PROMISES.stopMs, now));
      expect(Number(await p.page.evaluate(() => document.body.dataset.stopMs))).toBeLessThan(withinPromise(PROMISES.stopMs, now));

      // Every worker is idle (a busy shared-path worker could not even answer in time) and hashes nothing more.
      const snapshot = () => workerStates(p.page, withinPromise(PROMISES.stopMs, now));
      const before = await snapshot();
      const shown = [await text(p.page, '#attempts'), await text(p.page, '#rate')];
      await p.page.waitForTimeout(quietMs(t));
      const after = await snapshot();
      for (const s of before) expect(s.busy).toBe(false);
      expect(after).toEqual(before);
      expect([await text(p.page, '#attempts'), await text(p.page, '#rate')]).toEqual(shown);
      expect(await text(p.page, '#result')).toBe('');
      expectClean(p, server);
    });
  }

  it('applies a new thread count while mining, without a restart, to the same answer', async () => {
    const v = vector('pxd-mainnet');
    const p = await page();
    // Four seconds of two workers at the rate measured: a lone worker, which a loaded machine may
    // let hash faster than half of two, still lasts that long, and both changes are watched long
    // before the end.
    const count = Number(nonceWindow(4, t, 2));
    const start = v.nonce_int_le - count + 1;
    await p.page.goto(jobLink(plain.url, request('pxd-mainnet'), { threads: 1, start, count, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await until(async () => (await busyWorkers(p.page)) === 1, 'the first worker hashes');
    expect(p.page.workers().length).toBe(1);
    // Every state the page goes through from here: a restart would show up as one.
    await p.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      new MutationObserver(() => seen.push(document.body.dataset.state ?? '')).observe(document.body, { attributeFilter: ['data-state'] });
    });

    await p.page.fill('#threads', '2');
    await p.page.press('#threads', 'Enter');
    await until(async () => (await busyWorkers(p.page)) === 2, 'two workers hash');
    expect(await text(p.page, '#message')).toContain('Mining on 2 workers');
    expect(await text(p.page, '#env-workers')).toMatch(/^2 allowed/);
    const before = await attempts(p.page);

    // Down to one: the surplus worker hands its piece back within a batch (it may stay, idle, or be terminated).
    await p.page.fill('#threads', '1');
    await p.page.locator('#threads').blur(); // leaving the field applies it too (a change event)
    let calm = 0;
    await until(async () => ((await busyWorkers(p.page)) <= 1 ? ++calm : (calm = 0)) >= 4, 'one worker hashes');
    for (let i = 0; i < 4; i++) expect(await busyWorkers(p.page)).toBeLessThanOrEqual(1);
    // Counting on (the same job, not a new one): the count shown moves at the next progress report.
    await until(async () => (await attempts(p.page)) > before, 'the attempts shown grow past the count before the change');
    const message = await text(p.page, '#message');
    expect(await p.page.evaluate(() => document.body.dataset.state), 'still mining (a window too short for this machine?)').toBe('mining');
    expect(message).toContain('Mining on 1 worker (');
    // Up again for the rest of the window, which then ends sooner.
    await p.page.fill('#threads', '2');
    await p.page.press('#threads', 'Enter');

    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    const line = JSON.parse(await text(p.page, '#result'));
    expect(line.nonce_hex).toBe(v.nonce_hex);
    expect(line.attempts).toBe(count); // one job over the whole window, each nonce once
    expect(await p.page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates)).toEqual(['found']);
    expectClean(p, plain);
  });

  it('stops within half a second while paused, and the next job mines', async () => {
    const p = await page();
    await p.page.goto(jobLink(plain.url, request('gen-w4-8403', '0000000000000001'), { threads: 2, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await until(async () => (await busyWorkers(p.page)) > 0, 'a worker hashes');
    await until(() => p.page.evaluate(() => document.getElementById('eta')!.dataset.rate !== undefined), 'the page measures its rate');
    const now = await pageTime(p.page, 2, t);
    await p.page.click('#pause-btn');
    expect(await waitForState(p.page, ['paused', 'error'])).toBe('paused');

    const stop = await clickUntilState(p.page, '#stop-btn', ['stopped', 'error']);
    expect(stop.state).toBe('stopped');
    expect(stop.ms).toBeLessThan(withinPromise(PROMISES.stopMs, now));
    expect(Number(await p.page.evaluate(() => document.body.dataset.stopMs))).toBeLessThan(withinPromise(PROMISES.stopMs, now));
    expect(await p.page.locator('#pause-btn').isDisabled()).toBe(true);
    expect(await text(p.page, '#result')).toBe('');

    // A stop while paused leaves nothing paused behind: the next job hashes.
    const v = vector('gen-w4-506');
    await p.page.fill('#request', request('gen-w4-506'));
    await p.page.fill('#start', String(v.nonce_int_le - 100));
    await p.page.fill('#count', '1000');
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(JSON.parse(await text(p.page, '#result')).nonce_hex).toBe(v.nonce_hex);
    expectClean(p, plain);
  });
});
