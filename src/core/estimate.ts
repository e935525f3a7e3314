/**
 * Closed-form attempt statistics for a target (pyrxd `glyph/dmint/estimate.py`).
 *
 * The predicate accepts exactly `t = min(target, 2^63 - 1)` of the 2^96 values of
 * the digest's top 96 bits, so each attempt hits with `p = t / 2^96`, and attempts
 * to the first hit are geometric: memoryless, so these figures describe the work
 * still ahead at any point of a search, never a countdown.
 * @module
 */

import { describeValue } from './errors.ts';
import { MAX_TARGET } from './request.ts';

/** Attempt statistics for one target. */
export interface Estimate {
  /** `min(target, MAX_TARGET)`. */
  effectiveTarget: bigint;
  /** Probability that one attempt hits: `effectiveTarget / 2^96`. */
  p: number;
  /** Mean attempts to the first hit: `2^96 / effectiveTarget` (8.59e9 at difficulty 1). */
  expectedAttempts: number;
  /** Attempts by which a hit has come with probability 50 %, 90 %, 99 % (as pyrxd rounds them). */
  quantiles: { p50: number; p90: number; p99: number };
  /** Probability that a full V1 sweep of 2^32 nonces holds a hit: `1 - (1-p)^(2^32)` (39 % at difficulty 1). */
  v1SweepHitProbability: number;
  /** Probability that a full V1 sweep holds no hit, `(1-p)^(2^32)`: exhaustion, the common case. */
  v1SweepMissProbability: number;
}

const HIT_SPACE = 1n << 96n;
const V1_SPACE = 2 ** 32;

function clampTarget(target: bigint): bigint {
  if (typeof target !== 'bigint') throw new TypeError(`target must be a bigint, got ${describeValue(target)}`);
  if (target <= 0n) throw new RangeError(`target must be positive, got ${describeValue(target)}`);
  return target < MAX_TARGET ? target : MAX_TARGET;
}

// Number(t) rounds once and dividing by 2^96 is exact, so this is the correctly
// rounded t / 2^96, the same double as Python's int / int in pyrxd.
function hitProbability(effectiveTarget: bigint): number {
  return Number(effectiveTarget) / 2 ** 96;
}

/** Correctly rounded `a / b` for positive bigints, as Python's `int / int`. */
function divide(a: bigint, b: bigint): number {
  const scaled = a << 64n;
  let quotient = scaled / b;
  // A sticky bit for an inexact quotient: Number() then rounds the exact value.
  if (quotient * b !== scaled) quotient |= 1n;
  return Number(quotient) / 2 ** 64;
}

/**
 * The smallest `n` with `1 - (1-p)^n >= probability`, i.e.
 * `ceil(log1p(-probability) / log1p(-p))`: pyrxd's `attempts_for_quantile`.
 * @param target - any positive target; clamped to `MAX_TARGET`.
 * @param probability - strictly between 0 and 1.
 * @throws RangeError for a target <= 0 or a probability outside (0, 1).
 */
export function attemptsForProbability(target: bigint, probability: number): number {
  const p = hitProbability(clampTarget(target));
  if (typeof probability !== 'number' || !(probability > 0 && probability < 1)) {
    throw new RangeError(`probability must be in (0, 1), got ${describeValue(probability)}`);
  }
  // log1p keeps precision at p ~ 1e-10, where log(1 - p) would round to log(1) = 0.
  return Math.ceil(Math.log1p(-probability) / Math.log1p(-p));
}

/**
 * The difficulty of a target: `MAX_TARGET / min(target, MAX_TARGET)`, so the
 * ceiling `7fffffffffffffff` is difficulty 1 and difficulty d is target
 * `floor(MAX_TARGET / d)` (`00da740da740da74` is 150). Each step of difficulty
 * multiplies the expected attempts to a hit: 2^33 at difficulty 1.
 * @param target - any positive target; clamped to `MAX_TARGET`.
 * @throws RangeError for a target <= 0.
 */
export function difficulty(target: bigint): number {
  return divide(MAX_TARGET, clampTarget(target));
}

/**
 * Probability that `count` attempts hold at least one hit: `1 - (1-p)^count`
 * (a V1 sweep of 2^32 nonces: 39 % at difficulty 1). Any range of distinct
 * nonces is `count` independent attempts.
 * @param target - any positive target; clamped to `MAX_TARGET`.
 * @param count - attempts (nonces in the range), 0 or more.
 * @throws RangeError for a target <= 0 or a negative count.
 */
export function rangeHitProbability(target: bigint, count: number | bigint): number {
  const n = Number(count);
  if (!(n >= 0)) throw new RangeError(`count must be 0 or more, got ${describeValue(count)}`);
  return -Math.expm1(logMissProbability(hitProbability(clampTarget(target)), n));
}

// ln((1-p)^n): log1p keeps p ~ 1e-10 from rounding away, scaling by a power of two
// (2^32) is exact, and exp/expm1 of it stay accurate where 1 - (1-p)^n would cancel.
function logMissProbability(p: number, n: number): number {
  return n * Math.log1p(-p);
}

/**
 * Attempt statistics for a target, clamped to `MAX_TARGET` first.
 * @throws RangeError for a target <= 0.
 */
export function estimate(target: bigint): Estimate {
  const effectiveTarget = clampTarget(target);
  const p = hitProbability(effectiveTarget);
  return {
    effectiveTarget,
    p,
    expectedAttempts: divide(HIT_SPACE, effectiveTarget),
    quantiles: {
      p50: attemptsForProbability(effectiveTarget, 0.5),
      p90: attemptsForProbability(effectiveTarget, 0.9),
      p99: attemptsForProbability(effectiveTarget, 0.99),
    },
    v1SweepHitProbability: rangeHitProbability(effectiveTarget, V1_SPACE),
    v1SweepMissProbability: Math.exp(logMissProbability(p, V1_SPACE)),
  };
}
