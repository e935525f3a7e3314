/** The nonce range of a search, checked against the request's nonce space. */
import type { MineRequest } from './protocol.ts';

/** Size of a request's nonce space: 2^32 for V1, 2^64 for V2. */
export function nonceSpace(request: Pick<MineRequest, 'nonceWidth'>): bigint {
  return 1n << BigInt(8 * request.nonceWidth);
}

/** Threads wanted by a caller: a positive safe integer, or a RangeError naming the value. */
export function checkThreads(threads: number): number {
  if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  return threads;
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

/**
 * `[start, start + count)` with the defaults filled in (from 0, to the end of
 * the nonce space).
 * @throws RangeError when the range is empty or runs outside the nonce space.
 */
export function resolveRange(request: Pick<MineRequest, 'nonceWidth'>, start = 0n, count?: bigint): { start: bigint; count: bigint } {
  const space = nonceSpace(request);
  if (start < 0n || start >= space) throw new RangeError(`start ${start} is outside the nonce space [0, ${space})`);
  const n = count ?? space - start;
  if (n < 1n || start + n > space) throw new RangeError(`range [${start}, ${start + n}) runs outside the nonce space [0, ${space})`);
  return { start, count: n };
}

/** Which of several equal parts of a range a process searches: `index` in `[0, count)`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The `shard.index`-th of `shard.count` equal parts of `whole`; the last part
 * also takes the remainder, so the parts cover `whole` exactly, in order.
 * @throws RangeError for an index outside `[0, count)`, or a part with no nonces (more parts than nonces).
 */
export function shardOf(whole: { start: bigint; count: bigint }, shard: Shard): { start: bigint; count: bigint } {
  const { index, count: parts } = shard;
  if (!Number.isSafeInteger(parts) || parts < 1) throw new RangeError(`a range is cut into 1 or more shards, not ${parts}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= parts) throw new RangeError(`shard index ${index} is outside [0, ${parts})`);
  const size = whole.count / BigInt(parts);
  if (size < 1n) throw new RangeError(`${whole.count} nonces cannot be cut into ${parts} shards: some would have none`);
  const start = whole.start + BigInt(index) * size;
  return { start, count: index === parts - 1 ? whole.count - BigInt(index) * size : size };
}
