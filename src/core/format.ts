/**
 * What the CLI's status line, `doctor` and the page show and read: rates,
 * durations, and nonces typed as decimal or 0x-hex text.
 * @module
 */

/** A hash rate in the unit that suits it: `823 kh/s`, `4.41 Mh/s`; `0 h/s` when not positive. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0 h/s';
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} Gh/s`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} Mh/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(0)} kh/s`;
  return `${perSecond.toFixed(0)} h/s`;
}

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

/** What {@link parseNonceText} takes, as its messages and the CLI's say it. */
export const NONCE_TEXT_FORM = 'a decimal or 0x-hex unsigned integer';

/**
 * A decimal or 0x-hexadecimal unsigned integer below 2^64, as `--start`,
 * `--count`, the page's fields and the IPC options take them.
 * @throws RangeError starting with `name` for anything else.
 */
export function parseNonceText(name: string, text: string): bigint {
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) {
    throw new RangeError(`${name} takes ${NONCE_TEXT_FORM}, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  const value = BigInt(text);
  if (value >= 1n << 64n) throw new RangeError(`${name} ${text} is above 2^64`);
  return value;
}
