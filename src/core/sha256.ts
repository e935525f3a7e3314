/**
 * A plain, portable SHA-256 (FIPS 180-4) for hosts with neither node:crypto nor
 * WebCrypto (pages served over plain http have no `crypto.subtle`).
 *
 * It exists to re-check the kernel's answers, so it is written independently of
 * the kernel (no midstate, no folded constants, no shared tables) and favours
 * clarity over speed. It allocates per call, never per byte.
 * @module
 */

import { abytes } from './bytes.ts';

// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// First 32 bits of the fractional parts of the square roots of the first 8 primes.
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** One compression of the 64-byte block at `block[offset..offset+64)` into `state`. */
function compress(state: Uint32Array, w: Uint32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++, offset += 4) {
    w[i] = (block[offset] << 24) | (block[offset + 1] << 16) | (block[offset + 2] << 8) | block[offset + 3];
  }
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15];
    const w2 = w[i - 2];
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1; // the Uint32Array store reduces mod 2^32
  }
  let a = state[0], b = state[1], c = state[2], d = state[3];
  let e = state[4], f = state[5], g = state[6], h = state[7];
  for (let i = 0; i < 64; i++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[i] + w[i]) | 0;
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] += a; state[1] += b; state[2] += c; state[3] += d;
  state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

/**
 * SHA-256 of `data`, a new 32-byte array.
 * @throws TypeError if `data` is not a Uint8Array.
 */
export function sha256(data: Uint8Array): Uint8Array {
  abytes(data, undefined, 'data');
  const state = new Uint32Array(IV);
  const w = new Uint32Array(64);
  const length = data.length;
  const full = length - (length % 64);
  for (let offset = 0; offset < full; offset += 64) compress(state, w, data, offset);

  // Padding: the rest, 0x80, zeros, then the length in bits as a big-endian u64.
  const tail = new Uint8Array(128);
  tail.set(data.subarray(full));
  tail[length - full] = 0x80;
  const tailLength = length - full < 56 ? 64 : 128;
  const bitsHigh = Math.floor(length / 0x20000000); // length * 8 / 2^32, exact below 2^53
  const bitsLow = (length * 8) >>> 0;
  writeU32(tail, tailLength - 8, bitsHigh);
  writeU32(tail, tailLength - 4, bitsLow);
  for (let offset = 0; offset < tailLength; offset += 64) compress(state, w, tail, offset);

  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) writeU32(out, 4 * i, state[i]);
  return out;
}

function writeU32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = value >>> 16;
  out[offset + 2] = value >>> 8;
  out[offset + 3] = value;
}
