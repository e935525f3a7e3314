/**
 * The SHA-256 a browser re-verifies hits with, independent of the kernel:
 * WebCrypto where the context has it (secure contexts: https, localhost), the
 * core's pure-TS SHA-256 where `crypto.subtle` is missing (plain http to a LAN
 * address).
 * @module
 */
import { sha256 as builtinSha256 } from '../core/sha256.ts';
import type { Sha256 } from '../core/verify.ts';
import type { HitCheck } from '../core/job-api.ts';

/** The part of `globalThis.crypto` this module uses. */
export interface SubtleHost {
  crypto?: { subtle?: Pick<SubtleCrypto, 'digest'> };
}

/** A host SHA-256 and its name, for the page's "verified with" mark. */
export interface HostSha256 {
  /** `'WebCrypto'` or `'built-in'` (the core's pure-TS SHA-256). */
  name: Exclude<HitCheck['sha256'], 'node:crypto'>;
  /** SHA-256 of `data`. */
  digest: Sha256;
}

/**
 * Pick the SHA-256: `crypto.subtle.digest('SHA-256')` when `host` has it, else the
 * core's pure-TS one. `host` is a parameter so tests can take WebCrypto away.
 */
export function hostSha256(host: SubtleHost = globalThis as SubtleHost): HostSha256 {
  const subtle = host.crypto?.subtle;
  if (subtle && typeof subtle.digest === 'function') {
    return {
      name: 'WebCrypto',
      digest: async (data) => new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)),
    };
  }
  return { name: 'built-in', digest: builtinSha256 };
}
