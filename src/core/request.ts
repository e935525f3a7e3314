/**
 * The request of pyrxd's external-miner protocol v1 (docs/protocol.md): the
 * limits it is read under, and {@link parseRequest}, which reads and checks
 * one, from bytes, text or a parsed object.
 * @module
 */
import { firstNonHex, hexToBytes, quoteCharAt } from './bytes.ts';
import { RequestError, describeValue, elide, oneLine } from './errors.ts';
import type { NonceWidth } from './nonce.ts';

/** Largest request accepted, in bytes of UTF-8 (pyrxd `MAX_REQUEST_BYTES`). */
export const MAX_REQUEST_BYTES = 4096;

/**
 * The on-chain target ceiling, `2^63 - 1` (pyrxd `MAX_SHA256D_TARGET`, difficulty 1).
 * Larger targets are clamped to it, never rejected.
 */
export const MAX_TARGET = 0x7fffffffffffffffn;

/** The only wire-protocol version this miner speaks. */
export const PROTOCOL_VERSION = 1;

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


/**
 * Whether `value` has the shape {@link parseRequest} returns: what a search
 * may run on. A guard for JavaScript callers that pass the protocol's JSON
 * where a parsed request is due.
 */
export function isParsedRequest(value: unknown): value is MineRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<MineRequest>;
  return (
    ArrayBuffer.isView(r.preimage) && r.preimage.byteLength === PREIMAGE_BYTES
    && (r.nonceWidth === 4 || r.nonceWidth === 8)
    && typeof r.effectiveTarget === 'bigint' && r.effectiveTarget >= 1n && r.effectiveTarget <= MAX_TARGET
  );
}
