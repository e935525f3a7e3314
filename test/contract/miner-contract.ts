/**
 * What both hosts' `Miner`s promise, written once against a {@link MinerDriver}
 * and run by test/node/miner.contract.test.ts (Node threads) and
 * test/browser/miner.contract.test.ts (Web Workers in Chromium).
 *
 * Searches stay short by mining windows that end just past a fixture vector's
 * nonce: each chosen vector's nonce is the lowest valid one from 0 at the
 * easiest target, so a window `[nonce - lead, nonce + above)` has exactly that
 * answer, and every nonce below it must have been hashed (`attempts >= lead + 1`).
 * Latencies are measured on the host's clock; thread counts are polled on the
 * host, since a 2-core shared machine starts and stops threads slowly.
 * @module
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MineResponse } from '../../src/core/job-api.ts';
import { PROMISES, measureMachine, slowdown, withinPromise } from '../support/budgets.ts';
import { fixture, type PowVector } from '../support/vectors.ts';
import type { DriverJob, DriverMiner, JobSpec, MinerDriver, Report, ThrownInfo } from './driver.ts';

/** The easiest target the protocol allows: a valid nonce still needs four zero bytes. */
const MAX = '7fffffffffffffff';
const vector = (id: string): PowVector => fixture.pow_vectors.find((v) => v.id === id)!;
/** Deep in the V1 space; the lowest valid nonce from 0. */
const deep = vector('pyrxd-test-0cf3-fd362814');
/** No valid V1 nonce at all (the whole space was scanned). */
const ENDLESS_V1 = vector('gen-w4-8403');
/** No valid V2 nonce in [0, 2^22). */
const ENDLESS_V2 = vector('gen-w8-806');
const requestOf = (v: PowVector) => JSON.stringify({ preimage_hex: v.preimage_hex, target_hex: MAX, nonce_width: v.nonce_width });

/**
 * Milliseconds an abort or a close may take to reject a job: what users of
 * either Miner rely on (the product's promise, stated in test/support/budgets.ts).
 * Cases assert `abortBound`, this promise scaled to the machine as measured now.
 */
export const ABORT_MS = PROMISES.abortMs;

/** A job whose answer is `v`'s nonce after `lead` nonces, in a window reaching `above` nonces past it. */
export interface Window {
  v: PowVector;
  request: string;
  start: number;
  count: number;
}

/** The window `[nonce - lead, nonce + above)` of vector `v`. */
export function windowOf(v: PowVector, lead: number, above = 1000): Window {
  if (v.nonce_int_le < lead) throw new Error(`${v.id}: lead ${lead} runs below 0`);
  return { v, request: requestOf(v), start: v.nonce_int_le - lead, count: lead + above };
}

/** The range of window `w`, as job options. */
const span = (w: Window): JobSpec => ({ start: w.start, count: w.count });

/** The response is `w`'s nonce, in the protocol's shape, and every nonce below it was hashed. */
function expectAnswer(r: MineResponse, w: Window, what = w.v.id): void {
  expect(r, what).toMatchObject({ nonce_hex: w.v.nonce_hex });
  expect(Object.keys(r), what).toEqual(['nonce_hex', 'attempts', 'elapsed_s']);
  const { attempts, elapsed_s } = r as { attempts: number; elapsed_s: number };
  expect(Number.isSafeInteger(attempts), what).toBe(true);
  expect(attempts, `${what}: attempts below the number of nonces under the answer`).toBeGreaterThanOrEqual(w.v.nonce_int_le - w.start + 1);
  expect(elapsed_s, what).toBeGreaterThanOrEqual(0);
}

/**
 * Progress reports that could be true of the window: the watermark inside it
 * and never going back, attempts never going back and covering everything
 * below the watermark.
 */
