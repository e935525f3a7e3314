// Scalar SHA-256 pieces used outside the hot loop: the per-job midstate and the
// per-segment constant folding. The hot loop itself is generated (see
// scripts/gen-kernel.mjs) so that every round is straight-line code on locals.

/** SHA-256 initial hash value (FIPS 180-4 §5.3.3). */
export const IV0: u32 = 0x6a09e667;
export const IV1: u32 = 0xbb67ae85;
export const IV2: u32 = 0x3c6ef372;
export const IV3: u32 = 0xa54ff53a;
export const IV4: u32 = 0x510e527f;
export const IV5: u32 = 0x9b05688c;
export const IV6: u32 = 0x1f83d9ab;
export const IV7: u32 = 0x5be0cd19;

/** Round constants, as a static table (read only by the cold midstate code). */
const K_TABLE: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// @ts-ignore: decorator
@inline export function bsig0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
// @ts-ignore: decorator
@inline export function bsig1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
// @ts-ignore: decorator
@inline export function ssig0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
// @ts-ignore: decorator
@inline export function ssig1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }
// @ts-ignore: decorator
@inline export function ch(e: u32, f: u32, g: u32): u32 { return g ^ (e & (f ^ g)); }
// @ts-ignore: decorator
@inline export function maj(a: u32, b: u32, c: u32): u32 { return (a & b) ^ (a & c) ^ (b & c); }

/** Scratch message schedule for the cold compression (64 words). */
const W_SCRATCH: usize = memory.data(64 * 4, 16);

/**
 * One SHA-256 compression of the 64-byte big-endian block at `block` into the
 * eight-word state at `state` (both in linear memory). Used once per job for the
 * preimage midstate, so clarity beats speed here.
 */
export function compressBlock(state: usize, block: usize): void {
  for (let t = 0; t < 16; t++) {
    store<u32>(W_SCRATCH + (<usize>t << 2), bswap<u32>(load<u32>(block + (<usize>t << 2))));
  }
  for (let t = 16; t < 64; t++) {
    const w = ssig1(load<u32>(W_SCRATCH + (<usize>(t - 2) << 2)))
      + load<u32>(W_SCRATCH + (<usize>(t - 7) << 2))
      + ssig0(load<u32>(W_SCRATCH + (<usize>(t - 15) << 2)))
      + load<u32>(W_SCRATCH + (<usize>(t - 16) << 2));
    store<u32>(W_SCRATCH + (<usize>t << 2), w);
  }
  let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let e = load<u32>(state, 16), f = load<u32>(state, 20), g = load<u32>(state, 24), h = load<u32>(state, 28);
  for (let t = 0; t < 64; t++) {
    const t1 = h + bsig1(e) + ch(e, f, g) + load<u32>(K_TABLE + (<usize>t << 2)) + load<u32>(W_SCRATCH + (<usize>t << 2));
    const t2 = bsig0(a) + maj(a, b, c);
    h = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  store<u32>(state, load<u32>(state, 0) + a, 0);
  store<u32>(state, load<u32>(state, 4) + b, 4);
  store<u32>(state, load<u32>(state, 8) + c, 8);
  store<u32>(state, load<u32>(state, 12) + d, 12);
  store<u32>(state, load<u32>(state, 16) + e, 16);
  store<u32>(state, load<u32>(state, 20) + f, 20);
  store<u32>(state, load<u32>(state, 24) + g, 24);
  store<u32>(state, load<u32>(state, 28) + h, 28);
}

/** Write the SHA-256 initial hash value into the eight words at `state`. */
export function initState(state: usize): void {
  store<u32>(state, IV0, 0);
  store<u32>(state, IV1, 4);
  store<u32>(state, IV2, 8);
  store<u32>(state, IV3, 12);
  store<u32>(state, IV4, 16);
  store<u32>(state, IV5, 20);
  store<u32>(state, IV6, 24);
  store<u32>(state, IV7, 28);
}
