/**
 * What a hit is worth for a job: its difficulty, the time a hit is expected to
 * take at a measured rate (p50 and p90), and the chance that its range holds a
 * hit at all. Every figure comes from the core's estimate, the one `doctor`
 * prints on the CLI.
 * @module
 */
import { difficulty, estimate, rangeHitProbability } from '../src/core/estimate.ts';
import type { MineRequest } from '../src/core/request.ts';
import { formatDuration, formatPercent, formatRate } from './format.ts';

/**
 * A difficulty as people read it: `1`, `150`, `32,768`, `1.5`, and
 * `9.22e18` from a million up (a target near 1 is a difficulty near 2^63).
 */
export function formatDifficulty(d: number): string {
  if (d >= 1e6) return d.toPrecision(3).replace('e+', 'e');
  // Six significant digits first, so 150.00000000000003 (target floor(MAX / 150)) reads 150.
  return Number(d.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** The job's difficulty, formatted, and a line that says what it means. */
export function describeDifficulty(request: MineRequest): { value: string; detail: string } {
  const e = estimate(request.effectiveTarget);
  return {
    value: formatDifficulty(difficulty(request.effectiveTarget)),
    detail: `Target ${request.effectiveTarget.toString(16).padStart(16, '0')}: ${e.expectedAttempts.toPrecision(3)} attempts to a hit on average (difficulty 1 is target 7fffffffffffffff, 8.59e9 attempts)`,
  };
}

/**
 * The expected time to a hit at `rate` hashes per second: its label
 * (`Expected time to a hit at 4.41 Mh/s`) and the figures (`p50 22 min · p90 1 h 15 min`).
 * Attempts to a hit are memoryless, so this is the time still ahead at any point, not a countdown.
 */
export function describeHitTime(request: MineRequest, rate: number): { label: string; value: string } {
  const q = estimate(request.effectiveTarget).quantiles;
  return {
    label: `Expected time to a hit at ${formatRate(rate)}`,
    value: `p50 ${formatDuration(q.p50 / rate)} · p90 ${formatDuration(q.p90 / rate)}`,
  };
}

/**
 * The chance that `count` nonces hold a hit, for a range a search can finish
 * (a V1 job, or a V2 range of at most 2^32 nonces); a V2 space never runs out.
 */
export function describeOdds(request: MineRequest, count: bigint): string {
  if (request.nonceWidth === 4 || count <= 1n << 32n) {
    const chance = formatPercent(rangeHitProbability(request.effectiveTarget, count));
    return `This range holds a valid nonce with probability ${chance}; otherwise it ends exhausted, and the client changes the preimage.`;
  }
  return 'A V2 space (2^64) never runs out: the bar shows attempts against the 90 % mark of the estimate.';
}

/** The page's fields for the outlook. */
export interface OutlookFields {
  difficulty: HTMLElement;
  odds: HTMLElement;
  etaLabel: HTMLElement;
  eta: HTMLElement;
}

/** The outlook on the page: the difficulty, the chance of a hit in the range, and the time to one. */
export class OutlookView {
  readonly #fields: OutlookFields;

  constructor(fields: OutlookFields) {
    this.#fields = fields;
  }

  /**
   * What a hit of `job` is worth (nothing for no job): its difficulty, the
   * chance that its `count` nonces hold one, and the time to one at `rate`
   * (`noRate` where no rate is known).
   */
  show(job: { request: MineRequest; count: bigint } | undefined, rate: number | undefined, noRate: string): void {
    const d = job && describeDifficulty(job.request);
    this.#fields.difficulty.textContent = d?.value ?? '—';
    this.#fields.difficulty.title = d?.detail ?? '';
    this.#fields.odds.textContent = job ? describeOdds(job.request, job.count) : '';
    this.hitTime(job?.request, rate, job ? noRate : '—');
  }

  /** The expected time to a hit of `request` at `rate`, or `otherwise` where there is no rate (or no request). */
  hitTime(request: MineRequest | undefined, rate: number | undefined, otherwise: string): void {
    const { etaLabel, eta } = this.#fields;
    const t = request && rate !== undefined && rate > 0 ? describeHitTime(request, rate) : undefined;
    etaLabel.textContent = t?.label ?? 'Expected time to a hit';
    eta.textContent = t?.value ?? otherwise;
    // For scripts and tests: the rate the figures were computed at, unrounded.
    if (t) eta.dataset.rate = String(rate);
    else delete eta.dataset.rate;
  }
}