function expectPlausibleReports(reports: Report[], w: Window): void {
  let last = { attempts: 0, watermark: BigInt(w.start) };
  for (const r of reports) {
    const watermark = BigInt(r.watermark);
    expect(watermark).toBeGreaterThanOrEqual(last.watermark);
    expect(watermark).toBeLessThanOrEqual(BigInt(w.start + w.count));
    expect(r.attempts).toBeGreaterThanOrEqual(last.attempts);
    expect(BigInt(r.attempts), 'attempts cover every nonce below the watermark').toBeGreaterThanOrEqual(watermark - BigInt(w.start));
    last = { attempts: r.attempts, watermark };
  }
}

/**
 * Nonces a job should span to last about `seconds` at the measured rate (two
 * threads), never fewer than `floor`. Sizing by the rate keeps a case as short
 * as it can be on a fast machine yet long enough on a loaded one: a job must
 * outlast what the case does to it while it runs. What a case does (a thread
 * started, a surplus one handing back) also slows under load while the job's
 * nonces are sized for the loaded rate, so `seconds` stretches by the
 * machine's {@link slowdown}: the same on a machine that is not saturated.
 */
function leadFor(rate: number, seconds: number, slow: number, floor = 500_000): number {
  return Math.max(floor, Math.round(rate * seconds * slow));
}

/** Poll `ok` every 20 ms until it holds or `ms` pass; whether it held. */
async function until(ok: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (await ok()) return true;
  return ok();
}

/**
 * The faster of two timed searches at two threads (the first also starts the threads). A
 * million nonces each: on shorter ones a job's fixed costs hid the rate, which then came out
 * at a third of the real one on a fast machine, and a case sized from it ended too soon.
 */
async function measureRate(d: MinerDriver): Promise<number> {
  const m = await d.create({ threads: 2, chunkSize: 1 << 16 });
  const w = windowOf(vector('gen-w4-11127'), 1_000_000);
  let best = 0;
  for (let i = 0; i < 2; i++) {
    const r = (await (await m.mine(w.request, span(w))).result()) as { attempts: number; elapsed_s: number };
    best = Math.max(best, r.attempts / Math.max(r.elapsed_s, 1e-3));
  }
  await d.closeAll();
  return best;
}

/**
 * Define the contract's cases under `title`, against the driver `open` gives
 * (called once, before the first case, which then measures the hashing rate to
 * size the jobs). Every miner a case makes is closed after it.
 */
