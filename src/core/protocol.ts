/**
 * pyrxd external-miner protocol v1 (docs/protocol.md): reading and validating the
 * request, nonce encoding, the kernel's 96-bit bound, and the response lines.
 * @module
 */

import { bytesToHex, firstNonHex, hexToBytes, quoteCharAt } from './bytes.ts';
import { RequestError, describeValue, elide, oneLine } from './errors.ts';

/** Largest request accepted, in bytes of UTF-8 (pyrxd `MAX_REQUEST_BYTES`). */
export const MAX_REQUEST_BYTES = 4096;

/**
 * The on-chain target ceiling, `2^63 - 1` (pyrxd `MAX_SHA256D_TARGET`, difficulty 1).
 * Larger targets are clamped to it, never rejected.
 */
export const MAX_TARGET = 0x7fffffffffffffffn;

/** The only wire-protocol version this miner speaks. */
export const PROTOCOL_VERSION = 1;

/** Nonce width in bytes: 4 for V1 contracts, 8 for V2. */
export type NonceWidth = 4 | 8;

/** A request that passed every rule of docs/protocol.md. */
export interface MineRequest {
  /** The 64-byte preimage, a fresh copy. */
  preimage: Uint8Array;
  /** `preimage` as lowercase hex (128 characters). */
  preimageHex: string;
  /** The target as sent: positive, possibly above {@link MAX_TARGET}. */
  target: bigint;
  /** `min(target, MAX_TARGET)`: the value the predicate compares against. */
  effectiveTarget: bigint;
  /** Nonce width in bytes. */
  nonceWidth: NonceWidth;
  /** Wire-protocol version; always 1. */
  protocol: 1;
}

/** The 96-bit bound a kernel compares the digest prefix `(h0:h1:h2)` against, strictly. */
export interface KernelBound {
  /** Bound on `h0`, the first digest word; 0 for the real predicate. */
  b0: number;
  /** High 32 bits of the effective target, unsigned. */
  b1: number;
  /** Low 32 bits of the effective target, unsigned. */
  b2: number;
}

/** What {@link formatHit} serialises. */
export interface Hit {
  /** The nonce found, as an unsigned integer. */
  nonce: bigint;
  /** Nonce width in bytes. */
  nonceWidth: NonceWidth;
  /** Nonces hashed, a non-negative safe integer. */
  attempts: number | bigint;
  /** Seconds spent searching, finite and non-negative. */
  elapsedS: number;
}

const REQUIRED_KEYS = ['preimage_hex', 'target_hex', 'nonce_width'] as const;
const PREIMAGE_BYTES = 64;

// fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM: keep a leading BOM in
// the text (the default strips it silently) so JSON.parse rejects it, as pyrxd does.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();

/**
 * Reads and validates one mining request.
 *
 * - bytes (any `ArrayBufferView` or `ArrayBuffer`, e.g. stdin): size cap, then
 *   strict UTF-8, then JSON;
 * - a string: cap on its UTF-8 length, then JSON;
 * - any other value is taken as the already-parsed request (library callers,
 *   structured-clone messages) and must be a plain object.
 *
 * Then the rules of docs/protocol.md, in order: object → required keys (`preimage_hex`,
 * `target_hex`, `nonce_width`) → `protocol` → `preimage_hex` → `target_hex` →
 * `nonce_width`. Unknown keys are ignored. Only own properties count, so a key
 * inherited through a prototype cannot satisfy a required key.
 *
 * @throws RequestError for every broken rule, and nothing else.
 */
export function parseRequest(input: Uint8Array | string | object): MineRequest {
  return validateRequest(decodeRequest(input));
}

function decodeRequest(input: unknown): unknown {
  if (typeof input === 'string') {
    // Every UTF-16 code unit encodes to at least one byte, so a long string is
    // too large without encoding it (and allocating) at all.
    if (input.length > MAX_REQUEST_BYTES) throw tooLarge(input.length, 'at least ');
    const size = UTF8_ENCODER.encode(input).length;
    if (size > MAX_REQUEST_BYTES) throw tooLarge(size, '');
    return parseJson(input);
  }
  const bytes = asBytes(input);
  if (bytes === undefined) return input;
  if (bytes.length > MAX_REQUEST_BYTES) throw tooLarge(bytes.length, '');
  let text: string;
  try {
    // slice(): TextDecoder refuses views of a SharedArrayBuffer in browsers.
    text = UTF8.decode(bytes.slice());
  } catch {
    throw new RequestError('not_utf8', 'request is not valid UTF-8');
  }
  return parseJson(text);
}

