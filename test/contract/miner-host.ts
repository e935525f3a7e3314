/**
 * The half of the Miner contract's driver that lives beside the Miner: a
 * registry of miners and jobs under plain ids, and every step whose timing
 * matters (aborts, closes, thread-count sampling, random yields) measured with
 * the host's own clock. The same code runs in Node (imported directly) and in
 * the Chromium page (served as JavaScript by test/support/lib-server.ts), so
 * both hosts are driven by identical logic and a page round trip never counts
 * against a latency bound.
 *
 * Self-contained on purpose: it imports nothing at run time (the page gets it
 * as one stripped module) and every answer is plain data (numbers, strings,
 * booleans, arrays, objects) that survives `page.evaluate`.
 * @module
 */
import type { MineProgress, MineResponse } from '../../src/core/job-api.ts';

/** What either host's `Miner` offers (its public API, as both hosts document it). */
export interface MinerLike {
  readonly threads: number;
  readonly activeThreads: number;
  readonly paused: boolean;
  readonly jobs: number;
  readonly throttle: number;
  setThreads(threads: number): void;
  setThrottle(percent: number): void;
  pause(): void;
  resume(): void;
  mine(request: object | string, options?: {
    signal?: AbortSignal;
    onProgress?: (progress: MineProgress) => void;
    start?: bigint | number;
    count?: bigint | number;
  }): Promise<MineResponse>;
  close(): Promise<void>;
}

/** The library entry the host drives: the Node one or dist/browser/index.js. */
export interface MinerLib {
  Miner: new (options?: { threads?: number; chunkSize?: bigint; batch?: number; throttle?: number }) => MinerLike;
}

/** A thrown value, as plain data: enough to tell an AbortError, a RangeError or the caller's own reason apart. */
export interface ThrownInfo {
  /** `error.name`, or '' for a value that is not an object with a name. */
  name: string;
  message: string;
  /** A DOMException (what `fetch` and the Miners reject with on abort). */
  domException: boolean;
  rangeError: boolean;
  /** `String(value)` for a thrown value that is not an Error (an abort reason of the caller's own). */
  value?: string;
}

/** A call's outcome; the host never lets an exception cross to the driver. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ThrownInfo };

/** A settled job: its outcome and when it settled, on the host's clock. */
export type Settled = Result<MineResponse> & { at: number };

/** One `onProgress` report, with the host time it arrived. */
export interface Report {
  at: number;
  attempts: number;
  /** The watermark as a decimal string (a bigint does not cross to the driver everywhere). */
  watermark: string;
}

/** A miner's public state. */
export interface MinerState {
  threads: number;
  activeThreads: number;
  paused: boolean;
  jobs: number;
  throttle: number;
}

/** Options of a contract job. */
export interface JobSpec {
  start?: number;
  count?: number;
  /** Record `onProgress` reports. */
  progress?: boolean;
  /** Pass a signal aborted before the call. */
  preAborted?: boolean;
}

/** One step of {@link MinerHost.chaos}: the host time and what was done. */
export interface ChaosStep {
  at: number;
  op: string;
}

interface JobRecord {
  readonly miner: number;
  readonly controller: AbortController;
  readonly done: Promise<Settled>;
  readonly reports: Report[];
  settled: Settled | null;
}

/** Describe a thrown value as plain data. */
export function describeThrown(e: unknown): ThrownInfo {
  const named = typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string';
  return {
    name: named ? (e as Error).name : '',
    message: named ? String((e as Error).message) : '',
    domException: typeof DOMException === 'function' && e instanceof DOMException,
    rangeError: e instanceof RangeError,
    ...(named ? {} : { value: String(e) }),
  };
}

function attempt<T>(f: () => T): Result<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: describeThrown(e) };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A small seeded generator (mulberry32): the same seed gives the same sequence of steps on both hosts. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The host side of the contract's driver, over one library's `Miner`. */
export type MinerHost = ReturnType<typeof createMinerHost>;

