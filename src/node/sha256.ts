/** node:crypto's SHA-256 (OpenSSL, as pyrxd's verifier uses), for re-verifying kernel hits. */
import { createHash } from 'node:crypto';
import type { Sha256Sync } from '../core/verify.ts';

/** SHA-256 of `data` through node:crypto. */
export const nodeSha256: Sha256Sync = (data) => new Uint8Array(createHash('sha256').update(data).digest());
