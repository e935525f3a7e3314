/**
 * Every wall-clock budget the tests use, in one place.
 *
 * The product promises two latencies ({@link PROMISES}); a test asserts them
 * through {@link withinPromise}, which is the promise itself on a machine that
 * is not saturated and the promise scaled by the measured slowdown on one that
 * is. Sizes of work (how many nonces make a search last long enough for a case
 * to act on it) come from {@link nonceWindow} at the rate measured now, never
 * from a fixed nonce count; waits for a state poll with {@link until}, never
 * sleep for a fixed time.
 *
 * What "now" is comes from {@link measureMachine}: one kernel batch timed on
 * this thread, and the event loop's lag, measured once per test process.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { BATCH_SIZE } from '../../src/core/tuning.ts';
import { kernelOf } from './kernels.ts';

/**
 * The product's promises, stated once: an abort (or close) rejects the job
 * within `abortMs`; a stop (pause, halt, a hit's end of a search, a signal)
 * takes effect within one batch and `stopMs` of wall time.
 */
export const PROMISES = { abortMs: 200, stopMs: 500 } as const;

/**
 * Milliseconds one kernel batch ({@link BATCH_SIZE} nonces, SIMD, one thread)
 * takes on the machine the promises were stated for (the design's "about
 * 15 ms"). A batch measured slower than this means the machine is slower or
 * saturated now, and the promises' bounds stretch by the same factor.
 */
export const REFERENCE_BATCH_MS = 15;

/**
 * Event-loop lag, in milliseconds, that counts as none: timer jitter on a
 * quiet machine. Lag beyond it is time a saturated machine adds to any
 * latency the test process measures.
 */
export const LAG_NOISE_MS = 5;

/** What the machine does now, measured at the start of a test process. */
export interface MachineTime {
  /** Milliseconds for one kernel batch of {@link BATCH_SIZE} nonces, SIMD, one thread (the mean of several). */
  batchMs: number;
  /** Nonces per second of one thread, from {@link batchMs}. */
  rateHs: number;
  /** Milliseconds a short timer fires late, now (the worst of several): the event loop's lag. */
  lagMs: number;
}

let cached: Promise<MachineTime> | undefined;

/**
 * The mean time of `n` batches, after a warm-up that lets the engine reach its
 * top tier. The mean over a span of many scheduler slices, not the median of
 * single batches, so a machine shared with other work shows its share of a core.
 */
function timeBatches(n: number): number {
  const k = kernelOf('simd');
  // A bound of zero: nothing is below it, so every scan runs its whole range.
  k.setJob(new Uint8Array(64).fill(0x5a), 4, { b0: 0, b1: 0, b2: 0 });
  for (let i = 0; i < 3; i++) k.scan(BigInt(i * BATCH_SIZE), BATCH_SIZE);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) k.scan(BigInt((i + 3) * BATCH_SIZE), BATCH_SIZE);
  return (performance.now() - t0) / n;
}

/** The worst lateness of `n` 10 ms timers, each yielding to the event loop. */
async function timerLag(n: number): Promise<number> {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 10));
    worst = Math.max(worst, performance.now() - t0 - 10);
  }
  return Math.max(0, worst);
}

/**
 * Measure the machine now: {@link MachineTime}. Cached until
 * {@link forgetMachine} (called before each test file by
 * test/support/per-file.ts), so every case of a file sees the same numbers;
 * costs about a quarter of a second.
 */
export function measureMachine(): Promise<MachineTime> {
  cached ??= (async () => {
    const batchMs = Math.max(timeBatches(16), 0.01);
    const lagMs = await timerLag(5);
    return { batchMs, rateHs: (BATCH_SIZE / batchMs) * 1000, lagMs };
  })();
  return cached;
}

/**
 * Drop the cached measurement: the next {@link measureMachine} measures again.
 * The timed files share one process, one after another; each measures the machine as it
 * finds it, not as the file before found it.
 */
export function forgetMachine(): void {
  cached = undefined;
}

/**
 * How much slower than the promises assume the machine runs now: the batch
 * time over {@link REFERENCE_BATCH_MS}, never below 1.
 */
export function slowdown(t: MachineTime): number {
  return Math.max(1, t.batchMs / REFERENCE_BATCH_MS);
}

