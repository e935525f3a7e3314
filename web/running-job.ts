/**
 * One job of the page, from Start until its search settles: its range, the
 * abort that Stop pulls, and the figures its progress reports make (the share
 * of the range searched, the recent rate, the time spent paused, the rate
 * samples of the chart). Plain data and arithmetic: the page model decides
 * when each happens, the view shows them.
 * @module
 */
import { estimate } from '../src/core/estimate.ts';
import type { MineProgress } from '../src/core/job-api.ts';
import type { MineRequest } from '../src/core/request.ts';
import { RecentRate } from './recent-rate.ts';

/** Rate samples kept for the chart: one a progress report (0.5 s), so a minute. */
export const RATE_SAMPLES = 120;

/** A range of more nonces than this is a V2 space's: it never runs out, so progress is measured against the 90 % mark. */
const V1_SPACE = 1n << 32n;

/** What the progress bar measures for a range `[start, start + count)`. */
export function progressLabel(start: bigint, count: bigint): string {
  if (start === 0n && count === V1_SPACE) return 'V1 space searched';
  return count > V1_SPACE ? 'Attempts toward the 90 % mark' : 'Range searched';
}

/** The running job's figures. */
export class RunningJob {
  /** Stop aborts it: the Miner rejects the search with this signal's reason. */
  readonly controller = new AbortController();
  readonly recent = new RecentRate();
  /** The latest progress (after the search settles: its final figures). */
  last: MineProgress | undefined;
  /** The clock's time of the Stop click. */
  stopAt: number | undefined;
  /** The clock's time the current pause began. */
  pausedAt: number | undefined;
  /** Milliseconds spent paused before the current pause, so the final average counts hashing time only. */
  pausedMs = 0;
  /** The share of the range searched (of the 90 % mark for a V2 space), 0 to 1, as the bar shows it. */
  fraction = 0;
  /** The rate over the last seconds, once measured (cleared by a pause). */
  rate: number | undefined;
  /** Rate samples for the chart, oldest first (a new array after every change). */
  samples: readonly number[] = [];

  constructor(
    readonly request: MineRequest,
    readonly start: bigint,
    readonly count: bigint,
  ) {}

  /** The last nonce of the range. */
  get end(): bigint {
    return this.start + this.count - 1n;
  }

  /** Take a progress report: the share searched, and (unless `paused`) the recent rate; returns that rate. */
  progress(p: MineProgress, paused: boolean): number | undefined {
    this.last = p;
    const toward = this.count > V1_SPACE ? estimate(this.request.effectiveTarget).quantiles.p90 : Number(this.count);
    this.fraction = Math.min(1, p.attempts / toward);
    if (paused) {
      this.#sample(0); // the chart drops to zero while nothing hashes
      return undefined;
    }
    const rate = this.recent.push(p.elapsed_s, p.attempts);
    if (rate !== undefined) {
      this.rate = rate;
      this.#sample(rate);
    }
    return rate;
  }

  /** A pause began at `now`. */
  pause(now: number): void {
    this.pausedAt = now;
  }

  /** The pause ended at `now`: the rate restarts from here, not averaged with the pause. */
  resume(now: number): void {
    this.#endPause(now);
    this.recent.clear();
    this.rate = undefined;
  }

  /** The search settled at `now`: a pause still running ends with it. */
  settle(now: number): void {
    this.#endPause(now);
  }

  /** The average rate over the time spent hashing (paused time left out), or undefined before any report. */
  averageRate(): number | undefined {
    const p = this.last;
    if (!p) return undefined;
    const hashingS = p.elapsed_s - this.pausedMs / 1000;
    return hashingS > 0 ? p.attempts / hashingS : undefined;
  }

  #endPause(now: number): void {
    if (this.pausedAt !== undefined) this.pausedMs += now - this.pausedAt;
    this.pausedAt = undefined;
  }

  #sample(rate: number): void {
    this.samples = [...this.samples, rate].slice(-RATE_SAMPLES);
  }
}
