// The mining page's "Hashing on" choice in Debian's Chromium: without an adapter (a link asking
// for the GPU gets a clear error and an offer of the CPU, which is remembered; an unknown
// backend in a link is refused), and with SwiftShader's software adapter (the GPU mines a
// window to the right nonce; Automatic measures both and keeps the workers, which are faster
// here). `document.body.dataset.backend` says what hashes. Skipped with a notice where
// Chromium or the adapter is missing.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_WEBGPU_ARGS, ENGINE_PATHS } from '../../scripts/engines.mjs';
import { PageSet, jobLink, launchChromium, serveWeb, strayActivity, text, waitForState, type WebServer } from '../support/browser.ts';
import { needs, noChromiumAdapter } from '../support/skips.ts';
import { vectorById as vector, vectorRequest as request } from '../support/vectors.ts';

const lowestNonce = async (page: import('playwright-core').Page) => JSON.parse(await text(page, '#result')).nonce_hex as string;

describe('the mining page\'s backend choice in Chromium', needs('chromium'), () => {
  let server: WebServer;
  let plain: PageSet;
  let gpu: PageSet;
  let adapter = false;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    let gpuBrowser: Browser;
    [server, plain, gpuBrowser] = await Promise.all([
      serveWeb(), launchChromium().then((b) => new PageSet(b)),
      chromium.launch({ executablePath: ENGINE_PATHS.chromium, args: CHROMIUM_WEBGPU_ARGS }),
    ]);
    gpu = new PageSet(gpuBrowser);
    const probe = await gpu.page();
    await probe.page.goto(`${server.url}index.html`);
    adapter = await probe.page.evaluate(async () => Boolean(await (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
    if (!adapter) noChromiumAdapter();
  });

  afterAll(async () => {
    await Promise.all([plain?.closeAll(), gpu?.closeAll()]);
    await server?.close();
  });

  it('without an adapter: a link asking for the GPU says why and offers the CPU, which then mines and is remembered; an unknown backend is refused', async () => {
    const v = vector('gen-w4-506');
    const link = (backend: string) => jobLink(server.url, request('gen-w4-506'), { threads: 2, start: v.nonce_int_le - 100_000, count: 200_000, backend, autostart: 1 });
    const p = await plain.page();
    await p.page.goto(link('webgpu'));
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('error');
    expect(await text(p.page, '#message')).toMatch(/WebGPU.*no adapter/);
    expect(await text(p.page, '#env-backend')).toMatch(/^GPU unavailable: /);
    // Not switched behind the user's back: the offer is a button.
    await p.page.click('#use-cpu-btn');
    expect(await p.page.evaluate(() => [(document.getElementById('backend') as HTMLSelectElement).value, document.body.dataset.backend, document.body.dataset.state])).toEqual(['wasm', 'wasm', 'idle']);
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(await lowestNonce(p.page)).toBe(v.nonce_hex);
    // Remembered: a plain visit hashes on the workers, as chosen.
    await p.page.goto(`${server.url}index.html`);
    await p.page.reload();
    expect(await p.page.evaluate(() => [(document.getElementById('backend') as HTMLSelectElement).value, document.body.dataset.backend])).toEqual(['wasm', 'wasm']);
    expect(await text(p.page, '#env-backend')).toBe('CPU: WebAssembly workers (chosen under Hashing on)');
    await p.page.goto(link('cuda'));
    await p.page.reload();
    expect(await waitForState(p.page, ['error'])).toBe('error');
    expect(await text(p.page, '#message')).toBe('The link\'s backend must be auto, webgpu or wasm, got "cuda".');
    expect(strayActivity(p, server)).toEqual([]);
  });

  it('on the software adapter: the GPU mines a window to the lowest hit, then Automatic measures both and keeps the workers', async (ctx) => {
    if (!adapter) ctx.skip(noChromiumAdapter());
    const v = vector('gen-w8-1282');
    const p = await gpu.page();
    await p.page.goto(jobLink(server.url, request('gen-w8-1282'), { start: v.nonce_int_le - 40_000, count: 80_000, backend: 'webgpu', autostart: 1 }));
    await waitForState(p.page, ['mining', 'found', 'error']);
    const during = await p.page.evaluate(() => document.body.dataset.backend);
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(during).toBe('webgpu');
    expect(await lowestNonce(p.page)).toBe(v.nonce_hex);
    expect(await text(p.page, '#env-backend')).toBe('GPU through WebGPU: the GPU (google swiftshader, a software adapter)');
    expect(await text(p.page, '#verified')).toContain('WebCrypto SHA-256');

    const w = vector('pxd-mainnet-mint-c9fdcd34');
    await p.page.goto(jobLink(server.url, request('pxd-mainnet-mint-c9fdcd34'), { threads: 2, start: w.nonce_int_le - 3_999_999, count: 4_000_000, backend: 'auto', autostart: 1 }));
    await p.page.reload();
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(await lowestNonce(p.page)).toBe(w.nonce_hex);
    // The workers hash while the adapter opens, so a fast machine can finish the window before the
    // calibration ends: it goes on with the next job, here the same one started again. A busy machine
    // may need several jobs for it (each side is timed on the job's own nonces), so the jobs go on
    // until it decides or a minute has passed, not for a fixed number of them.
    const undecided = async () => /^Measuring|while the GPU opens/.test(await text(p.page, '#env-backend'));
    const giveUp = performance.now() + 60_000;
    while (performance.now() < giveUp && await undecided()) {
      await p.page.click('#start-btn');
      await waitForState(p.page, ['mining', 'found', 'error']);
      expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
      expect(await lowestNonce(p.page)).toBe(w.nonce_hex);
    }
    expect(await p.page.evaluate(() => document.body.dataset.backend)).toBe('wasm');
    expect(await text(p.page, '#env-backend')).toMatch(/^CPU: WebAssembly workers, faster here than the GPU \(google swiftshader, a software adapter\): [\d.]+ Mh\/s against [\d.]+ kh\/s$/);
    expect(await text(p.page, '#activity-log')).toMatch(/Measured the GPU \(google swiftshader, a software adapter\) at [\d.]+ kh\/s and the workers at [\d.]+ Mh\/s: hashing on the workers/);
    expect(strayActivity(p, server)).toEqual([]);
  });
});
