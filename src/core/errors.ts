/**
 * Errors raised while reading a mining request, and the helpers that keep their
 * messages short, single-line and safe to print.
 * @module
 */

/**
 * Why a request was refused, one code per rule of the wire contract (docs/protocol.md),
 * listed in the order the rules are checked.
 *
 * - `too_large`: more than 4096 bytes of UTF-8 (`MAX_REQUEST_BYTES`).
 * - `not_utf8`: the bytes are not strict UTF-8.
 * - `not_json`: the text is not JSON (a leading byte-order mark counts as not JSON).
 * - `not_object`: the JSON value is not an object (array, null, number, string, boolean).
 * - `missing_key`: `preimage_hex`, `target_hex` or `nonce_width` is absent.
 * - `bad_protocol`: `protocol` is present and is not the integer 1.
 * - `bad_preimage`: `preimage_hex` is not 128 hex characters.
 * - `bad_target`: `target_hex` is not non-empty hex, or is zero.
 * - `bad_nonce_width`: `nonce_width` is not the number 4 or 8.
 */
export type RequestErrorCode =
  | 'too_large'
  | 'not_utf8'
  | 'not_json'
  | 'not_object'
  | 'missing_key'
  | 'bad_protocol'
  | 'bad_preimage'
  | 'bad_target'
  | 'bad_nonce_width';

/**
 * A request that breaks the wire contract. The CLI maps it to exit code 1 with
 * `message` on stderr; programs branch on `code`, never on the message text.
 * Messages are one line and quote at most about 80 characters of the input.
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  /** Which rule was broken; stable across releases. */
  readonly code: RequestErrorCode;

  /**
   * @param code - the broken rule.
   * @param message - one line, naming the offending key.
   */
  constructor(code: RequestErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Longest slice of user input that a message may quote. */
const QUOTE_CHARS = 60;

/**
 * Shortens `text` to at most `max` characters, marking the cut with `…`.
 * Never splits a surrogate pair.
 */
export function elide(text: string, max: number = QUOTE_CHARS): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  // Do not leave half of a surrogate pair at the end.
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return text.slice(0, cut) + '…';
}

/**
 * Describes any value for a "got …" clause: strings are quoted as JSON (so
 * control characters and line breaks are escaped and the message stays on one
 * line) and elided; other values are named by type.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(elide(value));
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return elide(`${value}n`);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || Object.getPrototypeOf(proto) === null) return 'an object';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an object (${elide(name, 40)})` : 'an object';
}

/** Collapses control characters and line separators so a message is one line. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/**
 * An implementation of SHA-256 independent of the kernel (node:crypto,
 * WebCrypto, the core's pure-TS one) did not confirm a nonce the kernel
 * reported: an internal error, never shown or returned as a result.
 */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
}
