// Message-path scheduling (pages without SharedArrayBuffer), in Node: the real
// ChunkDispatcher and MessageRun against fake workers that follow the worker
// protocol of src/browser/worker.ts, under random interleavings of deliveries,
// cancels and stops. The answer must be the lowest hit of the range every time,
// and every chunk below it must have been searched in full.
import { describe, expect, it } from 'vitest';
import { ChunkDispatcher } from '../../src/browser/dispatcher.ts';
import type { FromWorker, ToWorker } from '../../src/browser/messages.ts';
import { MessageRun, type WorkerPort } from '../../src/browser/runs.ts';
import { prng } from '../support/kernels.ts';

const JOB = { preimage: new Uint8Array(64), nonceWidth: 4 as const, bound: { b0: 0, b1: 0, b2: 1 } };

/** A worker that obeys the protocol, one step at a time, with hits from a table instead of a kernel. */
class FakeWorker implements WorkerPort {
  listener: ((m: FromWorker) => void) | undefined;
  readonly inbox: ToWorker[] = [];
  readonly outbox: FromWorker[] = [];
  readonly queue: bigint[] = [];
  above: bigint | null = null;
  stopping = false;
  search = 0;
  start = 0n;
  count = 0n;
  chunkSize = 1n;

  constructor(readonly hits: bigint[], readonly searchedInFull: Set<bigint>) {}

  post(m: ToWorker): void {
    this.inbox.push(m);
  }

  receive(): void {
    const m = this.inbox.shift()!;
    if (m.type === 'messages') Object.assign(this, { search: m.search, start: m.start, count: m.count, chunkSize: m.chunkSize });
    else if (m.type === 'chunk') this.queue.push(m.k);
    else if (m.type === 'cancel') this.above = this.above === null || m.above < this.above ? m.above : this.above;
    else if (m.type === 'stop') {
      this.stopping = true;
      if (this.queue.length === 0) this.outbox.push({ type: 'stopped', search: m.search });
    }
  }

  work(): void {
    const k = this.queue.shift()!;
    const lo = this.start + k * this.chunkSize;
    const hi = lo + this.chunkSize < this.start + this.count ? lo + this.chunkSize : this.start + this.count;
    if (this.stopping || (this.above !== null && k > this.above)) {
      this.outbox.push({ type: 'chunk-done', search: this.search, k, hit: null, abandoned: true, attempts: 0 });
    } else {
      const hit = this.hits.find((h) => h >= lo && h < hi) ?? null;
      if (hit === null) this.searchedInFull.add(k);
      this.outbox.push({ type: 'chunk-done', search: this.search, k, hit, abandoned: false, attempts: Number((hit ?? hi - 1n) - lo + 1n) });
    }
    if (this.stopping && this.queue.length === 0) this.outbox.push({ type: 'stopped', search: this.search });
  }

  deliver(): void {
    const m = this.outbox.shift()!; // shifted first: `listener?.(shift())` would skip the shift
    this.listener?.(m);
  }
}

interface Trial {
  hit: bigint | null;
  resolved: boolean;
  searchedInFull: Set<bigint>;
  dispatcher: ChunkDispatcher;
}

async function simulate(seed: number, stopAfter?: number): Promise<Trial & { want: bigint | null }> {
  const rnd = prng(seed);
  const start = BigInt(rnd.below(1 << 30));
  const count = BigInt(1 + rnd.below(6000));
  const chunkSize = BigInt(1 + rnd.below(800));
  const threads = 1 + rnd.below(4);
  // Sorted hits; sometimes none, sometimes many.
  const density = [0, 1 / 3000, 1 / 500, 1 / 50][rnd.below(4)];
  const hits: bigint[] = [];
  for (let i = 0n; i < count; i++) if (rnd.u32() / 2 ** 32 < density) hits.push(start + i);
  const searchedInFull = new Set<bigint>();
  const workers = Array.from({ length: threads }, () => new FakeWorker(hits, searchedInFull));
  const dispatcher = new ChunkDispatcher(count, chunkSize);
  const run = new MessageRun(dispatcher, { search: 7, job: JOB, start, count, chunkSize, batch: 64 });
  let resolved = false;
  const done = run.run(workers).then(() => (resolved = true));
  for (let step = 0; ; step++) {
    if (step > 1_000_000) throw new Error(`seed ${seed}: the simulation does not end`);
    if (stopAfter !== undefined && step === stopAfter) run.stop();
    const actions: Array<() => void> = [];
    for (const w of workers) {
      if (w.inbox.length) actions.push(() => w.receive());
      if (w.queue.length) actions.push(() => w.work());
      if (w.outbox.length) actions.push(() => w.deliver());
    }
    if (actions.length === 0) break;
    actions[rnd.below(actions.length)]();
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, 50))]);
  return { hit: run.hit(), want: hits[0] ?? null, resolved, searchedInFull, dispatcher };
}

describe('ChunkDispatcher', () => {
  it('hands out chunks in order, none past a hit, and finishes when nothing is in flight', () => {
    const d = new ChunkDispatcher(10n, 3n);
    expect(d.chunkCount).toBe(4n);
    expect([d.take(), d.take(), d.take()]).toEqual([0n, 1n, 2n]);
    expect(d.settle(1n, 5n, false)).toBe(true);
    expect(d.take()).toBeNull(); // chunk 3 is above the hit in chunk 1
    expect(d.settle(2n, 7n, false)).toBe(false); // a higher hit changes nothing
    expect(d.finished).toBe(false); // chunk 0 still runs
    expect(d.settle(0n, null, false)).toBe(false);
    expect([d.finished, d.hit, d.bestChunk]).toEqual([true, 5n, 1n]);
  });

  it('exhausts a range, and stops on demand', () => {
    const d = new ChunkDispatcher(1n, 1000n);
    expect(d.take()).toBe(0n);
    expect(d.take()).toBeNull();
    d.settle(0n, null, false);
    expect([d.finished, d.hit]).toEqual([true, null]);
    const s = new ChunkDispatcher(100n, 10n);
    s.take();
    s.stop();
    expect(s.take()).toBeNull();
    expect(s.finished).toBe(false);
    s.settle(0n, null, true);
    expect(s.finished).toBe(true);
    expect(() => s.settle(5n, null, false)).toThrow(/not in flight/);
  });
});

describe('MessageRun against protocol-following fake workers', () => {
  it('answers the lowest hit of the range under 300 random interleavings', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const t = await simulate(seed);
      expect(t.resolved, `seed ${seed}`).toBe(true);
      expect(t.hit, `seed ${seed}`).toBe(t.want);
      // Every chunk below the answer's chunk was searched in full.
      const last = t.dispatcher.bestChunk ?? t.dispatcher.chunkCount;
      for (let k = 0n; k < last; k++) expect(t.searchedInFull.has(k), `seed ${seed} chunk ${k}`).toBe(true);
    }
  });

  it('resolves after a stop at any moment, once every worker acknowledged it', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const t = await simulate(1000 + seed, seed % 17);
      expect(t.resolved, `seed ${seed}`).toBe(true);
      expect(t.dispatcher.inFlight).toBe(0);
    }
  });
});
