/**
 * The library call for Node: `mine(request, options)` takes the protocol request
 * and resolves to the protocol response, on piscina worker threads. It never
 * writes to the console and leaves no thread running once it settles.
 */
import { formatExhausted, formatHit, parseRequest } from '../core/protocol.ts';
import { startSearch, type RunningSearch } from './pool.ts';

/** The protocol response: a verified hit, or exhaustion of the range. */
export type MineResponse = { nonce_hex: string; attempts: number; elapsed_s: number } | { exhausted: true };

/** What `onProgress` receives, about every 0.5 s. */
export interface MineProgress {
  /** Nonces hashed so far. */
  attempts: number;
  /** Seconds since the search started. */
  elapsed_s: number;
  /** Nonces per second, averaged since the start. */
  rate: number;
  /** Every nonce below this one has been searched (resume point of an interrupted sweep). */
  watermark: bigint;
}

/** Options of {@link mine}. */
export interface MineOptions {
  /** Worker threads (default: the available parallelism). */
  threads?: number;
  /** Aborting rejects the promise with a DOMException named AbortError and stops every thread. */
  signal?: AbortSignal;
  /** Called about every 0.5 s while the search runs. */
  onProgress?: (progress: MineProgress) => void;
  /** First nonce of the range (default 0). */
  start?: bigint | number;
  /** Nonces in the range (default: to the end of the request's nonce space). */
  count?: bigint | number;
}

const PROGRESS_MS = 500;

function abortError(signal: AbortSignal): unknown {
  // fetch() rejects with the signal's reason, which is an AbortError DOMException by default.
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Mine one request: the protocol request as an object or JSON text. Resolves to
 * `{nonce_hex, attempts, elapsed_s}` (re-verified with node:crypto) or
 * `{exhausted: true}`; rejects with the core's RequestError for a bad request,
 * a RangeError for a bad range or thread count, or the abort reason.
 */
export async function mine(request: object | string, options: MineOptions = {}): Promise<MineResponse> {
  const parsed = parseRequest(request);
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const search: RunningSearch = startSearch(parsed, {
    threads: options.threads,
    start: options.start === undefined ? undefined : BigInt(options.start),
    count: options.count === undefined ? undefined : BigInt(options.count),
  });
  const timer = options.onProgress
    ? setInterval(() => {
      const elapsed = search.elapsedS();
      options.onProgress!({ attempts: search.attempts(), elapsed_s: elapsed, rate: elapsed > 0 ? search.attempts() / elapsed : 0, watermark: search.watermark() });
    }, PROGRESS_MS)
    : undefined;
  const onAbort = (): void => search.stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const outcome = await search.outcome;
    if (signal?.aborted) throw abortError(signal);
    if (outcome.kind === 'found') {
      return JSON.parse(formatHit({ nonce: outcome.nonce, nonceWidth: parsed.nonceWidth, attempts: outcome.attempts, elapsedS: outcome.elapsedS }));
    }
    if (outcome.kind === 'exhausted') return JSON.parse(formatExhausted());
    throw new Error('the search stopped without an answer');
  } finally {
    clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
