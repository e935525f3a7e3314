import { describe, expect, it } from 'vitest';
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
