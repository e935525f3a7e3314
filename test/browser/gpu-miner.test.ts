// The browser library's `backend: 'webgpu'` and `'auto'` (dist/browser) from its test page under
// the strict CSP, in Chromium with SwiftShader's software adapter: mine() to the lowest hit of a
// window and to exhaustion, an abort within 200 ms, `auto` measuring both and keeping the
// workers, and a device lost (device.destroy()) or a lying GPU (its readback rewritten) mid-job
// handing over to the workers with the same answer; and in Chromium without a GPU: a
// SupportError `no-webgpu` with a clear message, not a hang, and `auto` on the workers at once.
// A bad backend is a RangeError. Skipped with a notice where Chromium or the adapter is missing.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_WEBGPU_ARGS, ENGINE_PATHS } from '../../scripts/engines.mjs';
import { PROMISES, withinPromise } from '../support/budgets.ts';
import { measureBrowser, timeAbort } from '../support/browser.ts';
import { serveLib, type LibServer } from '../support/lib-server.ts';
import { needs, noChromiumAdapter } from '../support/skips.ts';
import { vectorById as vector, vectorRequest as request } from '../support/vectors.ts';

type Lib = typeof import('../../src/browser/lib.ts');
interface Globals {
  dmint: Lib;
  testing: { sleep(ms: number): Promise<void> };
}

