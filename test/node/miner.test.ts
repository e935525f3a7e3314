// The long-lived Node Miner: thread changes and pause/resume during a run keep
// the answer (the lowest valid nonce of the window), attempts freeze while
// paused, jobs share the threads, and close/abort end jobs with AbortError.
import { afterEach, describe, expect, it } from 'vitest';
import { Miner, type MineProgress } from '../../src/node/miner.ts';
import { VerificationError } from '../../src/core/errors.ts';
import { requestJson } from '../support/cli.ts';
import { fixture } from '../support/vectors.ts';

const MAX = '7fffffffffffffff';
const vector = (id: string) => fixture.pow_vectors.find((p) => p.id === id)!;
// Its nonce is the lowest valid one from 0, so any window ending at it holds no other.
const deep = vector('pyrxd-test-0cf3-fd362814');
const endless = vector('gen-w4-8403');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job whose answer is `deep`'s nonce after about `lead` nonces of search. */
function deepJob(lead: number) {
  return { request: requestJson(deep.preimage_hex, MAX, 4), start: deep.nonce_int_le - lead, count: lead + 1000 };
}

/** The highest activeThreads seen while `during` runs, sampled every 5 ms. */
async function peakThreads(miner: Miner, ms: number): Promise<number> {
  let peak = 0;
  for (const end = performance.now() + ms; performance.now() < end; await sleep(5)) peak = Math.max(peak, miner.activeThreads);
  return peak;
}

/** Wait until `ok()` holds (a thread's batch boundary under a loaded machine can take a while). */
async function settled(ok: () => boolean, ms = 2000): Promise<void> {
  for (const end = performance.now() + ms; !ok(); await sleep(5)) if (performance.now() > end) throw new Error('condition not reached');
}

let open: Miner[] = [];
afterEach(async () => {
  await Promise.all(open.map((m) => m.close()));
  open = [];
});
const newMiner = (...args: ConstructorParameters<typeof Miner>) => {
  const m = new Miner(...args);
  open.push(m);
  return m;
};

