// The Miners' GPU side (src/gpu/backend-executor.ts over the real GpuExecutor and
// engine) in Node, against a fake GPU kernel and fake workers that search at set rates and
// record every nonce they search, with a real vector's hit so the real verification passes.
// What a SwiftShader adapter cannot show: `auto` keeping a GPU that is faster, and the exact
// hand-over on a failure: in every case the answer is the lowest hit and every nonce up to it
// is searched exactly once, by one side or the other.
import { afterEach, describe, expect, it } from 'vitest';
import { BackendExecutor } from '../../src/gpu/backend-executor.ts';
import { type BackendChoice, type BackendStatus } from '../../src/gpu/backend-choice.ts';
import type { GpuSearcher } from '../../src/gpu/executor.ts';
import { Engine } from '../../src/core/engine.ts';
import type { Executor, ExecutorEvents, PieceEnd, PieceOrder, RunningPiece } from '../../src/core/executor.ts';
import type { MineResponse } from '../../src/core/job-api.ts';
import type { ScanResult } from '../../src/core/kernel.ts';
import type { MineRequest } from '../../src/core/request.ts';
import { checkHit } from '../../src/core/verify.ts';
import { nodeSha256, vectorById as vector, vectorRequest as request } from '../support/vectors.ts';
import { until } from '../support/budgets.ts';

const V = vector('pxd-mainnet-mint-c9fdcd34');
/** Nonces in the window, which ends at the vector's nonce (the lowest hit in it), plus some above. */
const BELOW = 3_000_000;
const COUNT = BELOW + 200_000;
const START = BigInt(V.nonce_int_le - (BELOW - 1));
const HIT = BELOW - 1; // the hit's offset in the window

/** What both fakes search: how often each nonce of the window was searched, and the one hit. */
class World {
  readonly searched = new Uint8Array(COUNT);

  /** Search `n` nonces from `first`: every one up to the hit, or all of them. */
  search(first: bigint, n: number): ScanResult {
    const from = Number(first - START);
    for (let i = from; i < from + n; i++) {
      if (i >= 0 && i < COUNT) this.searched[i]! += 1;
      if (i === HIT) return { hit: START + BigInt(i), scanned: i - from + 1 };
    }
    return { hit: null, scanned: n };
  }

  /** Offsets at or below the hit searched other than exactly once. */
  misses(): number[] {
    const bad: number[] = [];
    for (let i = 0; i <= HIT; i++) if (this.searched[i] !== 1) bad.push(i);
    return bad.slice(0, 5);
  }
}

/** A GPU kernel that searches `rate` nonces per ms, and fails as told from dispatch `failAfter` on. */
class FakeGpu {
  readonly adapter = { vendor: 'test', architecture: 'fake', device: '', description: '', fallback: false };
  dispatches = 0;
  destroyed = false;
  #busyUntil = 0;

  constructor(readonly world: World, readonly rate: number, readonly fault?: { after: number; kind: 'lost' | 'lie' }) {}

  setJob(): void {}