function asBytes(input: unknown): Uint8Array | undefined {
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const tag = Object.prototype.toString.call(input);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') {
    return new Uint8Array(input as ArrayBufferLike);
  }
  return undefined;
}

function tooLarge(size: number, qualifier: string): RequestError {
  return new RequestError(
    'too_large',
    `request is ${qualifier}${size} bytes, over the ${MAX_REQUEST_BYTES}-byte limit`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (text.charCodeAt(0) === 0xfeff) {
      throw new RequestError('not_json', 'request is not JSON: it starts with a byte-order mark (U+FEFF)');
    }
    // V8's messages quote the input: keep them short and on one line.
    const why = err instanceof Error ? oneLine(err.message) : 'parse failed';
    throw new RequestError('not_json', `request is not valid JSON: ${elide(why, 80)}`);
  }
}

/** A plain object from any realm: its prototype is null or a realm's Object.prototype. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function validateRequest(value: unknown): MineRequest {
  if (!isPlainObject(value)) {
    throw new RequestError('not_object', `request must be a JSON object, got ${describeValue(value)}`);
  }
  for (const key of REQUIRED_KEYS) {
    if (!Object.hasOwn(value, key)) {
      throw new RequestError('missing_key', `request is missing the required key "${key}"`);
    }
  }
  checkProtocol(value);
  const preimageHex = readPreimageHex(value.preimage_hex);
  const target = readTarget(value.target_hex);
  const nonceWidth = readNonceWidth(value.nonce_width);
  return {
    preimage: hexToBytes(preimageHex),
    preimageHex,
    target,
    effectiveTarget: target < MAX_TARGET ? target : MAX_TARGET,
    nonceWidth,
    protocol: PROTOCOL_VERSION,
  };
}

function checkProtocol(request: Record<string, unknown>): void {
  // Absent means 1; present must be exactly the number 1 (not null, true or "1").
  if (!Object.hasOwn(request, 'protocol')) return;
  const protocol = request.protocol;
  if (typeof protocol !== 'number' || !Number.isInteger(protocol)) {
    throw new RequestError(
      'bad_protocol',
      `protocol must be the integer ${PROTOCOL_VERSION} when present, got ${describeValue(protocol)}`,
    );
  }
  if (protocol !== PROTOCOL_VERSION) {
    throw new RequestError(
      'bad_protocol',
      `unsupported protocol ${protocol}: this miner speaks protocol ${PROTOCOL_VERSION}`,
    );
  }
}

function readPreimageHex(value: unknown): string {
  const chars = PREIMAGE_BYTES * 2;
  if (typeof value !== 'string') {
    throw new RequestError('bad_preimage', `preimage_hex must be a string of ${chars} hex characters, got ${describeValue(value)}`);
  }
  if (value.length !== chars) {
    throw new RequestError(
      'bad_preimage',
      `preimage_hex must be ${chars} hex characters (${PREIMAGE_BYTES} bytes), got ${value.length}`,
    );
  }
  const bad = firstNonHex(value);
  if (bad >= 0) {
    throw new RequestError(
      'bad_preimage',
      `preimage_hex must contain only hex digits 0-9a-fA-F, found ${quoteCharAt(value, bad)} at index ${bad}`,
    );
  }
  return value.toLowerCase();
}

function readTarget(value: unknown): bigint {
  if (typeof value !== 'string') {
    throw new RequestError('bad_target', `target_hex must be a string of hex digits, got ${describeValue(value)}`);
  }
  if (value.length === 0) throw new RequestError('bad_target', 'target_hex must not be empty');
  // No length limit of its own, as in pyrxd: the request cap bounds a wire target
  // to under 4096 digits, and a plain object passed by a library caller gets the
  // same bound here so that both paths accept exactly the same targets.
  if (value.length > MAX_REQUEST_BYTES) {
    throw new RequestError('bad_target', `target_hex must be at most ${MAX_REQUEST_BYTES} hex digits, got ${value.length}`);
  }
  const bad = firstNonHex(value);
  if (bad >= 0) {
    throw new RequestError(
      'bad_target',
      `target_hex must contain only hex digits 0-9a-fA-F (no 0x, sign, space or _), found ${quoteCharAt(value, bad)} at index ${bad}`,
    );
  }
  // '0x' + checked digits: a bare BigInt(s) would read "10" as decimal ten.
  const target = BigInt('0x' + value);
  if (target === 0n) {
    throw new RequestError('bad_target', `target_hex must be greater than zero, got ${describeValue(value)}`);
  }
  return target;
}

function readNonceWidth(value: unknown): NonceWidth {
  // typeof first: true == 1 and "4" == 4 must not pass. 4.0 is the number 4 after JSON.parse.
  if (typeof value !== 'number' || (value !== 4 && value !== 8)) {
    throw new RequestError('bad_nonce_width', `nonce_width must be the number 4 or 8, got ${describeValue(value)}`);
  }
  return value;
}

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

/**
 * The kernel's bound for an effective target: `(0, t_hi, t_lo)`, so that
 * `(h0:h1:h2) < (b0:b1:b2)` as 96-bit numbers is exactly the predicate of docs/design.md §1
 * (`h0 == 0` and `(h1:h2) < t`).
 * @throws RangeError unless `1 <= effectiveTarget <= MAX_TARGET` (clamp first).
 */
