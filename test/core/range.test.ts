// Shards: N parts that cover a range exactly, in order, at any size and position.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_THREADS, NonceRangeError, checkRangeFields, checkShard, checkThreads, defaultThreads, parseThreadsText, parseThrottleText, resolveRange, shardOf,
} from '../../src/core/range.ts';

const TOP = 1n << 64n;

describe('shardOf', () => {
  it('cuts any range into N parts that partition it in order, the last taking the remainder (N = 1 to 5)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: TOP }),
        fc.bigInt({ min: 0n, max: TOP - 1n }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        (count, at, parts, top) => {
          // Half the cases end exactly at the top of the 8-byte space.
          const start = top ? TOP - count : at % (TOP - count + 1n);
          if (count < BigInt(parts)) {
            expect(() => shardOf({ start, count }, { index: 0, count: parts })).toThrow(/some would have none/);
            return;
          }
          let next = start;
          for (let index = 0; index < parts; index++) {
            const part = shardOf({ start, count }, { index, count: parts });
            expect(part.start).toBe(next);
            expect(part.count).toBeGreaterThanOrEqual(count / BigInt(parts));
            next += part.count;
          }
          expect(next).toBe(start + count);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses an index outside [0, N) and N below 1', () => {
    const whole = { start: 0n, count: 100n };
    expect(() => shardOf(whole, { index: 4, count: 4 })).toThrow(RangeError);
    expect(() => shardOf(whole, { index: -1, count: 4 })).toThrow(RangeError);
    expect(() => shardOf(whole, { index: 0, count: 0 })).toThrow(RangeError);
  });
});

describe('parseThrottleText', () => {
  it('takes a whole percent from 1 to 100 in plain digits, and nothing else', () => {
    expect(['1', '50', '100', '007'].map(parseThrottleText)).toEqual([1, 50, 100, 7]);
    for (const text of ['0', '101', '2.5', '-5', ' 50', '5e1', '00101', '0x10', 'half', '', null, undefined]) {
      expect(parseThrottleText(text), String(text)).toBeUndefined();
    }
  });
});

describe('resolveRange', () => {
  const V1 = { nonceWidth: 4 as const };
  const V2 = { nonceWidth: 8 as const };

  it('fills in the defaults and keeps any range inside the nonce space (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.bigInt({ min: 0n, max: TOP - 1n }), fc.bigInt({ min: 1n, max: TOP }), (v1, at, size) => {
        const request = v1 ? V1 : V2;
        const space = v1 ? 1n << 32n : TOP;
        const start = at % space;
        const count = size % (space - start) || 1n;
        expect(resolveRange(request, start, count)).toEqual({ start, count });
        expect(resolveRange(request, start)).toEqual({ start, count: space - start });
      }),
      { numRuns: 300 },
    );
    expect(resolveRange(V1)).toEqual({ start: 0n, count: 1n << 32n });
  });

  it('names the bound at fault, in the names the caller gives (the CLI passes its flags)', () => {
    const cases: Array<[bigint | undefined, bigint | undefined, 'start' | 'count', RegExp]> = [
      [1n << 32n, undefined, 'start', /^start 4294967296 is outside the 4-byte nonce space \[0, 2\^32\)$/],
      [0xffffffffn, 2n, 'count', /^start 4294967295 \+ count 2 runs past the end of the 4-byte nonce space \(2\^32\)$/],
      [0n, 0n, 'count', /^count must be at least 1$/],
      [-1n, undefined, 'start', /^start must not be negative, got -1$/],
    ];
    for (const [start, count, field, message] of cases) {
      let thrown: unknown;
      try {
        resolveRange(V1, start, count);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(NonceRangeError);
      expect(thrown).toBeInstanceOf(RangeError);
      expect(thrown).toMatchObject({ field, name: 'RangeError' });
      expect((thrown as Error).message).toMatch(message);
    }
    expect(() => resolveRange(V2, 1n << 64n, undefined, { start: '--start', count: '--count' })).toThrow(/^--start 18446744073709551616 is outside the 8-byte nonce space/);
    expect(() => checkRangeFields(undefined, 0n, { start: '--start', count: '--count' })).toThrow(/^--count must be at least 1$/);
    expect(() => checkRangeFields(5n, 1n)).not.toThrow();
  });
});

describe('threads', () => {
  it('takes a whole number from 1 to MAX_THREADS, as a number or as text, and nothing else', () => {
    expect(MAX_THREADS).toBe(1024);
    for (const n of [1, 2, 256, MAX_THREADS]) {
      expect(checkThreads(n)).toBe(n);
      expect(parseThreadsText(` ${n} `)).toBe(n);
    }
    for (const n of [0, -1, 1.5, MAX_THREADS + 1, Number.NaN, Infinity]) expect(() => checkThreads(n), String(n)).toThrow(/threads must be a whole number from 1 to 1024/);
    for (const text of ['0', '1025', '2.5', '-1', '1e2', '0x10', 'two']) expect(() => parseThreadsText(text), text).toThrow(/^threads takes a whole number from 1 to 1024, got "/);
    expect(parseThreadsText('  ')).toBeUndefined();
  });

  it('defaults to one per core, at least 1 and at most MAX_THREADS', () => {
    expect([defaultThreads(undefined), defaultThreads(0), defaultThreads(2), defaultThreads(4096)]).toEqual([1, 1, 2, MAX_THREADS]);
  });
});

describe('checkShard', () => {
  it('takes an index below a count of at least 1', () => {
    expect(checkShard({ index: 3, count: 4 })).toEqual({ index: 3, count: 4 });
    expect(() => checkShard({ index: 4, count: 4 })).toThrow(/^shard index 4 is not below 4 \(shards are numbered 0 to 3\)$/);
    expect(() => checkShard({ index: 0, count: 0 })).toThrow(/^the number of shards must be a whole number of at least 1, got 0$/);
    expect(() => checkShard({ index: -1, count: 2 })).toThrow(/^shard index -1 is not below 2/);
  });
});
