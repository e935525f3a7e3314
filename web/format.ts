/**
 * Formatting for the page (rates, durations, counts, percentages) and the
 * reading of the `start`/`count` fields (decimal or 0x hex, as the CLI's flags).
 * @module
 */

import { parseNonceText } from '../src/core/format.ts';

export { formatDuration, formatRate } from '../src/core/format.ts';

/** A whole number with thousands separators: `1,638,400`. */
export function formatCount(n: number | bigint): string {
  return n.toLocaleString('en-US');
}

/** A percentage with sensible precision: `0.012 %`, `3.4 %`, `39 %`. */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  if (p === 0) return '0 %';
  if (p < 0.1) return `${p.toPrecision(2)} %`;
  if (p < 10) return `${p.toFixed(1)} %`;
  return `${Math.min(p, 100).toFixed(0)} %`;
}

/**
 * A decimal or 0x-hexadecimal unsigned integer below 2^64, as the CLI's
 * `--start`/`--count` take; `undefined` for an empty field.
 * @throws RangeError naming the field for anything else.
 */
export function parseNonceField(name: string, text: string): bigint | undefined {
  const t = text.trim();
  return t === '' ? undefined : parseNonceText(name, t);
}
