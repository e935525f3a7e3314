// Typed access to fixtures/pyrxd-vectors.json and the two SHA-256 back ends the
// differential tests compare. Not a test file itself.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Check {
  label: string;
  target_hex: string;
  valid: boolean;
}

export interface PrefixHit {
  nonce_int_le: number;
  nonce_hex: string;
  value_hex: string;
  valid_at_max_target: boolean;
}

export interface PowVector {
  id: string;
  preimage_hex: string;
  nonce_width: 4 | 8;
  nonce_hex: string;
  nonce_int_le: number;
  digest_hex: string;
  prefix_zero: boolean;
  value_hex: string;
  valid_at_max_target: boolean;
  checks: Check[];
  prefix_hits_in_0_to_nonce?: PrefixHit[];
  prefix_hits_in_scanned_range?: PrefixHit[];
  lowest_valid_nonce_from_0: string | null;
}

export interface NegativeVector {
  id: string;
  preimage_hex: string;
  nonce_width: 4 | 8;
  nonce_hex: string;
  digest_hex: string;
  valid_at_max_target: boolean;
}

export interface ComparisonCase {
  digest_prefix_zero: boolean;
  value_hex: string;
  target_int_str: string;
  valid: boolean;
  source: string;
}

export interface ByDifficulty {
  difficulty: number;
  target_hex: string;
  expected_attempts: number;
  v1_no_solution_fraction: number;
}

export interface Fixture {
  constants: { MAX_SHA256D_TARGET_hex: string; MAX_REQUEST_BYTES: number; PROTOCOL_VERSION: number };
  pow_vectors: PowVector[];
  negative_vectors: NegativeVector[];
  comparison_cases: ComparisonCase[];
  conformance_v2_contract_targets: { id: string; difficulty: number; target_hex: string; expected_attempts: number }[];
  statistics: {
    difficulty_1_target_hex: string;
    p_per_attempt_difficulty_1: number;
    expected_attempts_difficulty_1: number;
    pyrxd_estimate_attempts_quantiles_difficulty_1: Record<'0.5' | '0.9' | '0.99', number>;
    v1_no_solution_fraction_difficulty_1: number;
    v1_has_solution_fraction_difficulty_1: number;
    by_difficulty: ByDifficulty[];
    prefix_only_probability: number;
  };
}

export const fixture: Fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/pyrxd-vectors.json', import.meta.url), 'utf8'),
);

/** The fixture's proof-of-work vector whose id starts with `prefix`. */
export function vectorById(prefix: string): PowVector {
  const v = fixture.pow_vectors.find((p) => p.id.startsWith(prefix));
  if (!v) throw new Error(`no fixture vector ${prefix}`);
  return v;
}

/** The request JSON for that vector's preimage and width, at `target` (by default difficulty 1). */
export function vectorRequest(prefix: string, target = '7fffffffffffffff'): string {
  const v = vectorById(prefix);
  return JSON.stringify({ preimage_hex: v.preimage_hex, target_hex: target, nonce_width: v.nonce_width });
}

/** node:crypto's SHA-256 (OpenSSL: the primitive pyrxd's verifier uses through hashlib). */
export function nodeSha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function unhex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** A syntactically valid request object for the wire. */
export function validRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { preimage_hex: 'ab'.repeat(64), target_hex: '7fffffffffffffff', nonce_width: 4, ...extra };
}
