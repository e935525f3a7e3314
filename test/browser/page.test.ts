// The mining page end to end in Debian's Chromium (playwright-core), served by
// the real scripts/serve-web.mjs: with cross-origin isolation (shared-memory
// scheduling), without it (message scheduling), and with a CSP that blocks
// WebAssembly. Small windows around known nonces keep the suite short.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { PageSet, attempts, hasChromium, jobLink, launchChromium, serveWeb, strayActivity, text, until, waitForState, type WatchedPage, type WebServer } from '../support/browser.ts';
import { vectorById as vector, vectorRequest as request } from '../support/vectors.ts';

if (!hasChromium) {
  console.warn('test/browser/page.test.ts: /usr/bin/chromium is missing, so the browser end-to-end suite is SKIPPED (install it: apt-get install -y chromium; .ci/run does)');
}

const HIT_LINE = /^\{"nonce_hex":"[0-9a-f]{8}","attempts":\d+,"elapsed_s":\d+(\.\d+)?(e-\d+)?\}$/;
const RESULTS = new URL('../../test-results/', import.meta.url);


type WorkerDiagnostics = { busy: boolean; hashed: number };
/**
 * What each of the page's workers reports (`self.dmintWorker`); a worker gone meanwhile counts as idle,
 * hashing nothing. A shared-memory worker hashes a piece without returning to its event loop, so one
 * that cannot answer within 300 ms is busy (its count unknown: -1).
 */
const workerStates = (page: Page) => Promise.all(page.workers().map((w) =>
  Promise.race([
    w.evaluate(() => (globalThis as unknown as { dmintWorker: WorkerDiagnostics }).dmintWorker)
      .catch((): WorkerDiagnostics => ({ busy: false, hashed: 0 })),
    new Promise<WorkerDiagnostics>((resolve) => setTimeout(() => resolve({ busy: true, hashed: -1 }), 300)),
  ])));
const busyWorkers = async (page: Page) => (await workerStates(page)).filter((s) => s.busy).length;
/**
 * Workers that are hashing or have hashed: a shared-memory worker answers only between two pieces,
 * when it is not busy, so its count is what shows it hashing.
 */
const workingWorkers = async (page: Page) => (await workerStates(page)).filter((s) => s.busy || s.hashed > 0).length;