  submit(first: bigint, n: number): Promise<ScanResult> {
    const k = ++this.dispatches;
    // One device: a dispatch starts when the one before it ends.
    const now = performance.now();
    this.#busyUntil = Math.max(now, this.#busyUntil) + n / this.rate;
    return new Promise((resolve, reject) => setTimeout(() => {
      if (this.fault && k > this.fault.after) {
        // A lost device fails every pending readback; a lying GPU reports its first nonce, having searched nothing.
        if (this.fault.kind === 'lost') return reject(new Error('the GPU device was lost (destroyed)'));
        return resolve({ hit: first, scanned: 1 });
      }
      resolve(this.world.search(first, n));
    }, this.#busyUntil - now));
  }

  destroy(): void {
    this.destroyed = true;
  }
}

/** Workers that each search `rate` nonces per ms in 5 ms steps, halting between steps. */
class FakeWorkers implements Executor {
  running = 0;
  pieces = 0;

  constructor(readonly events: ExecutorEvents, readonly world: World, readonly rate: number) {}

  room(wanted: number): number {
    return Math.max(0, wanted - this.running);
  }

  run(order: PieceOrder, end: PieceEnd): RunningPiece {
    this.running++;
    this.pieces++;
    let searched = 0;
    let halted = false;
    const count = Number(order.count);
    const step = (): void => {
      if (halted || searched >= count) return finish(null);
      const r = this.world.search(order.first + BigInt(searched), Math.min(count - searched, this.rate * 5));
      searched += r.scanned;
      if (r.hit !== null) return finish(r.hit);
      setTimeout(step, 5);
    };
    const finish = (hit: bigint | null): void => {
      this.running--;
      end.done({ hit, searched });
      this.events.capacity();
    };
    setTimeout(step, 5);
    return { searched: () => searched, halt: () => { halted = true; } };
  }

  verify(req: MineRequest, nonce: bigint) {
    return checkHit(req, nonce, nodeSha256, 'node:crypto');
  }

  async close(): Promise<void> {}
}

/** The engine over a BackendExecutor with the fakes, as the browser Miner builds it. */
class FakeMiner extends Engine {
  /** Every status the executor reported, in order. */
  readonly statuses: BackendStatus[];
  readonly #made: { backend?: BackendExecutor; workers?: FakeWorkers };

  constructor(choice: Exclude<BackendChoice, 'wasm'>, gpu: FakeGpu | Promise<never>, workerRate: number) {
    const statuses: BackendStatus[] = [];
    const made: { backend?: BackendExecutor; workers?: FakeWorkers } = {};
    const world = gpu instanceof FakeGpu ? gpu.world : new World();
    super('simd', { threads: 2, chunkSize: 65_536n }, (events) => (made.backend = new BackendExecutor(
      events, choice, Promise.resolve(gpu as unknown as GpuSearcher),
      (ev) => (made.workers = new FakeWorkers(ev, world, workerRate)),
      { name: 'node:crypto', digest: nodeSha256 },
      (s) => statuses.push(s),
    )));
    this.statuses = statuses;
    this.#made = made;
  }

  get status(): BackendStatus {
    return this.#made.backend!.status;
  }

  get workers(): FakeWorkers | undefined {
    return this.#made.workers;
  }
}

let miner: FakeMiner | undefined;
afterEach(async () => {
  await miner?.close();
  miner = undefined;
});

const mineWindow = (m: FakeMiner): Promise<MineResponse> => m.mine(request('pxd-mainnet-mint-c9fdcd34'), { start: START, count: COUNT });

describe('the GPU side of the browser Miner, against fakes', () => {
  it('auto keeps a GPU that is faster than the workers, with the lowest hit and every nonce up to it searched once', async () => {
    const world = new World();
    const gpu = new FakeGpu(world, 4000);
    miner = new FakeMiner('auto', gpu, 200);
    const answer = await mineWindow(miner);
    expect(answer).toMatchObject({ nonce_hex: V.nonce_hex });
    expect(world.misses()).toEqual([]);
    expect(miner.status).toMatchObject({ choice: 'auto', active: 'webgpu', calibrating: false, gpuProblem: null });
    expect(miner.status.rates.webgpu!).toBeGreaterThan(miner.status.rates.wasm!);
    // Measured about as set (4000 nonces/ms on the GPU, 2 × 200 on the workers); late timers on a busy machine only lower them.
    expect(miner.status.rates.webgpu! / 4e6).toBeGreaterThan(0.2);
    expect(miner.status.rates.webgpu! / 4e6).toBeLessThan(1.5);
    expect(miner.status.rates.wasm! / 4e5).toBeGreaterThan(0.2);
    expect(miner.status.rates.wasm! / 4e5).toBeLessThan(1.5);
    expect(miner.statuses.map((s) => [s.active, s.calibrating])).toEqual([['webgpu', true], ['wasm', true], ['webgpu', false]]);
    expect(miner.workers!.pieces).toBeGreaterThan(0); // the workers did run, for their measurement
    expect(gpu.destroyed).toBe(false);
  });

  it('auto keeps the workers when the GPU is slower, and frees the GPU', async () => {
    const world = new World();
    const gpu = new FakeGpu(world, 400);
    miner = new FakeMiner('auto', gpu, 2000);
    expect(await mineWindow(miner)).toMatchObject({ nonce_hex: V.nonce_hex });
    expect(world.misses()).toEqual([]);
    expect(miner.status).toMatchObject({ active: 'wasm', calibrating: false, gpuProblem: null });
    expect(miner.status.rates.wasm!).toBeGreaterThan(miner.status.rates.webgpu!);
    // Freed once the workers are kept: awaited, not guessed.
    expect(await until(() => gpu.destroyed, 'the GPU to be destroyed', 5000)).toBe(true);
  });

  it('auto without a GPU goes to the workers at once, saying why', async () => {
    miner = new FakeMiner('auto', Promise.reject(new Error('no adapter')), 4000);
    expect(await mineWindow(miner)).toMatchObject({ nonce_hex: V.nonce_hex });
    expect(miner.status).toMatchObject({ active: 'wasm', calibrating: false, gpuProblem: 'no adapter', rates: { webgpu: null, wasm: null } });
  });

  for (const kind of ['lost', 'lie'] as const) {
    it(`webgpu: a GPU that ${kind === 'lost' ? 'loses its device' : 'reports a wrong hit'} hands over to the workers at its last clean dispatch, nothing skipped or searched twice`, async () => {
      const world = new World();
      const gpu = new FakeGpu(world, 2000, { after: 12, kind });
      miner = new FakeMiner('webgpu', gpu, 2000);
      expect(await mineWindow(miner)).toMatchObject({ nonce_hex: V.nonce_hex });
      expect(world.misses()).toEqual([]);
      expect(miner.status.active).toBe('wasm');
      expect(miner.status.gpuProblem).toMatch(kind === 'lost' ? /device was lost/ : /as a hit but node:crypto SHA-256 refuses it/);
      expect(miner.statuses.map((s) => s.active)).toEqual(['webgpu', 'wasm']);
      // The GPU did part of the work before it failed, and is not used again.
      expect(world.searched.slice(0, 4096).every((x) => x === 1)).toBe(true);
      expect(gpu.dispatches).toBeGreaterThan(12);
      expect(gpu.dispatches).toBeLessThanOrEqual(14);
    });
  }
});