describe('Miner (Node library)', () => {
  it('answers fixture vectors through windows ending at their nonce, at 1 and 2 threads, V1 and V2', async () => {
    for (const threads of [1, 2]) {
      const miner = newMiner({ threads, chunkSize: 1n << 16n });
      for (const id of ['gen-w4-11127', 'gen-w8-1282', 'pxd-mainnet-mint-c9fdcd34']) {
        const v = vector(id);
        const r = await miner.mine(requestJson(v.preimage_hex, MAX, v.nonce_width), { start: Math.max(0, v.nonce_int_le - 400_000), count: 500_000 });
        expect(r, `${id} at ${threads} threads`).toMatchObject({ nonce_hex: v.nonce_hex });
      }
    }
  });

  it('applies setThreads to the running job, down and up (beyond the cores too), without changing the answer', async () => {
    const miner = newMiner({ threads: 2 });
    const job = deepJob(14_000_000);
    const answer = miner.mine(job.request, { start: job.start, count: job.count });
    answer.catch(() => {}); // awaited below; a failed expectation must not also report an unhandled rejection
    // Threads start on demand: wait for them (a loaded machine is slow to start one), then watch the count hold.
    await settled(() => miner.activeThreads === 2, 5000);
    expect(await peakThreads(miner, 400)).toBe(2);
    miner.setThreads(1);
    await settled(() => miner.activeThreads <= 1); // the surplus thread hands back at its next batch boundary
    expect(await peakThreads(miner, 400)).toBe(1);
    miner.setThreads(3);
    expect(miner.threads).toBe(3);
    await settled(() => miner.activeThreads === 3, 5000);
    expect(await peakThreads(miner, 400)).toBe(3);
    miner.setThreads(2);
    await expect(answer).resolves.toMatchObject({ nonce_hex: deep.nonce_hex });
    expect(miner.activeThreads).toBe(0);
  });

  it('pause really stops hashing (attempts frozen, no thread busy) and resume finishes with the same answer', async () => {
    const miner = newMiner({ threads: 2 });
    const job = deepJob(10_000_000);
    let last: MineProgress | undefined;
    const answer = miner.mine(job.request, { start: job.start, count: job.count, onProgress: (p) => (last = p) });
    answer.catch(() => {}); // awaited below
    await sleep(1200);
    miner.pause();
    expect(miner.paused).toBe(true);
    await sleep(1100); // two progress ticks after the threads handed back
    const frozen = last!.attempts;
    expect(frozen).toBeGreaterThan(0);
    expect(await peakThreads(miner, 1200)).toBe(0);
    expect(last!.attempts).toBe(frozen);
    expect(last!.watermark).toBeGreaterThan(BigInt(job.start));
    miner.resume();
    const r = await answer;
    expect(r).toMatchObject({ nonce_hex: deep.nonce_hex });
    // Every nonce below the answer was hashed once; a pause loses nothing and repeats nothing below it.
    expect((r as { attempts: number }).attempts).toBeGreaterThanOrEqual(job.count - 1000 + 1);
  });

  it('shares its threads among concurrent jobs and answers each', async () => {
    const miner = newMiner({ threads: 2, chunkSize: 1n << 16n });
    const ids = ['gen-w4-11127', 'gen-w4-506', 'gen-w8-409'];
    const jobs = ids.map((id) => {
      const v = vector(id);
      return miner.mine(requestJson(v.preimage_hex, MAX, v.nonce_width), { start: Math.max(0, v.nonce_int_le - 1_500_000), count: 1_600_000 });
    });
    jobs.push(miner.mine(requestJson(endless.preimage_hex, MAX, 4), { count: 2_000_000 }));
    expect(miner.jobs).toBe(4);
    await settled(() => miner.activeThreads === 2, 5000);
    expect(await peakThreads(miner, 600)).toBe(2);
    const results = await Promise.all(jobs);
    expect(results).toEqual([...ids.map((id) => expect.objectContaining({ nonce_hex: vector(id).nonce_hex })), { exhausted: true }]);
    expect(miner.jobs).toBe(0);
  });

  it('aborting one job rejects it within 200 ms and leaves the others running', async () => {
    const miner = newMiner({ threads: 2 });
    const controller = new AbortController();
    const doomed = miner.mine(requestJson(endless.preimage_hex, MAX, 4), { signal: controller.signal });
    const job = deepJob(6_000_000);
    const kept = miner.mine(job.request, { start: job.start, count: job.count });
    await sleep(400);
    const t = performance.now();
    controller.abort();
    const err = await doomed.catch((e: unknown) => e);
    expect(performance.now() - t).toBeLessThan(200);
    expect(err).toMatchObject({ name: 'AbortError' });
    await expect(kept).resolves.toMatchObject({ nonce_hex: deep.nonce_hex });
  });

  it('close() rejects running and paused jobs with AbortError; a closed miner refuses work', async () => {
    const miner = newMiner({ threads: 1 });
    const running = miner.mine(requestJson(endless.preimage_hex, MAX, 4)).catch((e: unknown) => e);
    await sleep(200);
    miner.pause();
    const t = performance.now();
    await miner.close();
    expect(await running).toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t).toBeLessThan(200);
    await expect(miner.mine(requestJson(endless.preimage_hex, MAX, 4))).rejects.toMatchObject({ name: 'AbortError' });
    expect(() => miner.setThreads(2)).toThrow(/closed/);
  });

  it('never resolves with a nonce node:crypto does not confirm, and fails a job whose worker cannot start instead of hanging', async () => {
    const lying = newMiner({ threads: 1, workerFile: new URL('../support/lying-worker.cjs', import.meta.url) });
    const err = await lying.mine(requestJson(endless.preimage_hex, MAX, 4), { count: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerificationError);
    expect((err as Error).message).toMatch(/does not confirm it/);
    const broken = newMiner({ threads: 1, workerFile: '/nonexistent/worker.cjs' });
    await expect(broken.mine(requestJson(endless.preimage_hex, MAX, 4), { count: 1000 })).rejects.toThrow();
    expect(broken.jobs).toBe(0);
  });

  it('refuses bad thread counts and ranges with RangeError', async () => {
    expect(() => new Miner({ threads: 0 })).toThrow(RangeError);
    const miner = newMiner({ threads: 1 });
    expect(() => miner.setThreads(1.5)).toThrow(RangeError);
    await expect(miner.mine(requestJson(endless.preimage_hex, MAX, 4), { start: 2 ** 32 - 1, count: 2 })).rejects.toBeInstanceOf(RangeError);
    await expect(miner.mine(requestJson(endless.preimage_hex, MAX, 4), { start: 0.5 })).rejects.toBeInstanceOf(RangeError);
  });
});
