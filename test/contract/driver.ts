/**
 * The driver the Miner contract is written against: miners and jobs as small
 * handles whose every call goes to a {@link MinerHost} through one transport.
 * The Node driver calls the host in-process; the browser driver sends each
 * call into the Chromium page with `page.evaluate`. Thrown values come back as
 * {@link HostError}s carrying the host's description of them.
 * @module
 */
import type { MineResponse } from '../../src/core/job-api.ts';
import type { ChaosStep, JobSpec, MinerHost, MinerState, Report, Result, Settled, ThrownInfo } from './miner-host.ts';

export type { ChaosStep, JobSpec, MinerState, Report, Settled, ThrownInfo };

/** Sends one {@link MinerHost} call to wherever the host runs, resolving to its answer. */
export type Transport = <K extends keyof MinerHost>(method: K, ...args: Parameters<MinerHost[K]>) => Promise<Awaited<ReturnType<MinerHost[K]>>>;

/** What a host threw (or a job rejected with), rebuilt on the driver's side with the same `name`. */
export class HostError extends Error {
  /** Whether the host saw a DOMException. */
  readonly domException: boolean;
  /** Whether the host saw a RangeError. */
  readonly rangeError: boolean;
  /** `String(value)` when the host threw something that is not an Error. */
  readonly value?: string;

  constructor(info: ThrownInfo) {
    super(info.message || info.value || '(no message)');
    this.name = info.name;
    this.domException = info.domException;
    this.rangeError = info.rangeError;
    if (info.value !== undefined) this.value = info.value;
  }
}

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new HostError(r.error);
  return r.value;
}

/** Options of a contract miner: those both hosts' `MinerOptions` share. */
export interface MinerSpec {
  threads?: number;
  chunkSize?: number;
  batch?: number;
  throttle?: number;
}

/** A job on a host's miner. */
export interface DriverJob {
  readonly id: number;
  /** Its outcome, with the host time it settled; fails the test when it takes longer than `ms`. */
  outcome(ms?: number): Promise<Settled>;
  /** Its outcome if it has settled already, else null. */
  peek(): Promise<Settled | null>;
  /** Its response; rejects with a {@link HostError} when the job did. */
  result(ms?: number): Promise<MineResponse>;
  /** Abort its signal (with the caller's own `reason`, when given); the host time of the abort. */
  abort(reason?: string): Promise<number>;
  /** Its `onProgress` reports so far (when started with `progress`). */
  reports(): Promise<Report[]>;
}

/** A host's miner. */
export interface DriverMiner {
  readonly id: number;
  mine(request: string, spec?: JobSpec): Promise<DriverJob>;
  state(): Promise<MinerState>;
  setThreads(threads: number): Promise<void>;
  setThrottle(percent: number): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** The lowest and highest `activeThreads` over `ms`, sampled on the host. */
  watchThreads(ms: number): Promise<{ min: number; max: number }>;
  /** Wait on the host (at most `ms`) until `activeThreads` is `n`; the last value seen. */
  untilActive(n: number, ms: number): Promise<number>;
  /** The highest `activeThreads` until every one of `jobs` settles, sampled on the host. */
  peakUntil(jobs: DriverJob[]): Promise<number>;
  /** Random thread, throttle and pause changes on the host until `job` settles (see {@link MinerHost.chaos}). */
  chaos(job: DriverJob, seed: number, opts: { steps: number; minMs: number; maxMs: number; finalThreads: number }): Promise<ChaosStep[]>;
  /** Close it: host times of the call and of its promise resolving. */
  close(): Promise<{ calledAt: number; resolvedAt: number }>;
}

/** Everything the contract needs from a host. */
export interface MinerDriver {
  /** Name for the test titles: `Node`, `Chromium`, `Chromium (isolated)`. */
  readonly name: string;
  /** A new miner; rejects with a {@link HostError} when the constructor throws. */
  create(spec: MinerSpec): Promise<DriverMiner>;
  /** The host clock, in ms (compare only with other host times). */
  now(): Promise<number>;
  /** Wait on the driver's side. */
  sleep(ms: number): Promise<void>;
  /** Close every miner made since the last call and forget its jobs. */
  closeAll(): Promise<void>;
  /** Release what the driver holds (a browser page), after the last case. */
  dispose?(): Promise<void>;
}

/** Default wait for a job: long enough for a loaded 2-core machine, short enough to fail rather than hang. */
const OUTCOME_MS = 60_000;

/** A {@link MinerDriver} over `call`. */
export function driverOver(name: string, call: Transport): MinerDriver {
  const job = (id: number): DriverJob => ({
    id,
    async outcome(ms = OUTCOME_MS) {
      const s = await call('outcome', id, ms);
      if (s === null) throw new Error(`job ${id} did not settle within ${ms} ms`);
      return s;
    },
    peek: () => call('settled', id),
    async result(ms) {
      const s = await this.outcome(ms);
      if (!s.ok) throw new HostError(s.error);
      return s.value;
    },
    abort: (reason) => (reason === undefined ? call('abort', id) : call('abort', id, reason)),
    reports: () => call('reports', id),
  });
  const miner = (id: number): DriverMiner => ({
    id,
    mine: async (request, spec = {}) => job(await call('mine', id, request, spec)),
    state: () => call('state', id),
    setThreads: async (n) => unwrap(await call('setThreads', id, n)),
    setThrottle: async (p) => unwrap(await call('setThrottle', id, p)),
    pause: async () => unwrap(await call('pause', id)),
    resume: async () => unwrap(await call('resume', id)),
    watchThreads: (ms) => call('watchThreads', id, ms),
    untilActive: (n, ms) => call('untilActive', id, n, ms),
    peakUntil: (jobs) => call('peakUntil', id, jobs.map((j) => j.id)),
    chaos: (j, seed, opts) => call('chaos', id, j.id, seed, opts),
    close: () => call('close', id),
  });
  return {
    name,
    create: async (spec) => miner(unwrap(await call('create', spec))),
    now: () => call('now'),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    closeAll: () => call('closeAll'),
  };
}
