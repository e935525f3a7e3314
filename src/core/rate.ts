/** The hash-rate formatter the CLI's status line and the page both show. */

/** A hash rate in the unit that suits it: `823 kh/s`, `4.41 Mh/s`; `0 h/s` when not positive. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0 h/s';
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} Gh/s`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} Mh/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(0)} kh/s`;
  return `${perSecond.toFixed(0)} h/s`;
}