describe('the browser library with backend webgpu (Chromium, SwiftShader)', needs('chromium'), () => {
  let server: LibServer;
  let gpuBrowser: Browser;
  let plainBrowser: Browser;
  let gpuPage: Page;
  let plainPage: Page;
  let adapter: string | null = null;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    [server, gpuBrowser, plainBrowser] = await Promise.all([
      serveLib({ isolation: false }),
      chromium.launch({ executablePath: ENGINE_PATHS.chromium, args: CHROMIUM_WEBGPU_ARGS }),
      chromium.launch({ executablePath: ENGINE_PATHS.chromium, args: CHROMIUM_ARGS }),
    ]);
    [gpuPage, plainPage] = await Promise.all([gpuBrowser.newPage(), plainBrowser.newPage()]);
    for (const p of [gpuPage, plainPage]) {
      await p.goto(server.url);
      await p.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 10_000 });
    }
    adapter = await gpuPage.evaluate(async () => {
      const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> } }).gpu;
      const a = await gpu?.requestAdapter();
      return a ? a.info?.architecture ?? 'unknown' : null;
    });
    if (adapter === null) noChromiumAdapter();
  });

  afterAll(async () => {
    await Promise.all([gpuBrowser?.close(), plainBrowser?.close()]);
    await server?.close();
  });

  it('mine() on the GPU answers the lowest hit of a window ending at a vector\'s nonce, V1 and V2, and exhausts a range', async (ctx) => {
    if (adapter === null) ctx.skip(noChromiumAdapter());
    for (const id of ['gen-w4-506', 'gen-w8-1282']) {
      const v = vector(id);
      const r = await gpuPage.evaluate(async ({ req, start }) => {
        const { dmint } = globalThis as unknown as Globals;
        const miner = new dmint.Miner({ backend: 'webgpu', threads: 2, chunkSize: 16_384n });
        try {
          return { backend: miner.backend, answer: await miner.mine(req, { start, count: 50_001 }) };
        } finally {
          await miner.close();
        }
      }, { req: request(id), start: v.nonce_int_le - 50_000 });
      expect(r.backend).toBe('webgpu');
      expect(r.answer, id).toMatchObject({ nonce_hex: v.nonce_hex, attempts: 50_001 });
    }
    const none = request('gen-w4-8403', '0000000000000001');
    expect(await gpuPage.evaluate((req) => (globalThis as unknown as Globals).dmint.mine(req, { backend: 'webgpu', start: 0, count: 30_000 }), none))
      .toEqual({ exhausted: true });
  });

  it('mine() on the GPU rejects within 200 ms of an abort, with the caller\'s reason', async (ctx) => {
    if (adapter === null) ctx.skip(noChromiumAdapter());
    // SwiftShader runs on the CPU: a loaded machine slows its dispatches as it slows the workers,
    // whose batch time (measured in the same Chromium) scales the bound.
    const t = await measureBrowser(plainPage);
    const r = await timeAbort(gpuPage, request('gen-w4-8403', '0000000000000001'), { backend: 'webgpu' });
    expect(r).toMatchObject({ reason: 'the user left', hashing: true });
    expect(r.abortMs).toBeLessThan(withinPromise(PROMISES.abortMs, t));
  });

  it('says clearly that there is no WebGPU adapter (SupportError no-webgpu) instead of hanging, and refuses an unknown backend', async () => {
    const r = await plainPage.evaluate(async (req) => {
      const { dmint } = globalThis as unknown as Globals;
      const err = await dmint.mine(req, { backend: 'webgpu', start: 0, count: 1000 }).catch((e: unknown) => e) as { name: string; problem?: string; message: string };
      // A Miner whose device failed to open fails every later job the same way, too.
      const miner = new dmint.Miner({ backend: 'webgpu' });
      const first = await miner.mine(req, { start: 0, count: 1000 }).catch((e: unknown) => (e as Error).name);
      await new Promise((r) => setTimeout(r, 100));
      const second = await miner.mine(req, { start: 0, count: 1000 }).catch((e: unknown) => (e as Error).name);
      await miner.close();
      let bad: unknown;
      try {
        new dmint.Miner({ backend: 'cuda' as never });
      } catch (e) {
        bad = e;
      }
      return { name: err.name, problem: err.problem, message: err.message, later: [first, second], bad: bad instanceof RangeError ? (bad as Error).message : String(bad) };
    }, request('gen-w4-8403', '0000000000000001'));
    expect([r.name, r.problem]).toEqual(['SupportError', 'no-webgpu']);
    expect(r.message).toMatch(/WebGPU/);
    expect(r.later).toEqual(['SupportError', 'SupportError']);
    expect(r.bad).toBe('backend must be one of auto, wasm, webgpu, got "cuda"');
  });

  it('auto without an adapter mines on the workers at once, and says why', async () => {
    const v = vector('gen-w4-506');
    const r = await plainPage.evaluate(async ({ req, start }) => {
      const { dmint } = globalThis as unknown as Globals;
      const miner = new dmint.Miner({ backend: 'auto', threads: 2 });
      try {
        const answer = await miner.mine(req, { start, count: 200_001 });
        return { answer, status: miner.backendStatus };
      } finally {
        await miner.close();
      }
    }, { req: request('gen-w4-506'), start: v.nonce_int_le - 200_000 });
    expect(r.answer).toMatchObject({ nonce_hex: v.nonce_hex });
    expect(r.status).toMatchObject({ choice: 'auto', active: 'wasm', calibrating: false, adapter: null, rates: { webgpu: null, wasm: null } });
    expect(r.status.gpuProblem).toMatch(/adapter|WebGPU/);
  });

  it('auto on the software adapter measures both and keeps the workers, which are faster, with the right answer', async (ctx) => {
    if (adapter === null) ctx.skip(noChromiumAdapter());
    const v = vector('pxd-mainnet-mint-c9fdcd34');
    const count = 4_000_001;
    const r = await gpuPage.evaluate(async ({ req, start, count }) => {
      const { dmint } = globalThis as unknown as Globals;
      const changes: unknown[] = [];
      const miner = new dmint.Miner({ backend: 'auto', threads: 2, onBackendChange: (s) => changes.push(s) });
      try {
        const answer = await miner.mine(req, { start, count });
        // The workers hash while the adapter opens, so on a fast machine the window can end
        // before the GPU opens or the calibration ends; it goes on with the next job, as a page's would.
        const undecided = (s = miner.backendStatus) => s.calibrating || (s.adapter === null && s.gpuProblem === null);
        // The kernel compiles for seconds on SwiftShader while the workers hash: give it up to 60 s of jobs.
        for (const until = performance.now() + 60_000; undecided() && performance.now() < until;) await miner.mine(req, { start, count });
        return { answer, status: miner.backendStatus, backend: miner.backend, changes };
      } finally {
        await miner.close();
      }
    }, { req: request('pxd-mainnet-mint-c9fdcd34'), start: v.nonce_int_le - (count - 1), count });
    console.info(`auto on ${r.status.adapter?.vendor}/${r.status.adapter?.architecture}: GPU ${(r.status.rates.webgpu! / 1e6).toFixed(2)} Mh/s, workers ${(r.status.rates.wasm! / 1e6).toFixed(2)} Mh/s`);
    expect(r.answer).toMatchObject({ nonce_hex: v.nonce_hex });
    expect((r.answer as { attempts: number }).attempts).toBeGreaterThanOrEqual(count);
    expect(r.status).toMatchObject({ choice: 'auto', active: 'wasm', calibrating: false, gpuProblem: null, adapter: { architecture: 'swiftshader' } });
    expect(r.status.rates.webgpu).toBeGreaterThan(0);
    expect(r.status.rates.wasm).toBeGreaterThan(r.status.rates.webgpu!);
    expect(r.backend).toBe('wasm');
    // The device opened, the GPU's rate was measured, the workers' rate was and they kept on.
    expect((r.changes as { active: string; calibrating: boolean }[]).map((c) => [c.active, c.calibrating])).toEqual([['webgpu', true], ['wasm', true], ['wasm', false]]);
  });

  // The GPU fails mid-job in two ways a page can force: the device is destroyed (as a lost
  // device), or every dispatch reads back index 0 as a hit (a GPU that lies). Either way the
  // workers go on from the GPU's last clean dispatch: the same lowest hit, and no nonce
  // below it searched twice (attempts stay within two chunks of the window).
  for (const fault of ['device lost', 'wrong hit'] as const) {
    it(`a ${fault} mid-job: the workers go on from where the GPU stopped, with the lowest hit and nothing searched twice`, async (ctx) => {
      if (adapter === null) ctx.skip(noChromiumAdapter());
      const v = vector('gen-w8-1282');
      const count = 1_500_001;
      const chunk = 16_384;
      const r = await gpuPage.evaluate(async ({ req, start, count, chunk, fault }) => {
        const { dmint } = globalThis as unknown as Globals;
        const devices: GPUDevice[] = [];
        const adapterProto = (globalThis as unknown as { GPUAdapter: { prototype: GPUAdapter } }).GPUAdapter.prototype;
        const bufferProto = (globalThis as unknown as { GPUBuffer: { prototype: GPUBuffer } }).GPUBuffer.prototype;
        const requestDevice = adapterProto.requestDevice;
        const getMappedRange = bufferProto.getMappedRange;
        adapterProto.requestDevice = async function (this: GPUAdapter, ...args) {
          const d = await requestDevice.apply(this, args);
          devices.push(d);
          return d;
        };
        let lying = false;
        bufferProto.getMappedRange = function (this: GPUBuffer, ...args) {
          const range = getMappedRange.apply(this, args);
          if (lying && range.byteLength === 4) new Uint32Array(range)[0] = 0;
          return range;
        };
        const changes: { active: string; gpuProblem: string | null }[] = [];
        const miner = new dmint.Miner({ backend: 'webgpu', threads: 2, chunkSize: BigInt(chunk), onBackendChange: (s) => changes.push(s) });
        try {
          // The fault comes once the GPU has reported progress: dispatches done, more to come.
          let reported: () => void = () => {};
          const firstReport = new Promise<void>((resolve) => (reported = resolve));
          const running = miner.mine(req, { start, count, onProgress: () => reported() });
          await Promise.race([firstReport, running]);
          const before = miner.backend;
          if (fault === 'device lost') devices[0]!.destroy();
          else lying = true;
          const answer = await running;
          return { answer, before, after: miner.backend, changes };
        } finally {
          adapterProto.requestDevice = requestDevice;
          bufferProto.getMappedRange = getMappedRange;
          await miner.close();
        }
      }, { req: request('gen-w8-1282'), start: v.nonce_int_le - (count - 1), count, chunk, fault });
      expect(r.before).toBe('webgpu');
      expect(r.answer).toMatchObject({ nonce_hex: v.nonce_hex });
      const attempts = (r.answer as { attempts: number }).attempts;
      expect(attempts).toBeGreaterThanOrEqual(count);
      expect(attempts).toBeLessThan(count + 2 * chunk);
      expect(r.after).toBe('wasm');
      // The device opened, then the GPU failed: told once each.
      expect(r.changes.map((c) => c.active)).toEqual(['webgpu', 'wasm']);
      expect(r.changes[1]!.gpuProblem).toMatch(fault === 'device lost' ? /lost/ : /refuses/);
    });
  }
});
