/**
 * The bound a kernel compares a digest prefix against: the predicate of
 * docs/design.md §1 as one 96-bit comparison.
 * @module
 */
import { describeValue } from './errors.ts';
import { MAX_TARGET } from './request.ts';

/** The 96-bit bound a kernel compares the digest prefix `(h0:h1:h2)` against, strictly. */
export interface KernelBound {
  /** Bound on `h0`, the first digest word; 0 for the real predicate. */
  b0: number;
  /** High 32 bits of the effective target, unsigned. */
  b1: number;
  /** Low 32 bits of the effective target, unsigned. */
  b2: number;
}

/**
 * The kernel's bound for an effective target: `(0, t_hi, t_lo)`, so that
 * `(h0:h1:h2) < (b0:b1:b2)` as 96-bit numbers is exactly the predicate of docs/design.md §1
 * (`h0 == 0` and `(h1:h2) < t`).
 * @throws RangeError unless `1 <= effectiveTarget <= MAX_TARGET` (clamp first).
 */
export function kernelBound(effectiveTarget: bigint): KernelBound {
  if (typeof effectiveTarget !== 'bigint' || effectiveTarget < 1n || effectiveTarget > MAX_TARGET) {
    throw new RangeError(`effective target must be a bigint in [1, 2^63 - 1], got ${describeValue(effectiveTarget)}`);
  }
  return { b0: 0, b1: Number(effectiveTarget >> 32n), b2: Number(effectiveTarget & 0xffffffffn) };
}

