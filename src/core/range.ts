/**
 * Every rule about what a search covers and how many threads run it: the
 * nonce range, shards of it, the thread count and the throttle. The CLI, the
 * IPC child, both Miners and the page form all check through these, so each
 * rule (and its message) is written once.
 * @module
 */
import type { MineRequest } from './request.ts';

/** Most threads any host runs for one miner: the CLI's `--workers`, the IPC child, the page's field and the library. */
export const MAX_THREADS = 1024;

/** A range as first nonce and size. */
export interface NonceRange {
  start: bigint;
  count: bigint;
}

/** Which bound of a range a problem belongs to: `start` or `count`. */
export type RangeField = 'start' | 'count';

/** A range that cannot be searched, naming the bound at fault (a CLI flag, a form field); its name stays RangeError. */
export class NonceRangeError extends RangeError {
  constructor(
    /** The bound at fault. */
    readonly field: RangeField,
    message: string,
  ) {
    super(message);
  }
}

/** Size of a request's nonce space: 2^32 for V1, 2^64 for V2. */
export function nonceSpace(request: Pick<MineRequest, 'nonceWidth'>): bigint {
  return 1n << BigInt(8 * request.nonceWidth);
}

/**
 * A thread count: a whole number from 1 to {@link MAX_THREADS}.
 * @throws RangeError naming the value for anything else.
 */
export function checkThreads(threads: number): number {
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`threads must be a whole number from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
  return threads;
}

/** The thread count when none is given: one per core (`cores` as the host reports them), within {@link MAX_THREADS}. */
export function defaultThreads(cores: number | undefined): number {
  return Math.min(Math.max(1, Math.floor(cores || 1)), MAX_THREADS);
}

/** How a thread count must be written, as messages say it. */
export const THREADS_TEXT_FORM = `a whole number from 1 to ${MAX_THREADS}`;

/**
 * A thread count written as text (a flag, a form field): the count, or
 * undefined for an empty text (the caller's default).
 * @throws RangeError unless plain digits for a count from 1 to {@link MAX_THREADS}.
 */
export function parseThreadsText(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^[0-9]+$/.test(t) || Number(t) < 1 || Number(t) > MAX_THREADS) {
    throw new RangeError(`threads takes ${THREADS_TEXT_FORM}, got ${JSON.stringify(t.slice(0, 40))}`);
  }
  return Number(t);
}

/**
 * A throttle: the percent of each thread's time spent hashing, a whole number from 1 to 100.
 * @throws RangeError for anything else.
 */
export function checkThrottle(percent: number): number {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new RangeError(`throttle must be a whole percent from 1 to 100, got ${percent}`);
  return percent;
}

/**
 * A throttle written as text (a flag, a stored setting): the percent, or
 * undefined unless it is a whole number from 1 to 100 in plain digits.
 */
export function parseThrottleText(text: string | null | undefined): number | undefined {
  if (text == null || !/^[0-9]+$/.test(text)) return undefined;
  const percent = Number(text);
  return percent >= 1 && percent <= 100 ? percent : undefined;
}

/** What a range's bounds are called in messages: `start`/`count` by default, the flags as typed in the CLI. */
export type RangeNames = Record<RangeField, string>;

const PLAIN_NAMES: RangeNames = { start: 'start', count: 'count' };

/**
 * The checks on a range's bounds that need no request: a start that is not
 * negative, a count of at least 1. Callers that read the bounds before the
 * request (the CLI's flags, the page's fields as typed) report these early.
 * @throws NonceRangeError naming the bound.
 */
export function checkRangeFields(start?: bigint, count?: bigint, names: RangeNames = PLAIN_NAMES): void {
  if (start !== undefined && start < 0n) throw new NonceRangeError('start', `${names.start} must not be negative, got ${start}`);
  if (count !== undefined && count < 1n) throw new NonceRangeError('count', `${names.count} must be at least 1`);
}

/**
 * `[start, start + count)` with the defaults filled in (from 0, to the end of
 * the nonce space).
 * @param names - what the bounds are called in the messages.
 * @throws NonceRangeError naming the bound when the range is empty or runs outside the nonce space.
 */
export function resolveRange(request: Pick<MineRequest, 'nonceWidth'>, start = 0n, count?: bigint, names: RangeNames = PLAIN_NAMES): NonceRange {
  checkRangeFields(start, count, names);
  const width = request.nonceWidth;
  const space = nonceSpace(request);
  if (start >= space) throw new NonceRangeError('start', `${names.start} ${start} is outside the ${width}-byte nonce space [0, 2^${8 * width})`);
  const n = count ?? space - start;
  if (start + n > space) {
    throw new NonceRangeError('count', `${names.start} ${start} + ${names.count} ${n} runs past the end of the ${width}-byte nonce space (2^${8 * width})`);
  }
  return { start, count: n };
}

/** Which of several equal parts of a range a process searches: `index` in `[0, count)`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * A shard's numbers: `count` at least 1, `index` from 0 to `count - 1`.
 * @throws RangeError saying which number is wrong.
 */
export function checkShard(shard: Shard): Shard {
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`the number of shards must be a whole number of at least 1, got ${count}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`shard index ${index} is not below ${count} (shards are numbered 0 to ${count - 1})`);
  }
  return shard;
}

/**
 * The `shard.index`-th of `shard.count` equal parts of `whole`; the last part
 * also takes the remainder, so the parts cover `whole` exactly, in order.
 * @throws RangeError for an index outside `[0, count)`, or a part with no nonces (more parts than nonces).
 */
export function shardOf(whole: NonceRange, shard: Shard): NonceRange {
  const { index, count: parts } = checkShard(shard);
  const size = whole.count / BigInt(parts);
  if (size < 1n) throw new RangeError(`${whole.count} nonces cannot be cut into ${parts} shards: some would have none`);
  const start = whole.start + BigInt(index) * size;
  return { start, count: index === parts - 1 ? whole.count - BigInt(index) * size : size };
}
