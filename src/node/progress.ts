/**
 * Progress on stderr while a search runs: pyrxd's JSON frames when stderr is a
 * pipe, a live status line when it is a terminal.
 */
import { estimate } from '../core/estimate.ts';
import { formatDuration, formatRate } from '../core/format.ts';
import type { MineProgress } from '../core/job-api.ts';
import { formatProgress } from '../core/response.ts';
import { type MineRequest } from '../core/request.ts';
import type { BackendStatus } from '../gpu/backend-choice.ts';
import type { GpuAdapterSummary } from '../gpu/kernel.ts';

/** An adapter in a few words: its device (or vendor and architecture), and (unless `markSoftware` is false) whether it is a software one. */
export function adapterName(adapter: GpuAdapterSummary, markSoftware = true): string {
  const name = adapter.device || [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  return `${name}${markSoftware && adapter.fallback ? ', software' : ''}`;
}

/** What hashes, for the status line: `2 threads`, `the GPU (llvmpipe…, software)`, or the workers while `auto` measures. */
export function hashingLabel(status: BackendStatus, threads: number): string {
  const workers = `${threads} thread${threads === 1 ? '' : 's'}`;
  if (status.active === 'webgpu') return `the GPU (${status.adapter ? adapterName(status.adapter) : 'opening'})${status.calibrating ? ', measuring' : ''}`;
  return status.calibrating ? `${workers}, measuring against the GPU` : workers;
}

/** One compact `{"progress":{...}}` line, newline included. */
export function jsonFrame(p: MineProgress): string {
  return formatProgress(p.attempts, p.elapsed_s) + '\n';
}

/**
 * The terminal status line: rate and what hashes (`2 threads`, `the GPU (…)`),
 * share of the range swept, elapsed time, and the expected time to a hit
 * (p50/p90) at the current rate.
 */
export function humanLine(p: MineProgress, hashing: string, count: bigint, request: MineRequest): string {
  const { attempts, elapsed_s: elapsed, rate } = p;
  const swept = (attempts / Number(count)) * 100;
  const q = estimate(request.effectiveTarget).quantiles;
  const eta = rate > 0 ? `p50 ${formatDuration(q.p50 / rate)}, p90 ${formatDuration(q.p90 / rate)}` : 'p50 -, p90 -';
  const share = request.nonceWidth === 4 ? `${swept.toFixed(swept < 10 ? 2 : 1)}% of the V1 space` : `${attempts.toLocaleString('en-US')} nonces`;
  return `${formatRate(rate)} on ${hashing} | ${share} swept | ${formatDuration(elapsed)} elapsed | time to a hit: ${eta}`;
}
