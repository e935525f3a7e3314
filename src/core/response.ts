/**
 * The protocol's response lines (docs/protocol.md): the hit and exhaustion
 * lines for stdout, the progress frames for stderr, and the library's
 * response object. A response is formatted once, at the edge that writes it;
 * until then the nonce is a bigint.
 * @module
 */
import { describeValue } from './errors.ts';
import type { MineResponse, SearchOutcome } from './job-api.ts';
import { nonceToHex, type NonceWidth } from './nonce.ts';

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

/**
 * The library's response object for an outcome, as `mine()` resolves:
 * `{nonce_hex, attempts, elapsed_s}` with the figures the hit line would
 * carry, or `{exhausted: true}`.
 */
export function toResponse(outcome: SearchOutcome, nonceWidth: NonceWidth): MineResponse {
  if (!outcome.found) return { exhausted: true };
  // Through formatHit, so the object holds exactly the line's values (elapsed rounded to microseconds).
  return JSON.parse(formatHit({ nonce: outcome.nonce, nonceWidth, attempts: outcome.attempts, elapsedS: outcome.elapsedS })) as MineResponse;
}