describe.skipIf(!hasChromium)('the mining page in Chromium', () => {
  let pages: PageSet;
  let isolated: WebServer;
  let plain: WebServer;
  let noWasm: WebServer;

  beforeAll(async () => {
    [isolated, plain, noWasm, pages] = await Promise.all([
      serveWeb(), serveWeb(['--no-isolation']), serveWeb(['--no-wasm-csp']), launchChromium().then((b) => new PageSet(b)),
    ]);
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await pages?.closeAll();
    await Promise.all([isolated, plain, noWasm].map((s) => s?.close()));
  });

  const page = (options?: Parameters<PageSet['page']>[0]) => pages.page(options);

  /** Nothing logged as an error, and nothing requested from anywhere but the page's own server. */
  function expectClean(p: WatchedPage, server: WebServer): void {
    expect(strayActivity(p, server)).toEqual([]);
    expect(p.requests.length).toBeGreaterThan(0);
  }

  it('finds and verifies gen-w4-506 from a #job= link, cross-origin isolated: shared-memory scheduling, the CLI\'s answer', async () => {
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

  it('finds and verifies the PXD mainnet nonce without isolation: message scheduling', async () => {
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

  it('exhausts a small range with no valid nonce, on both scheduling paths', async () => {
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

      const t0 = performance.now();
      await p.page.click('#stop-btn');
      expect(await waitForState(p.page, ['stopped', 'error'], 2000)).toBe('stopped');
      const wall = performance.now() - t0;
      const stopMs = Number(await p.page.evaluate(() => document.body.dataset.stopMs));
      expect(stopMs).toBeLessThan(500);
      expect(wall).toBeLessThan(1000);

      // Every worker is idle (a busy shared-path worker could not even answer) and hashes nothing more.
      const snapshot = () => Promise.all(p.page.workers().map((w) =>
        Promise.race([
          w.evaluate(() => (globalThis as unknown as { dmintWorker: { busy: boolean; hashed: number } }).dmintWorker),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a worker is still busy')), 500)),
        ])));
      const before = await snapshot();
      const shown = [await text(p.page, '#attempts'), await text(p.page, '#rate')];
      await p.page.waitForTimeout(400);
      const after = await snapshot();
      for (const s of before) expect(s.busy).toBe(false);
      expect(after).toEqual(before);
      expect([await text(p.page, '#attempts'), await text(p.page, '#rate')]).toEqual(shown);
      expect(await text(p.page, '#result')).toBe('');
      expectClean(p, server);
    });
  }

  it('Pause stops every worker hashing and Resume goes on to the same lowest nonce', async () => {
    const v = vector('pxd-mainnet');
    const p = await page();
    // The window ends at the nonce, the lowest valid one from 0: only a complete search finds it.
    // Long enough (over a second at full speed on a fast machine) that the pause comes before the end.
    await p.page.goto(jobLink(isolated.url, request('pxd-mainnet'), { threads: 2, start: v.nonce_int_le - 12_000_000, count: 12_000_001, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    expect(await p.page.locator('#pause-btn').isEnabled()).toBe(true);
    await until('a worker hashes', async () => (await workingWorkers(p.page)) > 0);

    await p.page.click('#pause-btn');
    expect(await waitForState(p.page, ['paused', 'found', 'error'], 2000)).toBe('paused');
    expect(await text(p.page, '#pause-btn')).toBe('Resume');
    await p.page.waitForTimeout(600); // the batches in flight end, and a progress report shows the count
    const frozen = [await attempts(p.page), await workerStates(p.page)] as const;
    await p.page.waitForTimeout(1000);
    expect(await attempts(p.page)).toBe(frozen[0]);
    expect(await workerStates(p.page)).toEqual(frozen[1]);
    expect(frozen[1].every((s) => !s.busy)).toBe(true);
    expect(await text(p.page, '#rate')).toBe('paused');
    expect(frozen[0]).toBeLessThan(12_000_001);

    await p.page.click('#pause-btn');
    expect(await waitForState(p.page, ['mining', 'found', 'error'], 2000)).not.toBe('error');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    const line = JSON.parse(await text(p.page, '#result'));
    expect(line.nonce_hex).toBe(v.nonce_hex);
    expect(line.attempts).toBe(12_000_001); // every nonce of the window once: nothing searched twice around the pause
    expect(await p.page.locator('#pause-btn').isDisabled()).toBe(true);
    expect(await text(p.page, '#pause-btn')).toBe('Pause');
    expectClean(p, isolated);
  });

  it('applies a new thread count while mining, without a restart, to the same answer', async () => {
    const v = vector('pxd-mainnet');
    const p = await page();
    // Long enough for both changes to be watched at full speed on an idle machine.
    await p.page.goto(jobLink(plain.url, request('pxd-mainnet'), { threads: 1, start: v.nonce_int_le - 6_000_000, count: 6_000_001, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await until('the first worker hashes', async () => (await busyWorkers(p.page)) === 1);
    expect(p.page.workers().length).toBe(1);
    // Every state the page goes through from here: a restart would show up as one.
    await p.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      new MutationObserver(() => seen.push(document.body.dataset.state ?? '')).observe(document.body, { attributeFilter: ['data-state'] });
    });

    await p.page.fill('#threads', '2');
    await p.page.press('#threads', 'Enter');
    await until('two workers hash', async () => (await busyWorkers(p.page)) === 2);
    expect(await text(p.page, '#message')).toContain('Mining on 2 workers');
    expect(await text(p.page, '#env-workers')).toMatch(/^2 allowed/);
    const before = await attempts(p.page);

    // Down to one: the surplus worker hands its piece back within a batch (it may stay, idle, or be terminated).
    await p.page.fill('#threads', '1');
    await p.page.locator('#threads').blur(); // leaving the field applies it too (a change event)
    let calm = 0;
    await until('one worker hashes', async () => ((await busyWorkers(p.page)) <= 1 ? ++calm : (calm = 0)) >= 4);
    for (let i = 0; i < 4; i++) expect(await busyWorkers(p.page)).toBeLessThanOrEqual(1);
    // Counting on (the same job, not a new one): the count shown moves at the next progress report.
    await until('the attempts shown grow past the count before the change', async () => (await attempts(p.page)) > before);
    expect(await text(p.page, '#message')).toContain('Mining on 1 worker (');

    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    const line = JSON.parse(await text(p.page, '#result'));
    expect(line.nonce_hex).toBe(v.nonce_hex);
    expect(line.attempts).toBe(6_000_001); // one job over the whole window, each nonce once
    expect(await p.page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates)).toEqual(['found']);
    expectClean(p, plain);
  });

  it('refuses a bad thread count while mining with a message, and keeps the running one', async () => {
    const p = await page();
    await p.page.goto(jobLink(isolated.url, request('gen-w4-8403', '0000000000000001'), { threads: 2, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await until('two workers hash', async () => (await workingWorkers(p.page)) === 2);
    for (const bad of ['0', '', '2000']) {
      await p.page.fill('#threads', bad);
      await p.page.press('#threads', 'Enter');
      expect(await text(p.page, '#message'), bad).toMatch(/^Threads takes a whole number from 1 to 1024, got .*\. Still mining on 2 workers\.$/);
      expect(await p.page.inputValue('#threads')).toBe('2');
      expect(await p.page.evaluate(() => document.body.dataset.state)).toBe('mining');
    }
    const shown = await attempts(p.page);
    await until('attempts keep growing', async () => (await attempts(p.page)) > shown);
    expect(p.page.workers().length).toBe(2);
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'], 2000)).toBe('stopped');
    expectClean(p, isolated);
  });

  it('offers to resume a stopped job after a reload, over the rest of its range, to the same lowest nonce', async () => {
    const v = vector('pxd-mainnet');
    const [start, count] = [v.nonce_int_le - 12_000_000, 12_000_001];
    const p = await page();
    await p.page.goto(jobLink(plain.url, request('pxd-mainnet'), { threads: 2, start, count, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    const saved = () => p.page.evaluate(() => JSON.parse(localStorage.getItem('dmint-miner:interrupted') ?? 'null') as { watermark: string } | null);
    await until('a watermark is kept', async () => BigInt((await saved())?.watermark ?? '0') > BigInt(start));
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'], 2000)).toBe('stopped');
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

  it('stops within half a second while paused, and the next job mines', async () => {
    const p = await page();
    await p.page.goto(jobLink(plain.url, request('gen-w4-8403', '0000000000000001'), { threads: 2, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await until('a worker hashes', async () => (await busyWorkers(p.page)) > 0);
    await p.page.click('#pause-btn');
    expect(await waitForState(p.page, ['paused', 'error'], 2000)).toBe('paused');

    const t0 = performance.now();
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'], 2000)).toBe('stopped');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(Number(await p.page.evaluate(() => document.body.dataset.stopMs))).toBeLessThan(500);
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

  it('falls back to the scalar build where WebAssembly.validate refuses SIMD (test switch scalar=1)', async () => {
    const v = vector('gen-w4-506');
    const p = await page();
    await p.page.goto(jobLink(isolated.url, request('gen-w4-506'), { threads: 2, start: v.nonce_int_le - 200_000, count: 400_000, autostart: 1, scalar: 1 }));
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(JSON.parse(await text(p.page, '#result')).nonce_hex).toBe(v.nonce_hex);
    expect(await p.page.evaluate(() => document.body.dataset.build)).toBe('scalar');
    expect(await text(p.page, '#env-build')).toMatch(/Scalar WebAssembly/);
    expectClean(p, isolated);
  });

  it('says clearly that a CSP without \'wasm-unsafe-eval\' blocks WebAssembly, instead of hanging', async () => {
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

  it('shows the core\'s RequestError message for a bad request and mines nothing', async () => {
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

  it('keeps the last results across a reload, and asks before leaving while mining', async () => {
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
});
