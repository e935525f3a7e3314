import { describe, expect, it } from 'vitest';
import { MAX_TARGET, attemptsForProbability, estimate } from '../../src/core/index.ts';
import { difficulty, rangeHitProbability } from '../../src/core/estimate.ts';
import { fixture } from '../support/vectors.ts';

const stats = fixture.statistics;

function expectClose(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected) / Math.abs(expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel);
}

describe('estimate', () => {
  it('matches pyrxd at difficulty 1', () => {
    const e = estimate(BigInt('0x' + stats.difficulty_1_target_hex));
    expect(e.effectiveTarget).toBe(MAX_TARGET);
    expect(e.p).toBe(stats.p_per_attempt_difficulty_1);
    expect(e.expectedAttempts).toBe(stats.expected_attempts_difficulty_1);
    const q = stats.pyrxd_estimate_attempts_quantiles_difficulty_1;
    // pyrxd: ceil(log1p(-q) / log1p(-p)), so these are integers to the unit.
    expect(e.quantiles).toEqual({ p50: q['0.5'], p90: q['0.9'], p99: q['0.99'] });
    expectClose(e.v1SweepMissProbability, stats.v1_no_solution_fraction_difficulty_1);
    expectClose(e.v1SweepHitProbability, stats.v1_has_solution_fraction_difficulty_1);
  });

  // (1-p)^(2^32) evaluated with 60-digit decimals (Python's decimal module).
  const EXACT_MISS: Record<number, number> = {
    1: 0.6065306596949811,
    2: 0.7788007830657383,
    4: 0.8824969025829902,
    150: 0.996672216054522,
    32768: 0.9999847413273523,
  };

  it.each(stats.by_difficulty.map((row) => [row.difficulty, row] as const))('matches the fixture at difficulty %i', (_, row) => {
    const t = BigInt('0x' + row.target_hex);
    const e = estimate(t);
    expect(e.expectedAttempts).toBe(row.expected_attempts);
    expectClose(e.v1SweepMissProbability, EXACT_MISS[row.difficulty]);
    expectClose(e.v1SweepHitProbability, 1 - EXACT_MISS[row.difficulty], 1e-10);
    expectClose(e.v1SweepHitProbability + e.v1SweepMissProbability, 1, 1e-15);
    if (row.difficulty !== 150) {
      expectClose(e.v1SweepMissProbability, row.v1_no_solution_fraction);
    } else {
      // The fixture's figure here is the naive double (1 - t/2^96) ** 2^32: rounding
      // 1 - p to a double moves p by up to 1.4e-4 relative, and the power of 2^32
      // turns that into 2.4e-7. Difficulties 1, 2, 4 have p = 2^-k, where 1 - p is exact.
      expectClose((1 - Number(t) / 2 ** 96) ** 2 ** 32, row.v1_no_solution_fraction, 1e-12);
      expectClose(e.v1SweepMissProbability, row.v1_no_solution_fraction, 3e-7);
    }
  });

  it('matches the V2 contract targets’ expected attempts', () => {
    for (const c of fixture.conformance_v2_contract_targets) {
      expect(estimate(BigInt('0x' + c.target_hex)).expectedAttempts, c.id).toBe(c.expected_attempts);
    }
  });

  it('clamps targets above 2^63 - 1', () => {
    const atMax = estimate(MAX_TARGET);
    for (const t of [MAX_TARGET + 1n, 2n ** 64n - 1n, 2n ** 300n]) expect(estimate(t)).toEqual(atMax);
  });

  it('is exact at the extremes', () => {
    const one = estimate(1n);
    expect(one.p).toBe(2 ** -96);
    expect(one.expectedAttempts).toBe(2 ** 96);
    expect(one.v1SweepHitProbability).toBeCloseTo(2 ** -64, 80);
    expect(estimate(2n ** 62n).expectedAttempts).toBe(2 ** 34);
    // 2^96 / (2^63 - 1) rounds to 2^33 exactly as Python's int / int does.
    expect(estimate(MAX_TARGET).expectedAttempts).toBe(2 ** 33);
  });

  it('keeps the V1 hit probability accurate where 1 - (1-p)^n would cancel', () => {
    const e = estimate(1000n);
    expectClose(e.v1SweepHitProbability, (1000 * 2 ** 32) / 2 ** 96, 1e-9);
    expect(e.v1SweepHitProbability).toBeGreaterThan(0);
  });

  it('rejects non-positive targets', () => {
    expect(() => estimate(0n)).toThrow(RangeError);
    expect(() => estimate(-1n)).toThrow(RangeError);
    expect(() => estimate(5 as unknown as bigint)).toThrow(TypeError);
  });
});

