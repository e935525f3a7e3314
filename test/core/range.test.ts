// Shards: N parts that cover a range exactly, in order, at any size and position.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseThrottleText, shardOf } from '../../src/core/range.ts';

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
