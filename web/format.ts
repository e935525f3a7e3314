/**
 * Formatting and small parsers for the page: rates, durations, counts, and the
 * decimal or 0x-hex nonces the `start`/`count` fields take (as the CLI's flags).
 * @module
 */

export { formatRate } from '../src/core/rate.ts';

/** `0.42 s`, `12.3 s`, `4 min 05 s`, `2 h 03 min`, `3.5 days`; `—` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 2 * 86400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s < 2 * 365 * 86400) return `${(s / 86400).toFixed(1)} days`;
  return `${(s / (365 * 86400)).toExponential(1)} years`;
}

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
  if (t === '') return undefined;
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) {
    throw new RangeError(`${name} takes a decimal or 0x-hex unsigned integer, got ${JSON.stringify(t.slice(0, 40))}`);
  }
  const value = BigInt(t);
  if (value >= 1n << 64n) throw new RangeError(`${name} ${t} is above 2^64`);
  return value;
}

/** Threads: a whole number from 1 to 256; `undefined` for an empty field. */
export function parseThreads(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^[0-9]+$/.test(t) || Number(t) < 1 || Number(t) > 256) {
    throw new RangeError(`threads takes a whole number from 1 to 256, got ${JSON.stringify(t.slice(0, 40))}`);
  }
  return Number(t);
}