describe('attemptsForProbability', () => {
  it('is the smallest n with 1 - (1-p)^n >= q, and grows with q', () => {
    const t = 0x00da740da740da74n;
    let last = 0;
    for (const q of [1e-9, 0.01, 0.1, 0.5, 0.632, 0.9, 0.99, 0.999999]) {
      const n = attemptsForProbability(t, q);
      expect(n).toBeGreaterThanOrEqual(last);
      last = n;
      const p = Number(t) / 2 ** 96;
      expect(-Math.expm1(n * Math.log1p(-p))).toBeGreaterThanOrEqual(q * (1 - 1e-12));
      expect(-Math.expm1((n - 1) * Math.log1p(-p))).toBeLessThan(q * (1 + 1e-12));
    }
  });

  it('rejects probabilities outside (0, 1) and non-positive targets', () => {
    for (const q of [0, 1, -0.5, 1.5, Number.NaN]) {
      expect(() => attemptsForProbability(MAX_TARGET, q)).toThrow(RangeError);
    }
    expect(() => attemptsForProbability(0n, 0.5)).toThrow(RangeError);
  });
});

describe('difficulty', () => {
  it('is 1 at the ceiling and the fixture\'s difficulty at each of its targets', () => {
    expect(difficulty(MAX_TARGET)).toBe(1);
    expect(difficulty(2n ** 64n - 1n)).toBe(1); // clamped first
    for (const row of stats.by_difficulty) expectClose(difficulty(BigInt('0x' + row.target_hex)), row.difficulty, 1e-14);
    for (const c of fixture.conformance_v2_contract_targets) {
      const d = difficulty(BigInt('0x' + c.target_hex));
      expectClose(d, c.difficulty, 1e-14);
      // Each step of difficulty is that many times the expected attempts at difficulty 1.
      expectClose(estimate(BigInt('0x' + c.target_hex)).expectedAttempts, d * 2 ** 33, 1e-14);
    }
  });

  it('rejects non-positive targets', () => {
    expect(() => difficulty(0n)).toThrow(RangeError);
  });
});

describe('rangeHitProbability', () => {
  it('is the V1 sweep figure at 2^32 nonces, and 1 - (1-p)^n at any count', () => {
    for (const row of stats.by_difficulty) {
      const t = BigInt('0x' + row.target_hex);
      expect(rangeHitProbability(t, 2 ** 32)).toBe(estimate(t).v1SweepHitProbability);
      expect(rangeHitProbability(t, 2n ** 32n)).toBe(estimate(t).v1SweepHitProbability);
    }
    expectClose(rangeHitProbability(MAX_TARGET, 2 ** 32), stats.v1_has_solution_fraction_difficulty_1);
    expect(rangeHitProbability(MAX_TARGET, 0)).toBe(0);
    // Target 2^62: p = 2^-34, and 1 - (1-p)^3 = 3p - 3p^2 + p^3 without cancellation.
    const p = 2 ** -34;
    expectClose(rangeHitProbability(2n ** 62n, 3), 3 * p - 3 * p * p + p ** 3, 1e-12);
    expect(rangeHitProbability(MAX_TARGET, 2 ** 40)).toBeGreaterThan(0.99);
  });

  it('rejects a negative count and non-positive targets', () => {
    expect(() => rangeHitProbability(MAX_TARGET, -1)).toThrow(RangeError);
    expect(() => rangeHitProbability(MAX_TARGET, Number.NaN)).toThrow(RangeError);
    expect(() => rangeHitProbability(0n, 10)).toThrow(RangeError);
  });
});
