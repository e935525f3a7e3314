// The Node library call: vectors through mine(), abort timing with no thread
// left behind, progress, bad requests, and a process that exits by itself.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RequestError } from '../../src/core/errors.ts';
import { mine } from '../../src/node/mine.ts';
import type { MineProgress } from '../../src/node/miner.ts';
import { requestJson } from '../support/cli.ts';
import { fixture } from '../support/vectors.ts';

const MAX = '7fffffffffffffff';
const demo = fixture.pow_vectors.find((p) => p.id === 'gen-w4-506')!;
const endless = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;

describe('mine() (Node library)', () => {
  it('answers a vector from nonce 0 with the protocol response, from an object or JSON text', async () => {
    const asObject = await mine({ preimage_hex: demo.preimage_hex, target_hex: MAX, nonce_width: 4 }, { threads: 2 });
    expect(asObject).toMatchObject({ nonce_hex: demo.nonce_hex });
    const v2 = fixture.pow_vectors.find((p) => p.id === 'gen-w8-1282')!;
    const asText = await mine(requestJson(v2.preimage_hex, MAX, 8), { threads: 1, start: v2.nonce_int_le - 5000, count: 10_000 });
    expect(asText).toMatchObject({ nonce_hex: v2.nonce_hex });
    expect(Object.keys(asText)).toEqual(['nonce_hex', 'attempts', 'elapsed_s']);
  });

  it('resolves {exhausted: true} for a range without a valid nonce', async () => {
    await expect(mine(requestJson(endless.preimage_hex, MAX, 4), { count: 300_000n })).resolves.toEqual({ exhausted: true });
  });

  it('rejects a bad request with the core RequestError, and a bad range with a RangeError', async () => {
    await expect(mine({ preimage_hex: 'ab', target_hex: MAX, nonce_width: 4 })).rejects.toBeInstanceOf(RequestError);
    await expect(mine(requestJson(demo.preimage_hex, MAX, 4), { start: 2 ** 32 })).rejects.toBeInstanceOf(RangeError);
  });

  it('reports progress with attempts, elapsed, rate and watermark', async () => {
    const seen: MineProgress[] = [];
    await mine(requestJson(endless.preimage_hex, MAX, 4), { count: 4_000_000n, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0].attempts).toBeGreaterThan(0);
    expect(seen[0].rate).toBeGreaterThan(0);
    expect(seen[0].watermark).toBeLessThanOrEqual(BigInt(seen[0].attempts));
  });

  it('aborting rejects within 200 ms with a DOMException named AbortError', async () => {
    const controller = new AbortController();
    const running = mine(requestJson(endless.preimage_hex, MAX, 4), { signal: controller.signal, threads: 2 });
    await new Promise((r) => setTimeout(r, 500));
    const t = performance.now();
    controller.abort();
    const err = await running.catch((e: unknown) => e);
    expect(performance.now() - t).toBeLessThan(200);
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    const pre = new AbortController();
    pre.abort();
    await expect(mine(requestJson(endless.preimage_hex, MAX, 4), { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('leaves nothing running: a Node process exits by itself after mine() settles (hit and abort)', () => {
    const lib = new URL('../../dist/node/index.js', import.meta.url).href;
    const script = `
      import { mine } from ${JSON.stringify(lib)};
      const r = await mine(${JSON.stringify(requestJson(demo.preimage_hex, MAX, 4))}, { threads: 2 });
      const c = new AbortController();
      const p = mine(${JSON.stringify(requestJson(endless.preimage_hex, MAX, 4))}, { signal: c.signal });
      setTimeout(() => c.abort(), 300);
      const e = await p.catch((x) => x.name);
      console.log(r.nonce_hex, e);`;
    const t = performance.now();
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe(`${demo.nonce_hex} AbortError`);
    expect(performance.now() - t).toBeLessThan(20_000);
  });
});
