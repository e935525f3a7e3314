// The browser Miner's scheduling in Node, against fake Web Workers that follow
// the message path of src/browser/worker.ts (messages in order each
// way, random delays between them) with hits from a table instead of a kernel.
// Under random thread changes, pauses and aborts at arbitrary moments, every
// job must answer the lowest hit of its range, having searched every nonce up
// to it exactly once, and count no nonce twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nonceToHex } from '../../src/core/nonce.ts';
import type { FromWorker, ToWorker } from '../../src/browser/messages.ts';
import { Miner } from '../../src/browser/miner.ts';
import { prng } from '../support/kernels.ts';

const MAX = '7fffffffffffffff';

/** What every fake worker shares: the hit tables, what was searched, and the chaos to apply between steps. */
class World {
  readonly rnd: ReturnType<typeof prng>;
  /** Sorted hits per job key (the preimage's first byte). */
  readonly hits = new Map<number, number[]>();
  /** How many times each nonce was searched, per key. */
  readonly covered = new Map<number, Map<number, number>>();
  readonly alive = new Set<FakeWorker>();
  /** Report a hit at the first nonce of every piece (a kernel that lies). */
  lie = false;
  /** Post an error instead of searching the first piece of this job key (a worker that crashes). */
  crashKey: number | null = null;
  /** Called between steps (thread changes, pauses, aborts). */
  chaos: () => void = () => {};

  constructor(seed: number) {
    this.rnd = prng(seed);
  }

  /** Run `fn` after a random short delay: a macrotask, or sometimes a microtask. */
  later(fn: () => void): void {
    if (this.rnd.below(4) === 0) queueMicrotask(fn);
    else setImmediate(fn);
  }

  lowestHit(key: number, from: number, to: number): number | null {
    return this.hits.get(key)?.find((h) => h >= from && h < to) ?? null;
  }

  cover(key: number, from: number, to: number): void {
    let m = this.covered.get(key);
    if (!m) this.covered.set(key, (m = new Map()));
    for (let n = from; n < to; n++) m.set(n, (m.get(n) ?? 0) + 1);
  }
}

let world: World;

/** A Web Worker stand-in: in-order inbox and outbox, random delays, the piece protocol. */
class FakeWorker {
  onmessage: ((event: { data: FromWorker }) => void) | null = null;
  onerror: unknown = null;
  onmessageerror: unknown = null;
  #gone = false;
  readonly #inbox: ToWorker[] = [];
  readonly #outbox: FromWorker[] = [];
  readonly #halted = new Set<number>();

  constructor() {
    world.alive.add(this);
  }

