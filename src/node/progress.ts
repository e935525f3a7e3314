/**
 * Progress on stderr while a search runs: pyrxd's JSON frames when stderr is a
 * pipe, a live status line when it is a terminal.
 */
import { estimate } from '../core/estimate.ts';
import { formatProgress, type MineRequest } from '../core/protocol.ts';
import { formatDuration, formatRate } from './format.ts';
import type { RunningSearch } from './pool.ts';

/** Milliseconds between progress reports (pyrxd's reference interval is 0.5 s). */
export const PROGRESS_INTERVAL_MS = 500;

/** One compact `{"progress":{...}}` line, newline included. */
export function jsonFrame(search: Pick<RunningSearch, 'attempts' | 'elapsedS'>): string {
  return formatProgress(search.attempts(), search.elapsedS()) + '\n';
}

/**
 * The terminal status line: rate, share of the range swept, elapsed time, and
 * the expected time to a hit (p50/p90) at the current rate.
 */
export function humanLine(search: Pick<RunningSearch, 'attempts' | 'elapsedS' | 'count' | 'threads'>, request: MineRequest): string {
  const attempts = search.attempts();
  const elapsed = search.elapsedS();
  const rate = elapsed > 0 ? attempts / elapsed : 0;
  const swept = (attempts / Number(search.count)) * 100;
  const q = estimate(request.effectiveTarget).quantiles;
  const eta = rate > 0 ? `p50 ${formatDuration(q.p50 / rate)}, p90 ${formatDuration(q.p90 / rate)}` : 'p50 -, p90 -';
  const share = request.nonceWidth === 4 ? `${swept.toFixed(swept < 10 ? 2 : 1)}% of the V1 space` : `${attempts.toLocaleString('en-US')} nonces`;
  return `${formatRate(rate)} on ${search.threads} threads | ${share} swept | ${formatDuration(elapsed)} elapsed | time to a hit: ${eta}`;
}
