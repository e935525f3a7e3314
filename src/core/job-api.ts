/**
 * The public shapes of the library API, shared by the Node and browser hosts:
 * the protocol response, progress, a job's options, and the AbortError jobs
 * reject with. Host-neutral, so neither bundle nor its type declarations pull
 * in the other host.
 * @module
 */

/** The protocol response: a verified hit, or exhaustion of the range. */
export type MineResponse = { nonce_hex: string; attempts: number; elapsed_s: number } | { exhausted: true };

/**
 * How a search ended, before any response is formatted: the nonce stays a
 * bigint, with the independent check that confirmed it.
 */
export type SearchOutcome =
  | {
      found: true;
      /** The lowest valid nonce of the range. */
      nonce: bigint;
      /** Nonces hashed, up to and including the hit. */
      attempts: number;
      /** Seconds from the job's start to its answer. */
      elapsedS: number;
      /** The check, independent of the kernel, that confirmed the nonce. */
      check: HitCheck;
    }
  | {
      found: false;
      /** Nonces hashed: the whole range. */
      attempts: number;
      /** Seconds from the job's start to its end. */
      elapsedS: number;
    };

/** What `onProgress` receives, about every 0.5 s. */
export interface MineProgress {
  /** Nonces hashed so far for this job. */
  attempts: number;
  /** Seconds since the job started (paused time included). */
  elapsed_s: number;
  /** Nonces per second, averaged since the start. */
  rate: number;
  /** Every nonce below this one has been searched (the resume point of an interrupted sweep). */
  watermark: bigint;
  /** True on the one report made as the job settles (its final figures); false on the periodic ones. */
  final: boolean;
}

/** The independent check of a hit, made before anyone sees the nonce. */
export interface HitCheck {
  /** The nonce the kernel reported. */
  nonce: bigint;
  /** Whether the check confirms it meets the target. */
  valid: boolean;
  /** sha256(sha256(preimage || nonce)), lowercase hex. */
  digestHex: string;
  /** The SHA-256 that computed it: independent of the kernel. */
  sha256: 'node:crypto' | 'WebCrypto' | 'built-in';
}

/** Options of one job. */
export interface JobOptions {
  /** Aborting rejects the job with the signal's reason (a DOMException named AbortError by default). */
  signal?: AbortSignal;
  /** Called about every 0.5 s while the job runs, and once more with the final figures as it ends (before it settles). */
  onProgress?: (progress: MineProgress) => void;
  /** Called with the independent check of the hit, just before the job resolves with it. */
  onVerified?: (check: HitCheck) => void;
  /** First nonce of the range (default 0). */
  start?: bigint | number;
  /** Nonces in the range (default: to the end of the request's nonce space). */
  count?: bigint | number;
}

/** The error a job rejects with when it is aborted or its miner is closed: what `fetch` uses. */
export function abortError(message = 'This operation was aborted'): DOMException {
  return new DOMException(message, 'AbortError');
}

/**
 * A range bound given as a bigint or a number, as a bigint.
 * @throws RangeError for a number that is not a safe integer (a fraction would silently shift the range).
 */
export function toBigInt(value: bigint | number | undefined, name: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return BigInt(value);
}