export function describeMinerContract(title: string, open: () => Promise<MinerDriver>): void {
  describe(title, () => {
    let d: MinerDriver;
    /** Nonces per second at two threads, as measured before the first case. */
    let rate: number;
    /** How much slower than the promises assume the machine ran before the first case (1 when not saturated). */
    let slow: number;
    /** {@link ABORT_MS} on this machine now: the promise itself unless the machine is saturated. */
    let abortBound: number;
    /** The stop promise (threads idle within a batch and 0.5 s) on this machine now. */
    let stopBound: number;
    beforeAll(async () => {
      const machine = await measureMachine();
      slow = slowdown(machine);
      abortBound = withinPromise(PROMISES.abortMs, machine);
      stopBound = withinPromise(PROMISES.stopMs, machine);
      d = await open();
      rate = await measureRate(d);
    });
    afterEach(async () => {
      await d?.closeAll();
    });
    afterAll(async () => {
      await d?.dispose?.();
    });

    /** Fail with the job's outcome if it has ended: a case that changes a job as it runs needs it running. */
    async function expectRunning(job: DriverJob, when: string): Promise<void> {
      const s = await job.peek();
      if (s !== null) throw new Error(`the job ended ${when}: ${JSON.stringify(s)}`);
    }

    /**
     * The job's rejection, which must come within {@link ABORT_MS} of `since` (a host time), as
     * scaled to the machine now: the one place either host's abort promise is checked.
     */
    async function rejectedSoon(job: DriverJob, since: number): Promise<ThrownInfo> {
      const s = await job.outcome();
      if (s.ok) throw new Error(`the job resolved instead of rejecting: ${JSON.stringify(s.value)}`);
      expect(s.at - since, `ms from the abort or close to the rejection (bound ${abortBound} ms)`).toBeLessThan(abortBound);
      return s.error;
    }

    it('answers fixture vectors through windows ending at their nonce, at 1 and 2 threads, V1 and V2', async () => {
      const windows = ['gen-w4-11127', 'pxd-mainnet-mint-c9fdcd34', 'gen-w8-1282'].map((id) => windowOf(vector(id), 300_000, 100_000));
      for (const threads of [1, 2]) {
        const m = await d.create({ threads, chunkSize: 1 << 16 });
        for (const w of windows) expectAnswer(await (await m.mine(w.request, span(w))).result(), w, `${w.v.id} at ${threads} threads`);
        // One nonce exactly: the smallest window, the hit re-verified like any other.
        const one = windowOf(vector('gen-w8-409'), 0, 1);
        expectAnswer(await (await m.mine(one.request, span(one))).result(), one, `one-nonce window at ${threads} threads`);
        // The answer does not wait for pieces above the hit; they stop within a batch.
        expect(await m.untilActive(0, stopBound), 'pieces above the hit stop within a batch and 0.5 s').toBe(0);
        expect(await m.state()).toEqual({ threads, activeThreads: 0, paused: false, jobs: 0, throttle: 100 });
      }
    });

    it('answers {exhausted: true} for a range without a valid nonce (V1, V2, and the last V1 nonce)', async () => {
      const m = await d.create({ threads: 2, chunkSize: 1 << 16 });
      const jobs = [
        await m.mine(requestOf(ENDLESS_V1), { start: 0, count: 300_000 }),
        await m.mine(requestOf(ENDLESS_V2), { start: 1000, count: 300_000 }),
        await m.mine(requestOf(ENDLESS_V1), { start: 2 ** 32 - 1, count: 1 }),
      ];
      for (const job of jobs) expect(await job.result()).toEqual({ exhausted: true });
      expect((await m.state()).jobs).toBe(0);
    });

    it('applies setThreads to a running job, up (beyond the cores) and down, without changing the answer', async () => {
      const m = await d.create({ threads: 2 });
      // Three phases of about 0.4 s each, one of them at a single thread.
      const w = windowOf(deep, leadFor(rate, 2.5, slow));
      const job = await m.mine(w.request, { ...span(w), progress: true });
      // Threads start on demand (slowly on a loaded machine); then the count must hold, never above the limit.
      expect(await m.untilActive(2, 5000)).toBe(2);
      expect(await m.watchThreads(250)).toEqual({ min: 2, max: 2 });
      // Up while every thread is busy: the pieces already running must carry on.
      await m.setThreads(3);
      expect((await m.state()).threads).toBe(3);
      expect(await m.untilActive(3, 5000)).toBe(3);
      expect((await m.watchThreads(250)).max).toBe(3);
      await expectRunning(job, 'at 3 threads');
      await m.setThreads(1);
      // A surplus thread hands back at its next batch boundary; one still starting (slow on a loaded machine) only once it runs.
      expect(await m.untilActive(1, 5000), 'surplus threads hand back').toBe(1);
      expect(await m.watchThreads(250)).toEqual({ min: 1, max: 1 });
      await expectRunning(job, 'before the last thread change (make it longer?)');
      await m.setThreads(2);
      expectAnswer(await job.result(), w);
      expectPlausibleReports(await job.reports(), w);
      expect(await m.untilActive(0, stopBound), 'pieces above the hit stop within a batch and 0.5 s').toBe(0);
      expect(await m.state()).toEqual({ threads: 2, activeThreads: 0, paused: false, jobs: 0, throttle: 100 });
    });

    it('pause stops hashing (no thread busy, progress frozen) and resume finishes with the same answer', async () => {
      const m = await d.create({ threads: 2 });
      // The pause comes after the first progress report (half a second): the job must outlast that with room.
      const w = windowOf(deep, leadFor(rate, 3, slow));
      const job = await m.mine(w.request, { ...span(w), progress: true });
      // Some hashing to freeze: threads start slowly on a loaded machine.
      expect(await until(async () => (await job.reports()).some((r) => r.attempts > 0), 5000), 'a progress report with attempts').toBe(true);
      await m.pause();
      expect((await m.state()).paused).toBe(true);
      expect(await m.untilActive(0, stopBound), 'every thread hands back within a batch and 0.5 s').toBe(0);
      const stoppedAt = await d.now();
      // Over two progress intervals: not one thread starts, not one nonce is counted.
      expect(await m.watchThreads(1100)).toEqual({ min: 0, max: 0 });
      await expectRunning(job, 'before the pause (make it longer?)');
      const frozen = (await job.reports()).filter((r) => r.at > stoppedAt);
      expect(frozen.length, 'progress reports while paused').toBeGreaterThanOrEqual(2);
      expect(new Set(frozen.map((r) => `${r.attempts}@${r.watermark}`)).size, JSON.stringify(frozen)).toBe(1);
      expect(frozen[0].attempts).toBeGreaterThan(0);
      expect(BigInt(frozen[0].watermark)).toBeGreaterThan(BigInt(w.start));
      await m.resume();
      expect((await m.state()).paused).toBe(false);
      expectAnswer(await job.result(), w);
      expectPlausibleReports(await job.reports(), w);
    });

    it('throttled, it hashes a fraction of the time; setThrottle applies live; at 1 % a pause still stops within 200 ms; same answers', async () => {
      const m = await d.create({ threads: 2, throttle: 50, chunkSize: 1 << 16 });
      expect((await m.state()).throttle).toBe(50);
      // Throttled from the start, the answer is the same lowest nonce.
      const w = windowOf(vector('gen-w4-11127'), 300_000, 1000);
      expectAnswer(await (await m.mine(w.request, span(w))).result(), w, 'at 50 %');
      // A search that never ends by itself, so the phases below never race its end.
      const job = await m.mine(requestOf(ENDLESS_V1), { progress: true });
      expect(await m.untilActive(2, 5000)).toBe(2);
      /** Nonces counted over `ms` after the change has had `settle` ms to reach every thread. */
      const counted = async (percent: number, settle: number, ms: number): Promise<number> => {
        await m.setThrottle(percent);
        await d.sleep(settle);
        const attemptsNow = async () => (await job.reports()).at(-1)?.attempts ?? 0;
        const before = await attemptsNow();
        await d.sleep(ms);
        return (await attemptsNow()) - before;
      };
      const full = await counted(100, 300, 1100);
      const tenth = await counted(10, 600, 1100);
      // Expected 10 %; half leaves room for a noisy machine while still failing a throttle that does nothing.
      expect(tenth, `nonces at 10 % (${tenth}) against 100 % (${full})`).toBeLessThan(full / 2);
      expect(tenth, 'still hashing at 10 %').toBeGreaterThan(0);
      // At 1 % a thread rests about 100 times as long as a batch: a halt must cut the rest short.
      await m.setThrottle(1);
      await d.sleep(300);
      await m.pause();
      expect(await m.untilActive(0, abortBound), `threads stopped within ${abortBound} ms of the pause, mid-rest`).toBe(0);
      await m.resume();
      await expectRunning(job, 'by itself');
      expect(await rejectedSoon(job, await job.abort())).toMatchObject({ name: 'AbortError' });
      expect((await m.state()).throttle).toBe(1);
    });

    it('aborting a job rejects it within 200 ms (AbortError, or the caller\'s own reason) and leaves the other jobs running', async () => {
      const m = await d.create({ threads: 2, chunkSize: 1 << 16 });
      // Started threads: the bound is about stopping hashing, not about a thread that is still loading.
      expect(await (await m.mine(requestOf(ENDLESS_V1), { count: 100_000 })).result()).toEqual({ exhausted: true });
      const doomed = await m.mine(requestOf(ENDLESS_V1), { progress: true });
      const w = windowOf(deep, leadFor(rate, 2, slow)); // at half the threads while the others run
      const kept = await m.mine(w.request, span(w));
      // Both hashing: the jobs take turns by piece, and the doomed one has counted nonces.
      expect(await until(async () => (await doomed.reports()).some((r) => r.attempts > 0), 10_000), 'the doomed job hashing').toBe(true);
      expect(await m.untilActive(2, 5000)).toBe(2);
      const error = await rejectedSoon(doomed, await doomed.abort());
      expect(error).toMatchObject({ name: 'AbortError', domException: true });

      const own = await m.mine(requestOf(ENDLESS_V2), { progress: true });
      expect(await until(async () => (await own.reports()).some((r) => r.attempts > 0), 10_000), 'the second doomed job hashing').toBe(true);
      expect(await rejectedSoon(own, await own.abort('the user left'))).toMatchObject({ name: '', value: 'the user left' });

      // A signal aborted before the call: nothing starts.
      const early = await m.mine(requestOf(ENDLESS_V1), { preAborted: true });
      await expect(early.result(1000)).rejects.toMatchObject({ name: 'AbortError', domException: true });

      await expectRunning(kept, 'before the aborts (make it longer?)');
      expect((await m.state()).jobs).toBe(1);
      expectAnswer(await kept.result(), w);
      expect((await m.state()).jobs).toBe(0);
    });

    it('shares its threads among concurrent jobs, never more than the limit, and answers each', async () => {
      const m = await d.create({ threads: 2, chunkSize: 1 << 16 });
      const windows = ['gen-w4-11127', 'gen-w4-506', 'gen-w8-409'].map((id) => windowOf(vector(id), 600_000));
      const jobs = [];
      for (const w of windows) jobs.push(await m.mine(w.request, span(w)));
      const exhausted = await m.mine(requestOf(ENDLESS_V1), { start: 0, count: 600_000 });
      expect((await m.state()).jobs).toBe(4);
      expect(await m.peakUntil([...jobs, exhausted])).toBe(2);
      for (const [i, w] of windows.entries()) expectAnswer(await jobs[i].result(), w);
      expect(await exhausted.result()).toEqual({ exhausted: true });
      expect((await m.state()).jobs).toBe(0);
    });

    it('keeps the lowest hit under random thread changes and pauses (several seeds, many small pieces)', async () => {
      const lead = Math.min(leadFor(rate, 0.4, slow), 3_000_000); // the vectors' nonces are under 4M
      const cases = [
        { seed: 1, w: windowOf(vector('gen-w4-11127'), lead, 200_000) },
        { seed: 2, w: windowOf(vector('gen-w8-409'), lead, 200_000) },
        { seed: 3, w: windowOf(deep, lead, 200_000) },
      ];
      for (const { seed, w } of cases) {
        // Pieces of a few ms and batches of well under one: many hand-backs mid-piece, many pieces out of order.
        const m = await d.create({ threads: 2, chunkSize: 1 << 13, batch: 1 << 10 });
        const job = await m.mine(w.request, { ...span(w), progress: true });
        const steps = await m.chaos(job, seed, { steps: 40, minMs: 5, maxMs: 40, finalThreads: 2 });
        const what = `seed ${seed}, ${w.v.id}, after ${steps.map((s) => s.op).join(' ')}`;
        expect(steps.length, `${what}: the job ended before the yields began`).toBeGreaterThanOrEqual(3);
        expectAnswer(await job.result(), w, what);
        expectPlausibleReports(await job.reports(), w);
        await m.close();
      }
    });

    it('close() rejects running and paused jobs with AbortError within 200 ms; a closed miner refuses work', async () => {
      const running = await d.create({ threads: 2 });
      const paused = await d.create({ threads: 1 });
      const a = await running.mine(requestOf(ENDLESS_V1));
      const b = await paused.mine(requestOf(ENDLESS_V2));
      expect(await running.untilActive(2, 5000)).toBe(2);
      expect(await paused.untilActive(1, 5000)).toBe(1);
      await paused.pause();
      const queued = await paused.mine(requestOf(ENDLESS_V1)); // waits for the resume that never comes
      for (const [m, jobs] of [[running, [a]], [paused, [b, queued]]] as [DriverMiner, DriverJob[]][]) {
        const { calledAt, resolvedAt } = await m.close();
        expect(resolvedAt - calledAt, 'ms for close() to resolve').toBeLessThan(abortBound);
        for (const job of jobs) expect(await rejectedSoon(job, calledAt)).toMatchObject({ name: 'AbortError', domException: true });
        expect((await m.state()).jobs).toBe(0);
        const refused = await m.mine(requestOf(ENDLESS_V1), { count: 1000 });
        await expect(refused.result(1000)).rejects.toMatchObject({ name: 'AbortError' });
        await expect(m.setThreads(2)).rejects.toThrow(/closed/);
        await expect(m.pause()).rejects.toThrow(/closed/);
        await expect(m.resume()).rejects.toThrow(/closed/);
        await expect(m.setThrottle(50)).rejects.toThrow(/closed/);
        const again = await m.close(); // a second close is harmless
        expect(again.resolvedAt - again.calledAt).toBeLessThan(abortBound);
      }
    });

    it('refuses bad thread counts, options, ranges and requests, and keeps working afterwards', async () => {
      for (const threads of [0, -1, 1.5, Number.NaN]) {
        await expect(d.create({ threads }), `threads ${threads}`).rejects.toMatchObject({ name: 'RangeError', rangeError: true });
      }
      await expect(d.create({ threads: 1, chunkSize: 0 })).rejects.toMatchObject({ rangeError: true });
      await expect(d.create({ threads: 1, batch: 0 })).rejects.toMatchObject({ rangeError: true });
      for (const throttle of [0, 101, 50.5, Number.NaN]) {
        await expect(d.create({ threads: 1, throttle }), `throttle ${throttle}`).rejects.toMatchObject({ name: 'RangeError', rangeError: true });
      }
      const m = await d.create({ threads: 1 });
      for (const threads of [0, 1.5]) await expect(m.setThreads(threads), `setThreads(${threads})`).rejects.toMatchObject({ rangeError: true });
      expect((await m.state()).threads).toBe(1);
      for (const percent of [0, 101, -5]) await expect(m.setThrottle(percent), `setThrottle(${percent})`).rejects.toMatchObject({ rangeError: true });
      expect((await m.state()).throttle).toBe(100);
      const v1 = requestOf(ENDLESS_V1);
      const badRanges = [
        { request: v1, start: 2 ** 32 - 1, count: 2 }, // past the end of the V1 space
        { request: v1, start: 2 ** 32 },
        { request: v1, start: -1 },
        { request: v1, start: 0.5 },
        { request: v1, count: 0 },
        { request: requestOf(ENDLESS_V2), start: 0, count: 1.5 },
      ];
      for (const { request, ...range } of badRanges) {
        const job = await m.mine(request, range);
        await expect(job.result(1000), JSON.stringify(range)).rejects.toMatchObject({ name: 'RangeError', rangeError: true });
      }
      const bad = await m.mine(JSON.stringify({ preimage_hex: 'ab', target_hex: MAX, nonce_width: 4 }));
      await expect(bad.result(1000)).rejects.toMatchObject({ name: 'RequestError' });
      expect((await m.state()).jobs).toBe(0);
      const one = windowOf(deep, 0, 1);
      expectAnswer(await (await m.mine(one.request, span(one))).result(), one);
    });
  });
}