export function kernelBound(effectiveTarget: bigint): KernelBound {
  if (typeof effectiveTarget !== 'bigint' || effectiveTarget < 1n || effectiveTarget > MAX_TARGET) {
    throw new RangeError(`effective target must be a bigint in [1, 2^63 - 1], got ${describeValue(effectiveTarget)}`);
  }
  return { b0: 0, b1: Number(effectiveTarget >> 32n), b2: Number(effectiveTarget & 0xffffffffn) };
}

function formatAttempts(attempts: number | bigint): string {
  const ok =
    typeof attempts === 'bigint'
      ? attempts >= 0n && attempts <= BigInt(Number.MAX_SAFE_INTEGER)
      : Number.isSafeInteger(attempts) && attempts >= 0;
  if (!ok) throw new RangeError(`attempts must be a non-negative safe integer, got ${describeValue(attempts)}`);
  // String(-0) is "0"; an integer never takes exponent form below 2^53.
  return String(attempts);
}

function formatSeconds(seconds: number): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`elapsed_s must be a finite number >= 0, got ${describeValue(seconds)}`);
  }
  // Microseconds are plenty (and spare readers 0.30000000000000004); keep it a
  // float literal, as Python's json.dumps writes it (2 -> "2.0").
  const text = String(Math.round(seconds * 1e6) / 1e6);
  return /^\d+$/.test(text) ? text + '.0' : text;
}

/**
 * The success line for stdout, without a trailing newline:
 * `{"nonce_hex":"…","attempts":N,"elapsed_s":F}` (this key order). pyrxd reads it
 * with `json.loads`, so the compact separators are equivalent to its own
 * `", "`/`": "`; it keeps `attempts` only up to 2^40 (larger is reported as 0).
 * @throws RangeError for a nonce outside its width, attempts that are not a
 * non-negative safe integer, or elapsed time that is not finite and >= 0.
 */
export function formatHit(hit: Hit): string {
  const nonceHex = nonceToHex(hit.nonce, hit.nonceWidth);
  return `{"nonce_hex":"${nonceHex}","attempts":${formatAttempts(hit.attempts)},"elapsed_s":${formatSeconds(hit.elapsedS)}}`;
}

/** The exhaustion line for stdout (exit code 2), without a trailing newline: `{"exhausted":true}`. */
export function formatExhausted(): string {
  return '{"exhausted":true}';
}

/**
 * A progress frame for stderr, without a trailing newline:
 * `{"progress":{"attempts":N,"elapsed_s":F}}`. pyrxd drops frames whose attempts
 * exceed 2^40.
 * @throws RangeError as {@link formatHit} does for `attempts` and `elapsedS`.
 */
export function formatProgress(attempts: number | bigint, elapsedS: number): string {
  return `{"progress":{"attempts":${formatAttempts(attempts)},"elapsed_s":${formatSeconds(elapsedS)}}}`;
}
