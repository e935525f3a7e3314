/**
 * Byte and hex guards shared by the core modules.
 * @module
 */

import { describeValue } from './errors.ts';

/**
 * True for a `Uint8Array` (including Node's `Buffer`), also one made in another
 * realm (a worker, an iframe, a `vm` context), where `instanceof` fails.
 */
export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array')
  );
}

/**
 * Asserts that `value` is a `Uint8Array`, of exactly `length` bytes when given.
 * @param title - the name to put in the error message.
 * @throws TypeError if not bytes; RangeError if the length differs.
 */
export function abytes(value: unknown, length?: number, title = 'value'): Uint8Array {
  if (!isBytes(value)) {
    throw new TypeError(`${title} must be a Uint8Array, got ${describeValue(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${title} must be ${length} bytes, got ${value.length}`);
  }
  return value;
}

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

/** Lowercase hex of `bytes`, two characters per byte, in order. */
export function bytesToHex(bytes: Uint8Array): string {
  abytes(bytes, undefined, 'bytes');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]];
  return out;
}

/**
 * Index of the first character of `text` that is not `0-9a-fA-F`, or -1.
 * The check every hex field needs before it is decoded: `Buffer.from(s, 'hex')`
 * stops silently at the first bad pair, and `BigInt(s)` accepts `0x`, `0o`, `0b`,
 * decimal and surrounding spaces.
 */
export function firstNonHex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const isHex =
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
    if (!isHex) return i;
  }
  return -1;
}

/** The character at `index`, whole even when it is a surrogate pair, quoted as JSON. */
export function quoteCharAt(text: string, index: number): string {
  return JSON.stringify(String.fromCodePoint(text.codePointAt(index) ?? 0xfffd));
}

/**
 * Decodes strict hex (even length, `0-9a-fA-F` only, no prefix or spaces).
 * @throws TypeError if `hex` is not a string; RangeError if it is not strict hex.
 */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') {
    throw new TypeError(`hex must be a string, got ${describeValue(hex)}`);
  }
  if (hex.length % 2 !== 0) {
    throw new RangeError(`hex must have an even number of characters, got ${hex.length}`);
  }
  const bad = firstNonHex(hex);
  if (bad >= 0) {
    throw new RangeError(`hex must contain only 0-9a-fA-F, found ${quoteCharAt(hex, bad)} at index ${bad}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
