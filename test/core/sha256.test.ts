import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/index.ts';
import { hex, nodeSha256 } from '../support/vectors.ts';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('sha256 (pure TypeScript)', () => {
  it.each([
    ['empty', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['"abc"', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'the 448-bit message',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      'the 896-bit message',
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
  ])('matches the FIPS 180-2 vector for %s', (_, message, digest) => {
    expect(hex(sha256(ascii(message)))).toBe(digest);
  });

  it('matches the one-million-"a" vector', () => {
    const million = new Uint8Array(1_000_000).fill(0x61);
    expect(hex(sha256(million))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('matches node:crypto for every length 0..300 (all padding boundaries)', () => {
    for (let n = 0; n <= 300; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
      expect(hex(sha256(data)), `length ${n}`).toBe(hex(nodeSha256(data)));
    }
  });

  it('matches node:crypto on random inputs of length 0..300', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(hex(sha256(data))).toBe(hex(nodeSha256(data)));
      }),
      { numRuns: 2500 },
    );
  });

  it('matches node:crypto on pow messages (64 + 4 and 64 + 8 bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.constantFrom(4, 8), fc.uint8Array({ minLength: 8, maxLength: 8 }), (pre, w, nonce) => {
        const msg = new Uint8Array([...pre, ...nonce.subarray(0, w)]);
        const once = sha256(msg);
        expect(hex(sha256(once))).toBe(hex(nodeSha256(nodeSha256(msg))));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes a view at its own offset and leaves the input untouched', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 20 }), fc.nat({ max: 20 }), (data, before, after) => {
        const backing = new Uint8Array(before + data.length + after).fill(0x5a);
        backing.set(data, before);
        const view = backing.subarray(before, before + data.length);
        const copy = backing.slice();
        expect(hex(sha256(view))).toBe(hex(nodeSha256(data)));
        expect(backing).toEqual(copy);
      }),
      { numRuns: 300 },
    );
    expect(hex(sha256(Buffer.from('abc')))).toBe(hex(nodeSha256(ascii('abc'))));
  });

  it('returns a fresh 32-byte array and rejects non-bytes', () => {
    const a = sha256(ascii('x'));
    const b = sha256(ascii('x'));
    expect(a).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(() => sha256('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => sha256([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