/** A registry of miners and jobs over `lib`, driven by id. */
export function createMinerHost(lib: MinerLib) {
  const miners = new Map<number, MinerLike>();
  const jobs = new Map<number, JobRecord>();
  let ids = 0;
  const minerOf = (id: number): MinerLike => {
    const m = miners.get(id);
    if (m === undefined) throw new Error(`no miner ${id}`);
    return m;
  };
  const jobOf = (id: number): JobRecord => {
    const j = jobs.get(id);
    if (j === undefined) throw new Error(`no job ${id}`);
    return j;
  };

  return {
    /** The host clock (ms). */
    now: (): number => performance.now(),

    /** A new Miner; its id, or what the constructor threw. */
    create(options: { threads?: number; chunkSize?: number; batch?: number; throttle?: number }): Result<number> {
      return attempt(() => {
        const m = new lib.Miner({
          threads: options.threads,
          chunkSize: options.chunkSize === undefined ? undefined : BigInt(options.chunkSize),
          batch: options.batch,
          throttle: options.throttle,
        });
        miners.set(++ids, m);
        return ids;
      });
    },

    /** Start a job; its id at once (`mine()` reports every problem by rejecting). */
    mine(miner: number, request: string, spec: JobSpec = {}): number {
      const controller = new AbortController();
      if (spec.preAborted) controller.abort();
      const reports: Report[] = [];
      const onProgress = spec.progress
        ? (p: MineProgress) => reports.push({ at: performance.now(), attempts: p.attempts, watermark: String(p.watermark) })
        : undefined;
      let promise: Promise<MineResponse>;
      try {
        promise = minerOf(miner).mine(request, { signal: controller.signal, onProgress, start: spec.start, count: spec.count });
      } catch (e) {
        promise = Promise.reject(e); // mine() must not throw; if it does, the contract sees it as a rejection's info
      }
      const record: JobRecord = {
        miner, controller, reports, settled: null,
        done: promise.then(
          (value): Settled => ({ ok: true, value, at: performance.now() }),
          (e: unknown): Settled => ({ ok: false, error: describeThrown(e), at: performance.now() }),
        ).then((s) => (record.settled = s)),
      };
      jobs.set(++ids, record);
      return ids;
    },

    /** Wait (at most `ms`) for a job to settle; null if it is still running. */
    async outcome(job: number, ms: number): Promise<Settled | null> {
      const record = jobOf(job);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
      const s = await Promise.race([record.done, late]);
      clearTimeout(timer);
      return s;
    },

    /** A job's outcome if it has settled, without waiting. */
    settled: (job: number): Settled | null => jobOf(job).settled,

    /** Abort a job's signal (with `reason`, when given); the host time of the abort. */
    abort(job: number, reason?: string): number {
      const { controller } = jobOf(job);
      const at = performance.now();
      if (reason === undefined) controller.abort();
      else controller.abort(reason);
      return at;
    },

    /** The progress reports a job has had so far. */
    reports: (job: number): Report[] => jobOf(job).reports,

    state(miner: number): MinerState {
      const m = minerOf(miner);
      return { threads: m.threads, activeThreads: m.activeThreads, paused: m.paused, jobs: m.jobs, throttle: m.throttle };
    },

    setThreads: (miner: number, threads: number): Result<void> => attempt(() => minerOf(miner).setThreads(threads)),
    setThrottle: (miner: number, percent: number): Result<void> => attempt(() => minerOf(miner).setThrottle(percent)),
    pause: (miner: number): Result<void> => attempt(() => minerOf(miner).pause()),
    resume: (miner: number): Result<void> => attempt(() => minerOf(miner).resume()),

    /** The lowest and highest `activeThreads` over `ms`, sampled every 5 ms. */
    async watchThreads(miner: number, ms: number): Promise<{ min: number; max: number }> {
      const m = minerOf(miner);
      let min = Infinity;
      let max = 0;
      for (const end = performance.now() + ms; performance.now() < end; await sleep(5)) {
        min = Math.min(min, m.activeThreads);
        max = Math.max(max, m.activeThreads);
      }
      return { min, max };
    },

    /**
     * Wait (at most `ms`) until `activeThreads` is `n`: threads start on demand
     * and hand back at a batch boundary, both slow on a loaded machine. The last
     * value seen, so a failed wait says how far it got.
     */
    async untilActive(miner: number, n: number, ms: number): Promise<number> {
      const m = minerOf(miner);
      for (const end = performance.now() + ms; m.activeThreads !== n && performance.now() < end;) await sleep(5);
      return m.activeThreads;
    },

    /** The highest `activeThreads` seen until every job of `list` settles, sampled every 5 ms. */
    async peakUntil(miner: number, list: number[]): Promise<number> {
      const m = minerOf(miner);
      let done = false;
      void Promise.all(list.map((j) => jobOf(j).done)).then(() => (done = true));
      let peak = 0;
      while (!done) {
        peak = Math.max(peak, m.activeThreads);
        await sleep(5);
      }
      return peak;
    },

    /**
     * Until `job` settles, apply a seeded random sequence of setThreads(1..3),
     * setThrottle(25, 50 or 100), pause and resume at random intervals of
     * `minMs`..`maxMs`. A pause lasts one interval (the job must end); after
     * `steps` steps the miner is left resumed at `finalThreads` and full speed
     * to finish. The steps taken, for a failure message.
     */
    async chaos(miner: number, job: number, seed: number, opts: { steps: number; minMs: number; maxMs: number; finalThreads: number }): Promise<ChaosStep[]> {
      const m = minerOf(miner);
      const record = jobOf(job);
      const random = seededRandom(seed);
      const log: ChaosStep[] = [];
      const step = (op: string, f: () => void) => {
        f();
        log.push({ at: performance.now(), op });
      };
      for (let i = 0; i < opts.steps && record.settled === null; i++) {
        await sleep(opts.minMs + random() * (opts.maxMs - opts.minMs));
        if (record.settled !== null) break;
        if (m.paused) step('resume', () => m.resume());
        else if (random() < 0.25) step('pause', () => m.pause());
        else if (random() < 0.2) {
          const percent = [25, 50, 100][Math.floor(random() * 3)]!;
          step(`setThrottle(${percent})`, () => m.setThrottle(percent));
        } else {
          const n = 1 + Math.floor(random() * 3);
          step(`setThreads(${n})`, () => m.setThreads(n));
        }
      }
      if (record.settled === null) {
        if (m.paused) step('resume', () => m.resume());
        step(`setThreads(${opts.finalThreads})`, () => m.setThreads(opts.finalThreads));
        if (m.throttle !== 100) step('setThrottle(100)', () => m.setThrottle(100));
      }
      return log;
    },

    /** Close a miner: the host times of the call and of its promise resolving. */
    async close(miner: number): Promise<{ calledAt: number; resolvedAt: number }> {
      const m = minerOf(miner);
      const calledAt = performance.now();
      await m.close();
      return { calledAt, resolvedAt: performance.now() };
    },

    /** Close every miner and forget every job (between tests). */
    async closeAll(): Promise<void> {
      const all = [...miners.values()];
      miners.clear();
      await Promise.all(all.map((m) => m.close().catch(() => {})));
      // Bounded: a job that close() failed to end must not hang the next test too.
      await Promise.race([Promise.all([...jobs.values()].map((j) => j.done)), sleep(5000)]);
      jobs.clear();
    },
  };
}
