// Scalar SHA-256 pieces used outside the hot loop: the per-job midstate and the
// per-segment constant folding. The hot loop itself is generated (see
// scripts/gen-kernel.mjs) so that every round is straight-line code on locals;
// the generator also writes the constants (K, IV) so the kernel has one copy.

import { IV0, IV1, IV2, IV3, IV4, IV5, IV6, IV7, K_TABLE } from "./generated/constants";

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
