// The WebGPU kernel (src/gpu/kernel.ts) in Debian's Chromium on SwiftShader's
// software adapter, against node:crypto: full digests of 10,000 nonces per width (V1 up to
// ffffffff, V2 across a 2^32 boundary), every fixture vector's hit at its nonce for each
// target of its checks, a window ending at it with the real bound and with the prefix alone,
// the lowest hit of random ranges under loose and tied bounds, exhaustion, and the engine on
// the GPU executor (test/browser/gpu-entry.ts): lowest hits over many pieces, exhaustion, an
// abort with the GPU idle within 200 ms. Skipped with a notice
// where Chromium or a WebGPU adapter is missing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_WEBGPU_ARGS, ENGINE_PATHS } from '../../scripts/engines.mjs';
import { MAX_TARGET } from '../../src/core/request.ts';
import { kernelBound, type KernelBound } from '../../src/core/kernel-bound.ts';
import { nonceFromHex, type NonceWidth } from '../../src/core/nonce.ts';
import { refDigest, refHits } from '../support/kernels.ts';
import { needs, noChromiumAdapter } from '../support/skips.ts';
import { PROMISES, measureMachine, withinPromise } from '../support/budgets.ts';
import { fixture, hex } from '../support/vectors.ts';

const SOURCE = fileURLToPath(new URL('./gpu-entry.ts', import.meta.url));

/** The lowest nonce of `[start, start + count)` whose digest is below `bound`, by node:crypto. */
const refLowest = (preimage: Uint8Array, width: NonceWidth, bound: KernelBound, start: bigint, count: number): bigint | null =>
  refHits(preimage, width, bound, start, count)[0] ?? null;

/** What the test page runs: the kernel on the page's GPU device, with bigints as decimal strings. */
interface GpuPage {
  mine(request: string, start: number, count: number, chunkSize: number): Promise<unknown>;
  abort(request: string): Promise<{ reason: unknown; rejectMs: number; idleMs: number; dispatch: number }>;
  scan(job: GpuJob, start: string, count: number): Promise<{ hit: string | null; scanned: number }>;
  digests(job: GpuJob, start: string, count: number): Promise<string>;
}
interface GpuJob {
  preimage_hex: string;
  width: NonceWidth;
  bound: KernelBound;
}

let server: Server;
let browser: Browser;
let page: Page;
/** The adapter's vendor and architecture, or why there is none. */
let adapter: { vendor?: string; architecture?: string; missing?: string } = { missing: 'not checked' };

const PAGE = `<!doctype html><meta charset="utf-8"><title>GPU kernel</title><script type="module">
import { GpuKernel, GpuEngine } from '/gpu-kernel.js';
const bytes = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
const ready = (async () => {
  if (!navigator.gpu) return { missing: 'no navigator.gpu' };
  const a = await navigator.gpu.requestAdapter();
  if (!a) return { missing: 'no WebGPU adapter' };
  const device = await a.requestDevice();
  const kernel = await GpuKernel.create(device);
  const use = (job) => kernel.setJob(bytes(job.preimage_hex), job.width, job.bound);
  globalThis.gpu = {
    async scan(job, start, count) { use(job); const r = await kernel.scan(BigInt(start), count); return { hit: r.hit === null ? null : String(r.hit), scanned: r.scanned }; },
    async digests(job, start, count) { use(job); return Array.from(await kernel.digests(BigInt(start), count), (b) => b.toString(16).padStart(2, '0')).join(''); },
    // The engine on a kernel of its own: the lowest hit of a range, or exhaustion, as the wasm path answers.
    async mine(request, start, count, chunkSize) {
      const engine = new GpuEngine(await GpuKernel.create(device), { chunkSize: BigInt(chunkSize) });
      try { return await engine.mine(request, { start, count }); } finally { await engine.close(); }
    },
    // An endless job aborted once it has reported progress: how long the rejection took, and how long until the GPU was idle.
    async abort(request) {
      const engine = new GpuEngine(await GpuKernel.create(device));
      const controller = new AbortController();
      let reported;
      const firstReport = new Promise((resolve) => (reported = resolve));
      const running = engine.mine(request, { signal: controller.signal, onProgress: () => reported() }).catch((e) => e);
      await Promise.race([firstReport, running]);
      const t0 = performance.now();
      controller.abort('the user left');
      const reason = await running;
      const rejectMs = performance.now() - t0;
      await engine.close();
      return { reason, rejectMs, idleMs: performance.now() - t0, dispatch: engine.executor.dispatchSize };
    },
  };
  return { vendor: a.info?.vendor, architecture: a.info?.architecture };
})();
globalThis.gpuReady = ready;
</script>`;

