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

const YEAR_S = 365 * 86400;

/** Scales for long estimates, in years; past the last, a duration is "more than" it. */
const YEAR_SCALES: Array<[number, string]> = [
  [1e12, 'trillion years'],
  [1e9, 'billion years'],
  [1e6, 'million years'],
  [1e3, 'thousand years'],
  [1, 'years'],
];

/** `3.4 years`, `340 years`, `12 thousand years`, `5.8 billion years`: two or three figures and a word, never an exponent. */
function formatYears(years: number): string {
  if (years >= 1000 * 1e12) return 'more than 1000 trillion years';
  for (const [scale, unit] of YEAR_SCALES) {
    if (years < scale) continue;
    const n = years / scale;
    const text = n < 9.95 ? n.toFixed(1) : n.toFixed(0);
    // 999.7 thousand rounds to "1000 thousand": say "1.0 million" instead (the top scale has no next).
    if (Number(text) >= 1000) return scale === YEAR_SCALES[0]![0] ? `1000 ${unit}` : formatYears(scale * 1000);
    return `${text} ${unit}`;
  }
  return `${years.toFixed(1)} years`;
}

/**
 * `0.42 s`, `12.3 s`, `4 min 05 s`, `2 h 03 min`, `3.5 days`, `3.4 years`,
 * `12 thousand years` ... `more than 1000 trillion years`; `—` when unknown
 * (negative, NaN or infinite, as an estimate at a rate of 0 is).
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 9.995) return `${seconds.toFixed(2)} s`;
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 2 * 86400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s < 2 * YEAR_S) return `${(s / 86400).toFixed(1)} days`;
  return formatYears(s / YEAR_S);
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
