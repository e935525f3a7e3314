/**
 * The nonce on the wire: its width, its little-endian bytes (what is appended
 * to the preimage) and the `nonce_hex` that spells them.
 * @module
 */
import { bytesToHex, firstNonHex } from './bytes.ts';
import { describeValue, elide } from './errors.ts';

/** Nonce width in bytes: 4 for V1 contracts, 8 for V2. */
export type NonceWidth = 4 | 8;

function checkWidth(width: unknown): asserts width is NonceWidth {
  if (width !== 4 && width !== 8) {
    throw new RangeError(`nonce width must be 4 or 8, got ${describeValue(width)}`);
  }
}

function checkNonce(nonce: unknown, width: NonceWidth): asserts nonce is bigint {
  if (typeof nonce !== 'bigint') throw new TypeError(`nonce must be a bigint, got ${describeValue(nonce)}`);
  if (nonce < 0n || nonce >> BigInt(8 * width) !== 0n) {
    throw new RangeError(`nonce must be in [0, 2^${8 * width}) for width ${width}, got ${elide(String(nonce))}`);
  }
}

/**
 * The nonce as `width` little-endian bytes: what is appended to the preimage
 * and what `nonce_hex` spells on the wire.
 * @throws RangeError if `width` is not 4 or 8 or `nonce` is outside `[0, 2^(8*width))`.
 */
export function nonceBytes(nonce: bigint, width: NonceWidth): Uint8Array {
  checkWidth(width);
  checkNonce(nonce, width);
  const out = new Uint8Array(width);
  let rest = nonce;
  for (let i = 0; i < width; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/**
 * The wire's `nonce_hex`: {@link nonceBytes} as lowercase hex, `2 * width` characters.
 * @example nonceToHex(0x62017fd1n, 4) === 'd17f0162'
 */
export function nonceToHex(nonce: bigint, width: NonceWidth): string {
  return bytesToHex(nonceBytes(nonce, width));
}

/**
 * Inverse of {@link nonceToHex}: reads `2 * width` hex characters (either case)
 * as a little-endian unsigned integer.
 * @throws RangeError if `hex` is not exactly `2 * width` hex characters.
 */
export function nonceFromHex(hex: string, width: NonceWidth): bigint {
  checkWidth(width);
  if (typeof hex !== 'string' || hex.length !== 2 * width || firstNonHex(hex) >= 0) {
    throw new RangeError(
      `nonce hex must be ${2 * width} hex characters (${width} bytes, little-endian), got ${describeValue(hex)}`,
    );
  }
  let nonce = 0n;
  for (let i = width - 1; i >= 0; i--) {
    nonce = (nonce << 8n) | BigInt(parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  }
  return nonce;
}