/**
 * The bound to assert for a promise of `promiseMs`, given the machine now:
 *
 *     bound = promiseMs × max(1, batchMs / REFERENCE_BATCH_MS) + (lagMs > LAG_NOISE_MS ? lagMs : 0)
 *
 * On a machine that is not saturated (a batch no slower than 15 ms, timers
 * late by at most {@link LAG_NOISE_MS}) that is exactly `promiseMs`. Under
 * load every part of the promised latency (the batch in flight, the message
 * hops, the thread wake-ups) runs slower by about the factor a batch does, so
 * the promise stretches by that factor; the test process's own event-loop lag
 * adds to whatever it measures, so it is added once. A product that breaks the
 * promise by more than the machine's slowdown still fails.
 */
export function withinPromise(promiseMs: number, t: MachineTime): number {
  return Math.ceil(promiseMs * slowdown(t) + (t.lagMs > LAG_NOISE_MS ? t.lagMs : 0));
}

/**
 * A nonce count that takes about `seconds` at the measured rate of `threads`
 * threads (default 1), at least one batch: how a test sizes a search that has
 * to outlast what it does to it, or end soon enough.
 */
export function nonceWindow(seconds: number, t: MachineTime | { rateHs: number }, threads = 1): bigint {
  if (!(seconds > 0) || !(threads >= 1)) throw new RangeError(`nonceWindow(${seconds} s, ${threads} threads)`);
  return BigInt(Math.max(BATCH_SIZE, Math.ceil(seconds * t.rateHs * threads)));
}

/** Milliseconds between {@link until}'s probes in its first {@link POLL_FAST_FOR_MS}. */
const POLL_MS = 10;
/** Milliseconds between {@link until}'s probes once it has waited {@link POLL_FAST_FOR_MS}. */
const POLL_SLOW_MS = 50;
/**
 * How long {@link until} probes every {@link POLL_MS}. A probe of a browser page is a driver
 * round trip costing about 3 ms of CPU (a quarter of a core at 10 ms), and a wait for a progress
 * report lasts half a second or more; probed that often by several pages at once, the probes
 * alone slowed the suite. What ends within this long is still seen within 10 ms.
 */
const POLL_FAST_FOR_MS = 500;

/**
 * Probe until `probe` returns something truthy, and return it: every 10 ms for
 * the first half second, then every 50 ms. Rejects after `timeoutMs` (default
 * 20 s: a backstop for a state that never comes, not a budget) with an error
 * naming `what` and the last value seen.
 */
export async function until<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const begin = performance.now();
  const end = begin + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    const now = performance.now();
    if (now >= end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(v)})`);
    await new Promise((r) => setTimeout(r, now - begin < POLL_FAST_FOR_MS ? POLL_MS : POLL_SLOW_MS));
  }
}

/** What {@link abortedWithin} saw. */
export interface Aborted {
  /** What the job rejected with. */
  error: unknown;
  /** Milliseconds from `abort()` to the rejection. */
  ms: number;
  /** The bound it was held to: {@link withinPromise} of {@link PROMISES}.abortMs. */
  bound: number;
}

/**
 * The abort promise, checked once for every host: start a job with a fresh
 * AbortSignal, wait (by polling `started`) until it is under way, abort it
 * (with `reason` if given), and require a rejection within
 * `withinPromise(PROMISES.abortMs, machine)`. Fails if the job resolves, never
 * starts, or rejects late; returns what it rejected with, for the caller to
 * check its kind.
 */
export async function abortedWithin(
  start: (signal: AbortSignal) => Promise<unknown>,
  started: () => boolean | Promise<boolean>,
  what = 'the job',
  reason?: unknown,
): Promise<Aborted> {
  const bound = withinPromise(PROMISES.abortMs, await measureMachine());
  const controller = new AbortController();
  let settled: { ok: boolean; value: unknown; at: number } | undefined;
  const job = start(controller.signal).then(
    (value) => void (settled = { ok: true, value, at: performance.now() }),
    (value: unknown) => void (settled = { ok: false, value, at: performance.now() }),
  );
  await until(async () => settled !== undefined || (await started()), `${what} to start`);
  if (settled) throw new Error(`${what} settled before it could be aborted: ${String((settled as { value: unknown }).value)}`);
  const t0 = performance.now();
  if (reason === undefined) controller.abort();
  else controller.abort(reason);
  await job;
  const s = settled as unknown as { ok: boolean; value: unknown; at: number };
  if (s.ok) throw new Error(`${what} resolved after the abort instead of rejecting: ${JSON.stringify(s.value)}`);
  const ms = s.at - t0;
  if (ms >= bound) throw new Error(`${what} rejected ${ms.toFixed(0)} ms after the abort, over the ${bound} ms bound (promise ${PROMISES.abortMs} ms)`);
  return { error: s.value, ms, bound };
}
