import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/core/format.ts';
import { formatExhausted, formatHit, formatProgress } from '../../src/core/index.ts';

describe('formatHit', () => {
  it('writes the V1 success line with keys in pyrxd’s order', () => {
    const line = formatHit({ nonce: 0x62017fd1n, nonceWidth: 4, attempts: 1644265426, elapsedS: 1.25 });
    expect(line).toBe('{"nonce_hex":"d17f0162","attempts":1644265426,"elapsed_s":1.25}');
    expect(Object.keys(JSON.parse(line))).toEqual(['nonce_hex', 'attempts', 'elapsed_s']);
  });

  it('writes a V2 nonce as 16 little-endian hex digits', () => {
    expect(formatHit({ nonce: 0x3af8c3n, nonceWidth: 8, attempts: 3864772, elapsedS: 0.5 })).toBe(
      '{"nonce_hex":"c3f83a0000000000","attempts":3864772,"elapsed_s":0.5}',
    );
    expect(formatHit({ nonce: 2n ** 64n - 1n, nonceWidth: 8, attempts: 0n, elapsedS: 0 })).toBe(
      '{"nonce_hex":"ffffffffffffffff","attempts":0,"elapsed_s":0.0}',
    );
  });

  it('keeps elapsed_s a float literal rounded to microseconds and attempts an integer literal', () => {
    const cases: [number, string, number][] = [
      [0, '0.0', 0],
      [-0, '0.0', 0],
      [2, '2.0', 2],
      [0.1, '0.1', 0.1],
      [0.1 + 0.2, '0.3', 0.3],
      [1.2760288499999999, '1.276029', 1.276029],
      [1e-7, '0.0', 0],
      [123456.789, '123456.789', 123456.789],
      [1e21, '1e+21', 1e21],
    ];
    for (const [s, text, parsed] of cases) {
      const line = formatHit({ nonce: 1n, nonceWidth: 4, attempts: 2 ** 53 - 1, elapsedS: s });
      expect(line).toBe(`{"nonce_hex":"01000000","attempts":9007199254740991,"elapsed_s":${text}}`);
      expect(JSON.parse(line)).toEqual({ nonce_hex: '01000000', attempts: 2 ** 53 - 1, elapsed_s: parsed });
    }
  });

  it('round-trips through JSON.parse and has no newline', () => {
    const line = formatHit({ nonce: 0xfd362814n, nonceWidth: 4, attempts: 338179838n, elapsedS: 270.123 });
    expect(line).not.toMatch(/\n/);
    expect(JSON.parse(line)).toEqual({ nonce_hex: '142836fd', attempts: 338179838, elapsed_s: 270.123 });
  });

  it('guards its inputs', () => {
    const ok = { nonce: 1n, nonceWidth: 4 as const, attempts: 1, elapsedS: 1 };
    for (const attempts of [-1, 1.5, Number.NaN, Infinity, 2 ** 53, -1n, 2n ** 53n]) {
      expect(() => formatHit({ ...ok, attempts }), String(attempts)).toThrow(RangeError);
    }
    for (const elapsedS of [Number.NaN, Infinity, -Infinity, -0.001]) {
      expect(() => formatHit({ ...ok, elapsedS }), String(elapsedS)).toThrow(RangeError);
    }
    expect(() => formatHit({ ...ok, nonce: 2n ** 32n })).toThrow(RangeError);
    expect(() => formatHit({ ...ok, attempts: -1 })).toThrow('attempts must be a non-negative safe integer, got -1');
    expect(() => formatHit({ ...ok, elapsedS: Number.NaN })).toThrow('elapsed_s must be a finite number >= 0, got NaN');
  });
});

describe('formatExhausted', () => {
  it('is {"exhausted":true}', () => {
    expect(formatExhausted()).toBe('{"exhausted":true}');
    expect(JSON.parse(formatExhausted())).toEqual({ exhausted: true });
  });
});

