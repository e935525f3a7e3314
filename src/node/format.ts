/** Small human-readable formatters for the terminal status line and doctor. */

/** `2h03m`, `4m05s`, `12.3s`, `0.25s`; `∞` for a non-finite duration. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '∞';
  if (seconds < 10) return `${seconds.toFixed(2)}s`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400 * 2) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${(s / 86400).toFixed(1)} days`;
}

/** A hash rate in the unit that suits it: `823 kh/s`, `4.41 Mh/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0 h/s';
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} Gh/s`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} Mh/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(0)} kh/s`;
  return `${perSecond.toFixed(0)} h/s`;
}
