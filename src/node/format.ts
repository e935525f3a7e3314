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

export { formatRate } from '../core/rate.ts';