describe('formatProgress', () => {
  it('writes one progress frame', () => {
    expect(formatProgress(123456, 0.5)).toBe('{"progress":{"attempts":123456,"elapsed_s":0.5}}');
    expect(formatProgress(0n, 0)).toBe('{"progress":{"attempts":0,"elapsed_s":0.0}}');
    expect(JSON.parse(formatProgress(2 ** 40, 12.75))).toEqual({ progress: { attempts: 2 ** 40, elapsed_s: 12.75 } });
  });

  it('guards its inputs', () => {
    expect(() => formatProgress(-1, 0)).toThrow(RangeError);
    expect(() => formatProgress(1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => formatProgress(0.5, 1)).toThrow(RangeError);
  });
});

const YEAR = 365 * 86400;
const SCALE: Record<string, number> = { '': 1, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

/** Read a duration back into seconds, as a person would; throws on any other shape. */
function readBack(text: string): number {
  let m: RegExpExecArray | null;
  if ((m = /^(\d+\.\d{1,2}) s$/.exec(text))) return Number(m[1]);
  if ((m = /^(\d{1,2}) min (\d{2}) s$/.exec(text))) return Number(m[1]) * 60 + Number(m[2]);
  if ((m = /^(\d{1,2}) h (\d{2}) min$/.exec(text))) return Number(m[1]) * 3600 + Number(m[2]) * 60;
  if ((m = /^(\d+\.\d) days$/.exec(text))) return Number(m[1]) * 86400;
  if ((m = /^(\d+(?:\.\d)?) (?:(thousand|million|billion|trillion) )?years$/.exec(text))) return Number(m[1]) * SCALE[m[2] ?? '']! * YEAR;
  if (text === 'more than 1000 trillion years') return 1e15 * YEAR;
  throw new Error(`unreadable duration ${JSON.stringify(text)}`);
}

describe('formatDuration', () => {
  it('says each magnitude in a unit a person reads', () => {
    const cases: Array<[number, string]> = [
      [0, '0.00 s'],
      [0.42, '0.42 s'],
      [12.34, '12.3 s'],
      [245, '4 min 05 s'],
      [7380, '2 h 03 min'],
      [3.5 * 86400, '3.5 days'],
      [3.4 * YEAR, '3.4 years'],
      [340 * YEAR, '340 years'],
      [12_000 * YEAR, '12 thousand years'],
      [5.8e9 * YEAR, '5.8 billion years'],
      [999.8e12 * YEAR, '1000 trillion years'],
      [1e30, 'more than 1000 trillion years'],
      [Infinity, '—'],
      [Number.NaN, '—'],
      [-1, '—'],
    ];
    for (const [seconds, text] of cases) expect(formatDuration(seconds), String(seconds)).toBe(text);
  });

  it('from 1 ms to 1e30 s: never an exponent or NaN, always readable, within 5 % of the value where it names one, and never smaller for a longer time', () => {
    // Log-uniform magnitudes, so every unit gets its share, plus each unit's rounding edges.
    const magnitude = fc.double({ min: -3, max: 30, noNaN: true }).map((e) => 10 ** e);
    const edges = [9.994, 9.995, 9.996, 59.94, 59.95, 59.96, 3599.4, 3599.5, 2 * 86400 - 0.5, 2 * YEAR - 0.5, 2 * YEAR, 9.95 * YEAR, 999.5 * YEAR, 999.5e3 * YEAR, 999.5e12 * YEAR, 1e15 * YEAR];
    const samples = [...fc.sample(magnitude, { numRuns: 5000, seed: 20261203 }), ...edges, 1e-3, 1e30].sort((a, b) => a - b);
    let previous = -1;
    for (const seconds of samples) {
      const text = formatDuration(seconds);
      expect(text, String(seconds)).not.toMatch(/e[+-]|NaN|Infinity|undefined/);
      const read = readBack(text);
      if (seconds >= 0.1 && seconds < 1e15 * YEAR) expect(Math.abs(read - seconds) / seconds, `${seconds} s read as ${text}`).toBeLessThan(0.05);
      expect(read, `${seconds} s (${text}) after a longer reading ${previous}`).toBeGreaterThanOrEqual(previous);
      previous = read;
    }
    expect(formatDuration(Infinity)).toBe('—');
  });
});
