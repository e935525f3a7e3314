// The Node library call: vectors through mine(), progress (and the abort
// promise, through the shared check), bad requests, and a process that exits by
// itself with no thread left behind.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RequestError } from '../../src/core/errors.ts';
import { mine } from '../../src/node/mine.ts';
import type { MineProgress } from '../../src/node/miner.ts';
import { abortedWithin, until } from '../support/budgets.ts';
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

  it('resolves {exhausted: true} for a range without a valid nonce, with one final report of the whole range, last', async () => {
    const seen: MineProgress[] = [];
    await expect(mine(requestJson(endless.preimage_hex, MAX, 4), { count: 300_000n, onProgress: (p) => seen.push(p) })).resolves.toEqual({ exhausted: true });
    expect(seen.filter((p) => p.final)).toHaveLength(1);
    expect(seen.at(-1)).toMatchObject({ final: true, attempts: 300_000, watermark: 300_000n });
  });

  it('rejects a bad request with the core RequestError, and a bad range with a RangeError', async () => {
    await expect(mine({ preimage_hex: 'ab', target_hex: MAX, nonce_width: 4 })).rejects.toBeInstanceOf(RequestError);
    await expect(mine(requestJson(demo.preimage_hex, MAX, 4), { start: 2 ** 32 })).rejects.toBeInstanceOf(RangeError);
  });

  it('reports progress as it runs: attempts, elapsed and watermark never go back, the watermark never passes the attempts, a rate once hashing; then one final report', async () => {
    const seen: MineProgress[] = [];
    const periodic = (): MineProgress[] => seen.filter((p) => !p.final);
    const { error } = await abortedWithin(
      (signal) => mine(requestJson(endless.preimage_hex, MAX, 4), { threads: 2, signal, onProgress: (p) => seen.push(p) }),
      // Two periodic reports with hashing counted: the job is under way and reports as it goes.
      () => periodic().filter((p) => p.attempts > 0).length >= 2,
      'mine()',
    );
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    await until(() => seen.at(-1)?.final, 'the final report');
    expect(seen.filter((p) => p.final)).toHaveLength(1);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].attempts, `report ${i}`).toBeGreaterThanOrEqual(seen[i - 1].attempts);
      expect(seen[i].watermark, `report ${i}`).toBeGreaterThanOrEqual(seen[i - 1].watermark);
      expect(seen[i].elapsed_s, `report ${i}`).toBeGreaterThanOrEqual(seen[i - 1].elapsed_s);
    }
    for (const p of seen) {
      // From nonce 0, every nonce below the watermark was hashed.
      expect(p.watermark).toBeLessThanOrEqual(BigInt(p.attempts));
      if (p.attempts > 0) expect(p.rate).toBeGreaterThan(0);
    }
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
      // Aborted at its first report, mid-search.
      const p = mine(${JSON.stringify(requestJson(endless.preimage_hex, MAX, 4))}, { signal: c.signal, onProgress: () => c.abort() });
      const e = await p.catch((x) => x.name);
      console.log(r.nonce_hex, e);`;
    const t = performance.now();
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe(`${demo.nonce_hex} AbortError`);
    expect(performance.now() - t).toBeLessThan(20_000);
  });
});