  postMessage(m: ToWorker): void {
    this.#inbox.push(m);
    world.later(() => this.#receive());
  }

  terminate(): void {
    this.#gone = true;
    world.alive.delete(this);
  }

  #send(m: FromWorker): void {
    this.#outbox.push(m);
    world.later(() => {
      if (this.#gone) return;
      world.chaos();
      this.onmessage?.({ data: this.#outbox.shift()! });
    });
  }

  #receive(): void {
    const m = this.#inbox.shift()!;
    if (this.#gone) return;
    switch (m.type) {
      case 'init':
        this.#send({ type: 'ready', build: m.build });
        return;
      case 'piece':
        void this.#run(m);
        return;
      case 'piece-halt':
        this.#halted.add(m.piece);
        return;
      case 'verify': {
        const n = Number(m.nonce);
        const valid = world.lowestHit(m.preimage[0], n, n + 1) === n;
        this.#send({ type: 'verified', id: m.id, check: { nonce: m.nonce, valid, digestHex: '00'.repeat(32), sha256: 'built-in' } });
        return;
      }
      default:
        return;
    }
  }

  async #run(m: Extract<ToWorker, { type: 'piece' }>): Promise<void> {
    const { preimage, first, count, batch } = m.order;
    if (world.crashKey === preimage[0]) {
      world.crashKey = null;
      this.#send({ type: 'error', name: 'Error', message: 'boom' });
      return;
    }
    const key = preimage[0];
    const end = Number(first + count);
    let searched = 0;
    let hit: bigint | null = null;
    for (let next = Number(first); next < end && !this.#halted.has(m.piece);) {
      const n = Math.min(batch, end - next);
      const h = world.lie ? next : world.lowestHit(key, next, next + n);
      const upto = h === null ? next + n : h + 1;
      world.cover(key, next, upto);
      searched += upto - next;
      if (h !== null) {
        hit = BigInt(h);
        break;
      }
      next += n;
      if (next >= end) break;
      if (world.rnd.below(3) === 0) this.#send({ type: 'piece-progress', piece: m.piece, searched });
      await new Promise<void>((resolve) => world.later(resolve));
      if (this.#gone) return;
    }
    this.#send({ type: 'piece-done', piece: m.piece, hit, searched });
  }
}

const request = (key: number) => ({ preimage_hex: key.toString(16).padStart(2, '0') + '00'.repeat(63), target_hex: MAX, nonce_width: 4 });

beforeEach(() => {
  (globalThis as { Worker?: unknown }).Worker = FakeWorker;
});
afterEach(() => {
  delete (globalThis as { Worker?: unknown }).Worker;
});

interface Spec {
  key: number;
  start: number;
  count: number;
  abort: AbortController;
}

async function trial(seed: number): Promise<void> {
  world = new World(seed);
  const rnd = world.rnd;
  const miner = new Miner({ threads: 1 + rnd.below(4), chunkSize: BigInt(1 + rnd.below(300)), batch: 1 + rnd.below(40), workerUrl: 'fake' });
  const specs: Spec[] = Array.from({ length: 1 + rnd.below(3) }, (_, i) => ({
    key: i + 1, start: rnd.below(1_000_000), count: 1 + rnd.below(2000), abort: new AbortController(),
  }));
  for (const s of specs) {
    const density = [0, 1 / 1500, 1 / 300, 1 / 30][rnd.below(4)];
    const hits: number[] = [];
    for (let n = s.start; n < s.start + s.count; n++) if (rnd.u32() / 2 ** 32 < density) hits.push(n);
    world.hits.set(s.key, hits);
  }
  let settled = false;
  world.chaos = () => {
    if (settled || rnd.below(15) !== 0) return;
    const action = rnd.below(10);
    if (action < 5) miner.setThreads(1 + rnd.below(4));
    else if (action < 9) {
      miner.pause();
      setTimeout(() => !settled && miner.resume(), rnd.below(3));
    } else specs[rnd.below(specs.length)].abort.abort();
  };
  const outcomes = await Promise.all(specs.map((s) => miner.mine(request(s.key), { start: s.start, count: s.count, signal: s.abort.signal }).then(
    (r) => ({ ok: true as const, r }),
    (e: unknown) => ({ ok: false as const, e }),
  )));
  settled = true;
  expect(miner.jobs, `seed ${seed}`).toBe(0);
  // A job answers once nothing below its hit is out: pieces above it stop within a batch, after.
  for (let i = 0; miner.activeThreads > 0 && i < 1000; i++) await new Promise((r) => setImmediate(r));
  expect(miner.activeThreads, `seed ${seed}`).toBe(0);
  specs.forEach((s, i) => {
    const o = outcomes[i];
    const label = `seed ${seed} job ${s.key}`;
    if (!o.ok) {
      expect(s.abort.signal.aborted, label).toBe(true);
      expect((o.e as Error).name, label).toBe('AbortError');
      return;
    }
    const want = world.hits.get(s.key)![0] ?? null;
    const covered = world.covered.get(s.key) ?? new Map<number, number>();
    const last = want ?? s.start + s.count - 1;
    for (let n = s.start; n <= last; n++) expect(covered.get(n), `${label} nonce ${n}`).toBe(1);
    if (want === null) {
      expect(o.r, label).toEqual({ exhausted: true });
      return;
    }
    expect(o.r, label).toMatchObject({ nonce_hex: nonceToHex(BigInt(want), 4) });
    // Every nonce up to the hit is counted; nothing is counted that was not searched.
    let total = 0;
    for (const c of covered.values()) total += c;
    const attempts = (o.r as { attempts: number }).attempts;
    expect(attempts, label).toBeGreaterThanOrEqual(want - s.start + 1);
    expect(attempts, label).toBeLessThanOrEqual(total);
  });
  await miner.close();
  expect(world.alive.size, `seed ${seed}: workers left`).toBe(0);
}

describe('browser Miner against protocol-following fake workers', () => {
  it('answers the lowest hit of every job under 150 random runs of thread changes, pauses and aborts', async () => {
    for (let seed = 1; seed <= 150; seed++) await trial(seed);
  });

  it('rejects with VerificationError when the independent check does not confirm a reported hit', async () => {
    world = new World(7);
    world.lie = true;
    const miner = new Miner({ threads: 2, chunkSize: 64n, batch: 8, workerUrl: 'fake' });
    world.hits.set(1, []);
    await expect(miner.mine(request(1), { start: 100, count: 1000 })).rejects.toMatchObject({ name: 'VerificationError' });
    await miner.close();
  });

  it('fails only the job whose worker crashed; the other job gets a new worker and its answer', async () => {
    world = new World(8);
    world.hits.set(1, [500]);
    world.hits.set(2, [5000]);
    world.crashKey = 1;
    const miner = new Miner({ threads: 2, chunkSize: 64n, batch: 8, workerUrl: 'fake' });
    const crashed = miner.mine(request(1), { start: 0, count: 1000 }).catch((e: unknown) => e);
    const other = miner.mine(request(2), { start: 4000, count: 2000 });
    expect(await crashed).toMatchObject({ name: 'WorkerFailure' });
    await expect(other).resolves.toMatchObject({ nonce_hex: nonceToHex(5000n, 4) });
    await miner.close();
    expect(world.alive.size).toBe(0);
  });
});
