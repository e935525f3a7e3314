// The Node Miner on the GPU (backend 'webgpu' and 'auto', src/node/miner.ts) with Dawn in its
// GPU process, on whatever adapter Node opens here (Mesa's llvmpipe on the CI image): the lowest
// hit of windows over many pieces (V1 and V2), exhaustion, an abort rejecting within the promised 200 ms and
// no GPU process left once the Miner is closed; a GPU process that crashes, lies about a hit or
// hangs mid-job (test doubles in test/support/gpu-child-*.mjs) handing over to the workers with
// the same answer and the reason in backendStatus.gpuProblem; 'auto' measuring both sides and
// keeping the faster; mine() and spawnMiner() with backend 'webgpu'. Without an adapter (forced
// here through the environment, so these run everywhere): 'webgpu' rejects with a NoGpuError
// saying what to install, and 'auto' answers on the workers. The GPU tests are skipped with one
// notice where Node has no WebGPU adapter.
import { afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { NoGpuError, type GpuAdapterSummary } from '../../src/gpu/kernel.ts';
import { mine } from '../../src/node/mine.ts';
import { Miner, type BackendStatus, type MinerOptions, type MineResponse } from '../../src/node/miner.ts';
import { spawnMiner, type MinerProcess } from '../../src/node/spawn.ts';
import { NO_ADAPTER_ENV, descendantsOf, gpuChildrenOf, gpuDouble, isRunning, openGpuOrSkip, until } from '../support/gpu.ts';
import { abortedWithin } from '../support/budgets.ts';
import { needs } from '../support/skips.ts';
import { vectorById as vector, vectorRequest as request } from '../support/vectors.ts';

let adapter: GpuAdapterSummary | null | undefined; // undefined: no GPU here, skip with noGpu
let noGpu = 'mesa: the GPU process was not opened';

beforeAll(async () => {
  const probe = await openGpuOrSkip('test/gpu/node-miner.test.ts');
  adapter = probe.ok ? probe.adapter : undefined;
  if (!probe.ok) noGpu = probe.note;
});

const needGpu = (ctx: TestContext): void => {
  if (adapter === undefined) ctx.skip(noGpu);
};

let open: Miner[] = [];
afterEach(async () => {
  await Promise.all(open.map((m) => m.close()));
  open = [];
});

/** A Miner closed after the test, with every backend change it reports. */
function newMiner(options: MinerOptions): { miner: Miner; changes: BackendStatus[] } {
  const changes: BackendStatus[] = [];
  const miner = new Miner({ threads: 2, ...options, onBackendChange: (s) => changes.push(s) });
  open.push(miner);
  return { miner, changes };
}

/** The window of `count` nonces ending at the vector's nonce (the lowest valid one from 0). */
const windowTo = (id: string, count: number) => ({ start: vector(id).nonce_int_le - (count - 1), count });

/** GPU processes of this test process that are not in `before`. */
const newGpuChildren = (before: Set<number>) => gpuChildrenOf(process.pid).filter((p) => !before.has(p.pid) && isRunning(p.pid));
const gpuPids = () => new Set(gpuChildrenOf(process.pid).map((p) => p.pid));

// gen-w4-8403 has no valid nonce in all of [0, 2^32): with target 1 nothing anywhere is a hit.
const ENDLESS = request('gen-w4-8403', '0000000000000001');

describe('the Node Miner with backend webgpu', () => {
  it('answers the lowest hit of a window ending at a vector\'s nonce over many pieces, V1 and V2, every nonce searched once, on the GPU', async (ctx) => {
    needGpu(ctx);
    for (const [id, count] of [['pxd-mainnet-mint-c9fdcd34', 6_000_001], ['gen-w8-1282', 1_994_602]] as const) {
      const { miner, changes } = newMiner({ backend: 'webgpu', chunkSize: 8192n });
      let progress = 0;
      const answer = await miner.mine(request(id), { ...windowTo(id, count), onProgress: () => progress++ });
      expect(answer, id).toMatchObject({ nonce_hex: vector(id).nonce_hex, attempts: count });
      expect(miner.backend).toBe('webgpu');
      expect(miner.backendStatus).toMatchObject({ choice: 'webgpu', active: 'webgpu', calibrating: false, gpuProblem: null, adapter });
      expect(changes.map((c) => c.active)).toEqual(['webgpu']); // the GPU opened, and nothing changed after
      expect(progress).toBeGreaterThan(0);
    }
  });

  it('exhausts a range with no hit', async (ctx) => {
    needGpu(ctx);
    const { miner } = newMiner({ backend: 'webgpu', chunkSize: 8192n });
    expect(await miner.mine(ENDLESS, { start: 0, count: 3_000_000 })).toEqual({ exhausted: true });
    // And the real target just below the mainnet mint's nonce, in the same Miner.
    const { start } = windowTo('pxd-mainnet-mint-c9fdcd34', 2_000_001);
    expect(await miner.mine(request('pxd-mainnet-mint-c9fdcd34'), { start, count: 2_000_000 })).toEqual({ exhausted: true });
    expect(miner.backendStatus.gpuProblem).toBeNull();
  });

  it('rejects within the abort promise (200 ms, scaled to the machine) with the caller\'s reason, and close() leaves no GPU process', async (ctx) => {
    needGpu(ctx);
    const before = gpuPids();
    const { miner } = newMiner({ backend: 'webgpu' });
    let attempts = 0;
    let child: { pid: number } | undefined;
    let seen = 0;
    // The shared check of the abort promise: started once hashing shows on the GPU (two progress
    // reports with attempts growing), then aborted with the caller's reason.
    const { error } = await abortedWithin(
      (signal) => miner.mine(ENDLESS, { signal, onProgress: (p) => (attempts = p.attempts) }),
      () => {
        child ??= newGpuChildren(before)[0];
        if (child === undefined || attempts === 0) return false;
        if (seen === 0) seen = attempts;
        return attempts > seen;
      },
      'a GPU job',
      'the user left',
    );
    expect(error).toBe('the user left');
    const gpuPid = (child as { pid: number } | undefined)?.pid;
    if (gpuPid === undefined) throw new Error('no GPU process');
    expect(isRunning(gpuPid)).toBe(true); // a Miner keeps its GPU process for the next job
    await miner.close();
    expect(isRunning(gpuPid)).toBe(false);
    expect(() => process.kill(gpuPid, 0)).toThrow(/ESRCH/);
  });
});

describe('the GPU failing mid-job: the workers go on from where it stopped', () => {
  const faults = [
    ['crash', 'crashes (SIGSEGV)', 'gen-w8-1282', /the GPU process ended \(SIGSEGV\)/, {}],
    ['lie', 'reports a hit that is none', 'gen-w4-506', /reported nonce [0-9a-f]+ as a hit but node:crypto SHA-256 refuses it/, {}],
    ['hang', 'stops answering (hangMs 1500)', 'pxd-mainnet-mint-c9fdcd34', /stopped answering \(no reply in 1\.5 s\)/, { hangMs: 1500 }],
  ] as const;
  for (const [double, what, id, problem, gpuOptions] of faults) {
    it(`a GPU process that ${what}: the same lowest hit, nothing searched twice, and gpuProblem says why`, async (ctx) => {
      needGpu(ctx);
      const before = gpuPids();
      const chunk = 16_384;
      const count = 1_500_001;
      const { miner, changes } = newMiner({ backend: 'webgpu', chunkSize: BigInt(chunk), gpuProcess: { file: gpuDouble(double), ...gpuOptions } });
      const t0 = performance.now();
      const answer = await miner.mine(request(id), windowTo(id, count)) as Extract<MineResponse, { nonce_hex: string }>;
      const ms = performance.now() - t0;
      expect(answer.nonce_hex).toBe(vector(id).nonce_hex);
      expect(answer.attempts).toBeGreaterThanOrEqual(count);
      expect(answer.attempts).toBeLessThan(count + 2 * chunk);
      expect(miner.backend).toBe('wasm');
      // The GPU opened and hashed, then failed: told once each.
      expect(changes.map((c) => c.active)).toEqual(['webgpu', 'wasm']);
      expect(changes[1].gpuProblem).toMatch(problem);
      expect(miner.backendStatus).toMatchObject({ choice: 'webgpu', active: 'wasm', adapter });
      expect(miner.backendStatus.gpuProblem).toMatch(problem);
      if (double === 'hang') expect(ms).toBeGreaterThan(1500);
      // The failed GPU process was ended, not left behind.
      await until(() => (newGpuChildren(before).length === 0 ? true : undefined), 5_000, 'the failed GPU process to end');
      // The workers keep serving this Miner's next jobs.
      expect(await miner.mine(request('gen-w4-506'), windowTo('gen-w4-506', 200_001))).toMatchObject({ nonce_hex: vector('gen-w4-506').nonce_hex });
    });
  }
});

describe('the Node Miner with backend auto', () => {
  it('measures both sides on the GPU it opens and keeps the faster, with the right answer', async (ctx) => {
    needGpu(ctx);
    const id = 'pxd-mainnet-mint-c9fdcd34';
    const count = 4_000_001;
    const { miner, changes } = newMiner({ backend: 'auto' });
    const answer = await miner.mine(request(id), windowTo(id, count));
    // The workers hash while the GPU opens: a window can end before the calibration does; the next jobs go on with it.
    const undecided = (s = miner.backendStatus) => s.calibrating || (s.adapter === null && s.gpuProblem === null);
    let jobs = 1;
    for (const t0 = performance.now(); undecided() && performance.now() - t0 < 30_000; jobs++) {
      expect(await miner.mine(request(id), windowTo(id, 2 * count))).toMatchObject({ nonce_hex: vector(id).nonce_hex });
    }
    const s = miner.backendStatus;
    console.info(`test/gpu/node-miner.test.ts: auto on ${s.adapter?.device || s.adapter?.vendor}: GPU ${(s.rates.webgpu! / 1e6).toFixed(2)} Mh/s, workers ${(s.rates.wasm! / 1e6).toFixed(2)} Mh/s after ${jobs} job(s): ${s.active}`);
    expect(answer).toMatchObject({ nonce_hex: vector(id).nonce_hex });
    expect((answer as { attempts: number }).attempts).toBeGreaterThanOrEqual(count);
    expect(s).toMatchObject({ choice: 'auto', calibrating: false, gpuProblem: null, adapter });
    expect(s.rates.webgpu).toBeGreaterThan(0);
    expect(s.rates.wasm).toBeGreaterThan(0);
    const faster = s.rates.webgpu! > s.rates.wasm! ? 'webgpu' : 'wasm';
    expect(s.active).toBe(faster);
    expect(miner.backend).toBe(faster);
    // The GPU opened (its rate measured first), then the workers', then the decision.
    expect(changes.map((c) => [c.active, c.calibrating])).toEqual([['webgpu', true], ['wasm', true], [faster, false]]);
    // Decided: the next job is answered by the side kept.
    expect(await miner.mine(request('gen-w4-506'), windowTo('gen-w4-506', 500_001))).toMatchObject({ nonce_hex: vector('gen-w4-506').nonce_hex });
    expect(miner.backendStatus.active).toBe(faster);
  });
});

describe('mine() and spawnMiner() with backend webgpu', () => {
  let child: MinerProcess | undefined;
  afterEach(async () => {
    await child?.close();
    child = undefined;
  });

  it('mine(request, {backend: "webgpu"}) answers the lowest hit and leaves no GPU process behind', async (ctx) => {
    needGpu(ctx);
    const before = gpuPids();
    const id = 'gen-w4-7866';
    const answer = await mine(request(id), { backend: 'webgpu', threads: 2, ...windowTo(id, 2_000_001) });
    expect(answer).toMatchObject({ nonce_hex: vector(id).nonce_hex, attempts: 2_000_001 });
    expect(newGpuChildren(before)).toEqual([]);
  });

  it('spawnMiner({backend: "webgpu"}) mines in its child on the GPU, its status says so, and close() ends the GPU process too', async (ctx) => {
    needGpu(ctx);
    child = spawnMiner({ backend: 'webgpu', threads: 2 });
    const id = 'gen-w8-409';
    const answer = await child.mine(request(id), windowTo(id, 2_000_001));
    expect(answer).toMatchObject({ nonce_hex: vector(id).nonce_hex, attempts: 2_000_001 });
    expect(await child.status()).toMatchObject({ backend: 'webgpu', jobs: 0 });
    const helpers = descendantsOf(child.child.pid!);
    expect(helpers.filter((p) => /gpu-child/.test(p.cmdline))).toHaveLength(1);
    await child.close();
    child = undefined;
    await until(() => (helpers.every((p) => !isRunning(p.pid)) ? true : undefined), 2_000, 'the spawned miner\'s GPU process to end');
  });
});

// Hiding every adapter through the environment works for Mesa's EGL and the Vulkan loader: Linux only.
describe('no adapter (forced through the environment the GPU process inherits)', needs('linux'), () => {
  /** Run `f` with Dawn unable to find an adapter in the GPU processes started meanwhile. */
  async function withoutAdapter<T>(f: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(NO_ADAPTER_ENV).map((k) => [k, process.env[k]]));
    Object.assign(process.env, NO_ADAPTER_ENV);
    try {
      return await f();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  it('backend webgpu rejects its jobs with a NoGpuError that says what to install; auto answers on the workers and says why', async () => {
    const id = 'gen-w4-506';
    const { webgpuErr, later, autoAnswer, auto } = await withoutAdapter(async () => {
      const { miner } = newMiner({ backend: 'webgpu' });
      const webgpuErr = await miner.mine(request(id), windowTo(id, 100_001)).catch((e: unknown) => e);
      const later = await miner.mine(request(id), windowTo(id, 100_001)).catch((e: unknown) => e);
      const { miner: autoMiner } = newMiner({ backend: 'auto' });
      const autoAnswer = await autoMiner.mine(request(id), windowTo(id, 1_000_001));
      // The GPU's opening may still be failing when a short window ends: wait for its verdict.
      await until(() => autoMiner.backendStatus.gpuProblem ?? undefined, 20_000, 'auto\'s GPU verdict');
      return { webgpuErr, later, autoAnswer, auto: autoMiner.backendStatus };
    });
    expect(webgpuErr).toBeInstanceOf(NoGpuError);
    expect((webgpuErr as Error).message).toMatch(/install/);
    if (process.platform === 'linux') expect((webgpuErr as Error).message).toMatch(/apt-get install libegl-mesa0 libgl1-mesa-dri libegl-dev|npm install webgpu/);
    expect(later).toBeInstanceOf(NoGpuError);
    expect(autoAnswer).toMatchObject({ nonce_hex: vector(id).nonce_hex });
    expect(auto).toMatchObject({ choice: 'auto', active: 'wasm', calibrating: false, adapter: null, rates: { webgpu: null, wasm: null } });
    expect(auto.gpuProblem).toMatch(/install/);
  });
});