describe('the WebGPU kernel in Chromium (SwiftShader)', needs('chromium'), () => {
  beforeAll(async () => {
    const bundle = (await build({ entryPoints: [SOURCE], bundle: true, format: 'esm', target: 'es2022', write: false })).outputFiles[0].text;
    server = createServer((req, res) => {
      if (req.url === '/gpu-kernel.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
      else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: ENGINE_PATHS.chromium, args: CHROMIUM_WEBGPU_ARGS });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    adapter = await page.evaluate(() => (globalThis as unknown as { gpuReady: Promise<typeof adapter> }).gpuReady);
    if (adapter.missing) noChromiumAdapter(adapter.missing);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const scan = (job: GpuJob, start: bigint, count: number) =>
    page.evaluate(([j, s, c]) => (globalThis as unknown as { gpu: GpuPage }).gpu.scan(j, s, c), [job, String(start), count] as const)
      .then((r) => ({ hit: r.hit === null ? null : BigInt(r.hit), scanned: r.scanned }));
  const digests = (job: GpuJob, start: bigint, count: number) =>
    page.evaluate(([j, s, c]) => (globalThis as unknown as { gpu: GpuPage }).gpu.digests(j, s, c), [job, String(start), count] as const);

  it('runs on a software adapter here (vendor google, architecture swiftshader), or says why not', (ctx) => {
    if (adapter.missing) ctx.skip(noChromiumAdapter(adapter.missing));
    expect(adapter).toEqual({ vendor: 'google', architecture: 'swiftshader' });
  });

  for (const [width, start, what] of [[4, 0xffffffffn - 9_999n, 'V1, ending at ffffffff'], [8, (7n << 32n) - 5_000n, 'V2, across a 2^32 boundary']] as const) {
    it(`computes the full sha256d of 10,000 consecutive nonces exactly as node:crypto (${what})`, async (ctx) => {
      if (adapter.missing) ctx.skip(noChromiumAdapter(adapter.missing));
      const preimage = new Uint8Array(64).map((_, i) => (i * 37 + width) & 255);
      const job: GpuJob = { preimage_hex: hex(preimage), width, bound: kernelBound(MAX_TARGET) };
      const got = await digests(job, start, 10_000);
      expect(got.length).toBe(10_000 * 64);
      for (let i = 0; i < 10_000; i++) {
        const want = hex(refDigest(preimage, start + BigInt(i), width));
        if (got.slice(i * 64, i * 64 + 64) !== want) expect(`nonce ${start + BigInt(i)}: ${got.slice(i * 64, i * 64 + 64)}`).toBe(`nonce ${start + BigInt(i)}: ${want}`);
      }
    });
  }

  it('hits every fixture vector at its nonce for each target in its checks, and a window ending at it finds it and nothing lower', async (ctx) => {
    if (adapter.missing) ctx.skip(noChromiumAdapter(adapter.missing));
    const WINDOW = 1 << 14;
    for (const v of fixture.pow_vectors) {
      const nonce = nonceFromHex(v.nonce_hex, v.nonce_width);
      const base = { preimage_hex: v.preimage_hex, width: v.nonce_width };
      expect(await digests({ ...base, bound: kernelBound(MAX_TARGET) }, nonce, 1), v.id).toBe(v.digest_hex);
      for (const check of v.checks) {
        const target = BigInt(`0x${check.target_hex}`);
        const r = await scan({ ...base, bound: kernelBound(target > MAX_TARGET ? MAX_TARGET : target) }, nonce, 1);
        expect(r.hit, `${v.id} ${check.label}`).toBe(check.valid ? nonce : null);
      }
      const start = nonce + 1n > BigInt(WINDOW) ? nonce + 1n - BigInt(WINDOW) : 0n;
      const count = Number(nonce + 1n - start);
      const real = await scan({ ...base, bound: kernelBound(MAX_TARGET) }, start, count);
      expect(real, v.id).toEqual({ hit: v.valid_at_max_target ? nonce : null, scanned: count });
      // The prefix alone (4 zero bytes): the lowest listed 4-zero nonce inside the window, else the vector's.
      const listed = (v.prefix_hits_in_0_to_nonce ?? v.prefix_hits_in_scanned_range ?? []).map((h) => BigInt(h.nonce_int_le));
      const expected = listed.filter((n) => n >= start && n <= nonce).sort((a, b) => (a < b ? -1 : 1))[0] ?? nonce;
      expect((await scan({ ...base, bound: { b0: 1, b1: 0, b2: 0 } }, start, count)).hit, v.id).toBe(expected);
    }
  });

  it('finds the lowest hit of random ranges under loose bounds, as node:crypto does', async (ctx) => {
    if (adapter.missing) ctx.skip(noChromiumAdapter(adapter.missing));
    let seed = 12345;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let round = 0; round < 24; round++) {
      const width: NonceWidth = round % 2 === 0 ? 4 : 8;
      const preimage = new Uint8Array(64).map(() => rand() & 255);
      // b0 near 2^32/64: about one nonce in 64 hits.
      const bound = { b0: 0x04000000 + (rand() & 0xffff), b1: rand(), b2: rand() };
      const start = width === 8 ? (BigInt(rand()) << 32n) | BigInt(0xffffffff - (rand() & 0x3ff)) : BigInt(rand() & 0x7fffffff);
      const count = 200 + (rand() & 0x3ff);
      const want = refLowest(preimage, width, bound, start, count);
      const got = await scan({ preimage_hex: hex(preimage), width, bound }, start, count);
      expect(got.hit, `round ${round}`).toBe(want);
      expect(got.scanned).toBe(want === null ? count : Number(want - start) + 1);
    }
  });

  it('compares the second and third bound words when the first ties: bounds built from a digest of the range', async (ctx) => {
    if (adapter.missing) ctx.skip(noChromiumAdapter(adapter.missing));
    for (const width of [4, 8] as const) {
      const preimage = new Uint8Array(64).map((_, i) => (i * 11 + width) & 255);
      const start = width === 8 ? (3n << 32n) - 500n : 1_000_000n;
      const count = 1000;
      // The nonce with the smallest first word: with a bound equal to it in that word, only its
      // second and third words decide, and no other nonce of the range is below the bound.
      const words = Array.from({ length: count }, (_, i) => {
        const d = refDigest(preimage, start + BigInt(i), width);
        return [0, 4, 8].map((o) => d.readUInt32BE(o));
      });
      const k = words.reduce((best, w, i) => (w[0] < words[best][0] ? i : best), 0);
      const [d0, d1, d2] = words[k];
      const bounds: KernelBound[] = [
        { b0: d0, b1: d1, b2: d2 }, // equal: not below
        { b0: d0, b1: d1, b2: d2 + 1 }, // one above in the third word: below
        { b0: d0, b1: d1 + 1, b2: 0 }, // one above in the second word: below
        { b0: d0, b1: d1 - 1, b2: 0xffffffff }, // one under in the second word: not below
        { b0: d0, b1: d1, b2: d2 - 1 }, // one under in the third word: not below
      ].filter((b) => [b.b1, b.b2].every((x) => x >= 0 && x <= 0xffffffff));
      for (const bound of bounds) {
        const want = refLowest(preimage, width, bound, start, count);
        expect((await scan({ preimage_hex: hex(preimage), width, bound }, start, count)).hit, JSON.stringify(bound)).toBe(want);
      }
      expect(bounds.map((b) => refLowest(preimage, width, b, start, count) === start + BigInt(k))).toContain(true);
    }
  });

  it('the engine on the GPU executor answers the lowest hit of windows over many pieces, V1 and V2, and exhausts a range', async (ctx) => {
    if (adapter.missing) ctx.skip(noChromiumAdapter(adapter.missing));
    const mine = (request: string, start: number, count: number) =>
      page.evaluate(([r, s, c]) => (globalThis as unknown as { gpu: GpuPage }).gpu.mine(r, s, c, 8192), [request, start, count] as const);
    for (const id of ['gen-w4-506', 'gen-w8-1282']) {
      const v = fixture.pow_vectors.find((p) => p.id === id)!;
      const request = JSON.stringify({ preimage_hex: v.preimage_hex, target_hex: '7fffffffffffffff', nonce_width: v.nonce_width });
      // The window ends at the nonce, the lowest valid one from 0: only a search of every piece below finds it.
      const answer = await mine(request, v.nonce_int_le - 60_000, 60_001);
      expect(answer, id).toMatchObject({ nonce_hex: v.nonce_hex, attempts: 60_001 });
    }
    const none = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
    const impossible = JSON.stringify({ preimage_hex: none.preimage_hex, target_hex: '0000000000000001', nonce_width: 4 });
    expect(await mine(impossible, 0, 40_000)).toEqual({ exhausted: true });
  });

  it('the engine on the GPU, aborted, rejects with the caller\'s reason and leaves the GPU idle within 200 ms', async (ctx) => {
    if (adapter.missing) ctx.skip(noChromiumAdapter(adapter.missing));
    const none = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
    const endless = JSON.stringify({ preimage_hex: none.preimage_hex, target_hex: '0000000000000001', nonce_width: 4 });
    const r = await page.evaluate((req) => (globalThis as unknown as { gpu: GpuPage }).gpu.abort(req), endless);
    expect(r.reason).toBe('the user left');
    // How soon the job rejects is the library's promise (gpu-miner.test.ts, through timeAbort);
    // here, that the device is idle as soon: close() waits for the dispatch in flight.
    expect(r.idleMs).toBeLessThan(withinPromise(PROMISES.abortMs, await measureMachine()));
    // The dispatch was sized from the measured rate, not left at its first size.
    expect(r.dispatch).not.toBe(4096);
  });

  it('exhausts a range with no hit, clipped at the end of the nonce space', async (ctx) => {
    if (adapter.missing) ctx.skip(noChromiumAdapter(adapter.missing));
    const v = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
    const job: GpuJob = { preimage_hex: v.preimage_hex, width: 4, bound: kernelBound(1n) };
    expect(await scan(job, 0n, 300_000)).toEqual({ hit: null, scanned: 300_000 });
    expect(await scan(job, 0xffffffffn - 99n, 1_000)).toEqual({ hit: null, scanned: 100 });
  });
});
