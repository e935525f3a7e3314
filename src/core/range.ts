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
