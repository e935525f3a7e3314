// `npm run test:long`: the searches that take minutes, on the engine users run. The Node Miner
// (worker threads, all cores, backend wasm) searches every vector whose lowest valid nonce from 0
// is known from nonce 0 to the end of its nonce space and must stop at that nonce; the
// dmint-miner command sweeps all 2^32 V1 nonces of gen-w4-8403, which has no valid nonce at any
// target (the fixture scanned the whole space), and must answer {"exhausted":true} with exit
// code 2: on the workers (--backend wasm), and with the default backend (auto: the GPU where
// Mesa gives Dawn an adapter; skipped where none opens, as it would only repeat the wasm sweep).
// Where a GPU opens, the command also searches every such vector from 0 on the default backend.
// Each search prints its time. Not part of `npm test`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Miner } from '../../src/node/miner.ts';
import { runCli } from '../support/cli.ts';
import { openGpuOrSkip, type GpuProbe } from '../support/skips.ts';
import { fixture, vectorById, vectorRequest } from '../support/vectors.ts';

const HOUR = 3_600_000;
const THREADS = availableParallelism();
/** The vectors whose fixture says which nonce is the lowest valid one from 0 (at the largest target). */
const LOWEST_KNOWN = fixture.pow_vectors.filter((v) => v.lowest_valid_nonce_from_0 !== null);
/** No valid V1 nonce in all of [0, 2^32) at any target: the fixture's full scan found none. */
const EXHAUSTS = 'gen-w4-8403';

/** `n` nonces in `ms`, as `12.3 s, 4.56 Mh/s`. */
const timing = (n: number | bigint, ms: number): string => `${(ms / 1000).toFixed(1)} s, ${(Number(n) / ms / 1000).toFixed(2)} Mh/s`;

describe(`the Node Miner (backend wasm, ${THREADS} threads): every vector with a known lowest nonce, from 0`, () => {
  let miner: Miner;
  beforeAll(() => {
    miner = new Miner({ threads: THREADS, backend: 'wasm' });
  });
  afterAll(async () => {
    await miner?.close();
  });

  it('the fixture has such vectors, V1 and V2, and says gen-w4-8403 has no valid V1 nonce', () => {
    expect(new Set(LOWEST_KNOWN.map((v) => v.nonce_width))).toEqual(new Set([4, 8]));
    const none = vectorById(EXHAUSTS) as unknown as { full_v1_space_scanned: boolean; valid_nonces_in_full_v1_space_at_max_target: unknown[]; lowest_valid_nonce_from_0: null };
    expect(none).toMatchObject({ full_v1_space_scanned: true, valid_nonces_in_full_v1_space_at_max_target: [], lowest_valid_nonce_from_0: null });
  });

  for (const v of LOWEST_KNOWN) {
    it(`${v.id}: the lowest valid nonce from 0 is ${v.lowest_valid_nonce_from_0}`, async () => {
      const t0 = performance.now();
      let watermark = 0n;
      // No count: the whole nonce space from 0, so nothing but the engine's own order stops it at the nonce.
      const r = await miner.mine(vectorRequest(v.id), { start: 0, onProgress: (p) => (watermark = p.watermark) });
      const ms = performance.now() - t0;
      expect(r).toMatchObject({ nonce_hex: v.lowest_valid_nonce_from_0 });
      const attempts = (r as { attempts: number }).attempts;
      // Every nonce below the hit was searched.
      expect(attempts).toBeGreaterThanOrEqual(v.nonce_int_le + 1);
      expect(watermark).toBeGreaterThanOrEqual(BigInt(v.nonce_int_le));
      console.log(`${v.id}: ${v.lowest_valid_nonce_from_0} (nonce ${v.nonce_int_le.toLocaleString('en')}) in ${timing(v.nonce_int_le + 1, ms)} on the Miner`);
    }, HOUR);
  }
});

describe(`dmint-miner: the full 2^32 V1 sweep of ${EXHAUSTS} exhausts`, () => {
  const sweep = async (label: string, args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'dmint-long-'));
    const statusFile = join(dir, `${label}.status`);
    const r = await runCli(['--quiet', '--status-file', statusFile, ...args], vectorRequest(EXHAUSTS), { timeoutMs: HOUR });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '{"exhausted":true}\n', stderr: '' });
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { state: string; backend: string; attempts: number };
    rmSync(dir, { recursive: true, force: true });
    // The whole space was searched: attempts are exactly 2^32.
    expect(status).toMatchObject({ state: 'exhausted', attempts: 2 ** 32 });
    console.log(`${EXHAUSTS}: 2^32 nonces, exhausted, in ${timing(2 ** 32, r.ms)} (dmint-miner ${args.join(' ') || 'with the default backend'}: hashed on ${status.backend})`);
    return status;
  };

  it('--backend wasm: {"exhausted":true}, exit 2', async () => {
    expect((await sweep('wasm', ['--backend', 'wasm'])).backend).toBe('wasm');
  }, HOUR);

  describe('the default backend (auto), where a GPU opens', () => {
    let probe: GpuProbe;
    beforeAll(async () => {
      probe = await openGpuOrSkip('test/long/vectors.long.test.ts');
    });

    it('{"exhausted":true}, exit 2, hashed on the GPU', async (ctx) => {
      if (!probe.ok) ctx.skip(probe.note);
      // auto measures both on the job's nonces and keeps the faster: llvmpipe beats the wasm workers on the same cores.
      expect((await sweep('auto', [])).backend).toBe('webgpu');
    }, HOUR);
  });
});

describe('dmint-miner with the default backend (auto), where a GPU opens: every vector with a known lowest nonce, from 0', () => {
  let probe: GpuProbe;
  beforeAll(async () => {
    probe = await openGpuOrSkip('test/long/vectors.long.test.ts');
  });

  for (const v of LOWEST_KNOWN) {
    it(`${v.id}: ${v.lowest_valid_nonce_from_0}`, async (ctx) => {
      // Without a GPU, auto hashes on the workers: the Miner's searches above already cover that path.
      if (!probe.ok) ctx.skip(probe.note);
      const r = await runCli(['--quiet'], vectorRequest(v.id), { timeoutMs: HOUR });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const response = JSON.parse(r.stdout) as { nonce_hex: string; attempts: number };
      expect(response.nonce_hex).toBe(v.lowest_valid_nonce_from_0);
      expect(response.attempts).toBeGreaterThanOrEqual(v.nonce_int_le + 1);
      console.log(`${v.id}: ${response.nonce_hex} in ${timing(v.nonce_int_le + 1, r.ms)} (dmint-miner, default backend)`);
    }, HOUR);
  }
});
