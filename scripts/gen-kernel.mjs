// Generates the AssemblyScript SHA-256d search kernel, once for WebAssembly SIMD
// (4 nonces per pass, v128 lanes) and once for plain i32 (1 nonce per pass).
//
// Why generate: the hot loop must be 128 fully unrolled rounds on locals, with
// every part that does not depend on the nonce folded into a per-job constant
// (docs/design.md §3). Writing that by hand twice is error-prone; here the symbolic
// tracer of scripts/sha256-trace.mjs (shared with the WGSL generator, gen-wgsl.mjs)
// walks both compressions once, keeps every value as
//   (constant part, nonce-dependent part)
// and emits two things from the same walk:
//   - `prepare(hi)`: scalar code run once per job (and per upper nonce word for
//     V2) that computes the folded constants and stores them in a slot table;
//   - the pass body: vector (or scalar) code for what really depends on the nonce.
// Both builds come from the same trace, so they fold exactly the same way.
//
// Usage: node scripts/gen-kernel.mjs [outDir]   (writes simd.ts, scalar.ts and constants.ts
// into outDir, default assembly/generated; any flag or a second argument is an error)

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scriptArgs, scriptFailure } from './script-args.mjs';
import { IV, K, Tracer, asDialect, hex, traceSha256d } from './sha256-trace.mjs';

function generate(simd) {
  const tr = new Tracer(asDialect(simd));
  const J = (name) => ({ k: 'j', name });
  const H2 = traceSha256d(tr);
  const body = tr.body;

  // Search output: h0 for the filter, h1/h2 only when a lane passes it.
  tr.body = [];
  const h0 = tr.full(H2[0], 'h0_');
  const scanH0 = tr.body;
  tr.body = [];
  const h1 = tr.full(H2[1], 'h1_');
  const h2 = tr.full(H2[2], 'h2_');
  const scanH12 = tr.body;
  const bound0 = tr.ref(J('jb0'));
  // Digest output: all eight words (a separate function: nothing cached from scan's output).
  tr.body = [];
  tr.fullCache = new Map();
  const hs = H2.map((h, i) => tr.full(h, `d${i}_`));
  const digestOut = tr.body;

  return render({ simd, tr, body, scanH0, scanH12, h0, h1, h2, bound0, hs });
}

function render({ simd, tr, body, scanH0, scanH12, h0, h1, h2, bound0, hs }) {
  const V = simd ? 'v128' : 'u32';
  const LANES = simd ? 4 : 1;
  const STRIDE = simd ? 16 : 4;
  const ind = (lines, n) => lines.map((l) => ' '.repeat(n) + l).join('\n');
  const ops = simd
    ? `
// @ts-ignore: decorator
@inline function ld(i: usize): v128 { return v128.load(SLOTS + i * 16); }
// @ts-ignore: decorator
@inline function add(a: v128, b: v128): v128 { return i32x4.add(a, b); }
// @ts-ignore: decorator
@inline function xor(a: v128, b: v128): v128 { return v128.xor(a, b); }
// No SIMD rotate in wasm: two shifts and an or.
// @ts-ignore: decorator
@inline function rot(x: v128, n: i32): v128 { return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n)); }
// @ts-ignore: decorator
@inline function bsig0(x: v128): v128 { return v128.xor(v128.xor(rot(x, 2), rot(x, 13)), rot(x, 22)); }
// @ts-ignore: decorator
@inline function bsig1(x: v128): v128 { return v128.xor(v128.xor(rot(x, 6), rot(x, 11)), rot(x, 25)); }
// @ts-ignore: decorator
@inline function ssig0(x: v128): v128 { return v128.xor(v128.xor(rot(x, 7), rot(x, 18)), i32x4.shr_u(x, 3)); }
// @ts-ignore: decorator
@inline function ssig1(x: v128): v128 { return v128.xor(v128.xor(rot(x, 17), rot(x, 19)), i32x4.shr_u(x, 10)); }
// Ch(e, f, g) = e ? f : g, bit by bit.
// @ts-ignore: decorator
@inline function ch(e: v128, f: v128, g: v128): v128 { return v128.bitselect(f, g, e); }
// Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)); b ^ c is the previous round's a ^ b.
// @ts-ignore: decorator
@inline function majx(b: v128, ab: v128, bc: v128): v128 { return v128.xor(b, v128.and(ab, bc)); }
// @ts-ignore: decorator
@inline function storeSlot(i: usize, x: u32): void { v128.store(SLOTS + i * 16, i32x4.splat(x)); }`
    : `
// @ts-ignore: decorator
@inline function ld(i: usize): u32 { return load<u32>(SLOTS + i * 4); }
// @ts-ignore: decorator
@inline function add(a: u32, b: u32): u32 { return a + b; }
// @ts-ignore: decorator
@inline function xor(a: u32, b: u32): u32 { return a ^ b; }
// @ts-ignore: decorator
@inline function ch(e: u32, f: u32, g: u32): u32 { return g ^ (e & (f ^ g)); }
// @ts-ignore: decorator
@inline function majx(b: u32, ab: u32, bc: u32): u32 { return b ^ (ab & bc); }
// @ts-ignore: decorator
@inline function storeSlot(i: usize, x: u32): void { store<u32>(SLOTS + i * 4, x); }`;

  const lanesCheck = simd
    ? [0, 1, 2, 3].map((l) => `if (off + ${l} < n && isHit(i32x4.extract_lane(${h0.name}, ${l}), i32x4.extract_lane(${h1.name}, ${l}), i32x4.extract_lane(${h2.name}, ${l}))) return found(lo, off + ${l});`)
    : [`if (isHit(${h0.name}, ${h1.name}, ${h2.name})) return found(lo, off);`];
  const filter = simd ? `v128.any_true(i32x4.le_u(${h0.name}, ${bound0}))` : `${h0.name} <= ${bound0}`;
  const w0 = simd
    ? 'const w0 = i8x16.shuffle(nonces, nonces, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);'
    : 'const w0 = bswap<u32>(nonces);';
  const storeDigest = simd
    ? hs.map((h, i) => [0, 1, 2, 3].map((l) => `store<u32>(OUT + ${l * 32 + i * 4}, bswap<u32>(i32x4.extract_lane(${h.name}, ${l})));`).join('\n')).join('\n')
    : hs.map((h, i) => `store<u32>(OUT + ${i * 4}, bswap<u32>(${h.k === 'v' ? h.name : tr.ref(h)}));`).join('\n');

  return `// GENERATED by scripts/gen-kernel.mjs (${simd ? 'SIMD' : 'scalar'} build). Do not edit; edit the generator.
import { compressBlock, initState, bsig0 as bsig0s, bsig1 as bsig1s, ssig0 as ssig0s, ssig1 as ssig1s, ch as chs } from "../sha256";
${simd ? '' : 'import { bsig0, bsig1, ssig0, ssig1 } from "../sha256";'}

/** Nonces hashed per pass of the loop. */
const LANES: i32 = ${LANES};
/** Per-job folded constants (${tr.slots.length} slots of ${STRIDE} bytes). */
const SLOTS: usize = memory.data(${Math.max(1, tr.slots.length) * STRIDE}, 16);
/** The 64-byte preimage, written by the host before setJob. */
const INPUT: usize = memory.data(64, 16);
/** Midstate: SHA-256 state after the preimage block. */
const MID: usize = memory.data(32, 16);
/** Digest output: LANES digests of 32 bytes. */
const OUT: usize = memory.data(${32 * LANES}, 16);

let width: i32 = 4;
let bound0: u32 = 0;
let bound1: u32 = 0;
let bound2: u32 = 0;
let preparedHi: i64 = -1;
let hitLoValue: u32 = 0;
let hitHiValue: u32 = 0;
let scannedValue: f64 = 0;
${ops}

/** Where the host writes the 64-byte preimage. */
export function inputPtr(): usize { return INPUT; }
/** Where digest() writes its output. */
export function outputPtr(): usize { return OUT; }
/** Nonces per pass: 4 for the SIMD build, 1 for the scalar build. */
export function lanes(): i32 { return LANES; }

/**
 * Start a job: midstate of the preimage at inputPtr(), nonce width 4 or 8, and the
 * 96-bit bound (b0:b1:b2); a nonce is a hit iff the top 96 bits of its digest,
 * big-endian, are below it. Returns 0, or -1 for a width other than 4 or 8.
 */
export function setJob(nonceWidth: i32, b0: u32, b1: u32, b2: u32): i32 {
  if (nonceWidth != 4 && nonceWidth != 8) return -1;
  width = nonceWidth;
  bound0 = b0;
  bound1 = b1;
  bound2 = b2;
  initState(MID);
  compressBlock(MID, INPUT);
  preparedHi = -1;
  return 0;
}

/** Fold every nonce-independent value for upper nonce word \`hi\` into the slots. */
function prepare(hi: u32): void {
  const m0 = load<u32>(MID, 0), m1 = load<u32>(MID, 4), m2 = load<u32>(MID, 8), m3 = load<u32>(MID, 12);
  const m4 = load<u32>(MID, 16), m5 = load<u32>(MID, 20), m6 = load<u32>(MID, 24), m7 = load<u32>(MID, 28);
  // Block 2 of the first hash: nonce (LE bytes), 0x80 pad, zeros, bit length.
  const mw1: u32 = width == 8 ? bswap<u32>(hi) : 0x80000000;
  const mw2: u32 = width == 8 ? 0x80000000 : 0;
  const mw15: u32 = width == 8 ? 576 : 544;
  const jb0: u32 = bound0;
${ind(tr.setup, 2)}
${ind(tr.slots.map((e, i) => `storeSlot(${i}, ${e});`), 2)}
  preparedHi = <i64>hi;
}

// @ts-ignore: decorator
@inline function isHit(h0: u32, h1: u32, h2: u32): bool {
  if (h0 != bound0) return h0 < bound0;
  if (h1 != bound1) return h1 < bound1;
  return h2 < bound2;
}

function found(lo: u32, off: u64): i32 {
  hitLoValue = lo + <u32>off;
  scannedValue = <f64>(off + 1);
  return 1;
}

/** Search nonces lo .. lo+n-1 (n <= 2^32, no carry into the upper word). */
function scanSegment(lo: u32, n: u64): i32 {
  let nonces = ${simd ? 'i32x4.add(i32x4.splat(lo), i32x4(0, 1, 2, 3))' : 'lo'};
  for (let off: u64 = 0; off < n; off += ${LANES}) {
    ${w0}
${ind(body, 4)}
${ind(scanH0, 4)}
    if (${filter}) {
${ind(scanH12, 6)}
${ind(lanesCheck, 6)}
    }
    nonces = ${simd ? 'i32x4.add(nonces, i32x4.splat(4))' : 'nonces + 1'};
  }
  scannedValue = <f64>n;
  return 0;
}

/**
 * Search \`count\` nonces upwards from (startHi:startLo) for the lowest hit.
 * The range is clipped to the nonce space (2^32 for width 4, 2^64 for width 8);
 * a V2 range may cross any number of 2^32 boundaries. Returns 1 on a hit
 * (see hitLo/hitHi), else 0; scanned() tells how many nonces were searched.
 */
export function scan(startLo: u32, startHi: u32, count: f64): i32 {
  scannedValue = 0;
  if (!(count >= 1)) return 0;
  let remaining: u64 = count >= 18446744073709551615.0 ? u64.MAX_VALUE : <u64>count;
  if (width == 4) {
    if (startHi != 0) return 0;
    const room = (<u64>1 << 32) - <u64>startLo;
    if (remaining > room) remaining = room;
  } else {
    const start = (<u64>startHi << 32) | <u64>startLo;
    // Room up to 2^64 is (0 - start) mod 2^64, or all of it when start is 0.
    if (start != 0 && remaining > (0 - start)) remaining = 0 - start;
  }
  let lo = startLo;
  let hi = startHi;
  let done: f64 = 0;
  while (remaining > 0) {
    const room = (<u64>1 << 32) - <u64>lo;
    const seg = remaining < room ? remaining : room;
    if (preparedHi != <i64>hi) prepare(hi);
    if (scanSegment(lo, seg)) {
      hitHiValue = hi;
      scannedValue += done;
      return 1;
    }
    done += <f64>seg;
    remaining -= seg;
    lo = 0;
    hi += 1;
  }
  scannedValue = done;
  return 0;
}

/** Low 32 bits of the last hit. */
export function hitLo(): u32 { return hitLoValue; }
/** High 32 bits of the last hit (always 0 for width 4). */
export function hitHi(): u32 { return hitHiValue; }
/** Nonces searched by the last scan: up to and including the hit, or the whole range. */
export function scanned(): f64 { return scannedValue; }

/**
 * Full 32-byte SHA-256d digests of nonces (hi:lo+i) for i < LANES (lo wraps
 * within the same hi), computed by the same folded code as scan(), written to
 * outputPtr() in digest byte order. Returns outputPtr().
 */
export function digest(lo: u32, hi: u32): usize {
  if (preparedHi != <i64>hi) prepare(hi);
  const nonces = ${simd ? 'i32x4.add(i32x4.splat(lo), i32x4(0, 1, 2, 3))' : 'lo'};
  ${w0}
${ind(body, 2)}
${ind(tr.body, 2)}
${ind(storeDigest.split('\n'), 2)}
  return OUT;
}
`;
}

// Strict, so a stray flag is not taken for the output directory.
const { positionals } = scriptArgs({}, scriptFailure('gen-kernel', 'usage: node scripts/gen-kernel.mjs [outDir]'), 1);
const outDir = positionals[0] ?? 'assembly/generated';
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'constants.ts'), `// GENERATED by scripts/gen-kernel.mjs. Do not edit.
/** SHA-256 initial hash value (FIPS 180-4 §5.3.3). */
${IV.map((v, i) => `export const IV${i}: u32 = ${hex(v)};`).join('\n')}

/** Round constants (FIPS 180-4 §4.2.2), as a static table for the cold midstate code. */
export const K_TABLE: usize = memory.data<u32>([
${K.map((v) => hex(v)).join(', ').replace(/((?:0x[0-9a-f]{8}, ){8})/g, '$1\n')}
]);
`);
writeFileSync(join(outDir, 'simd.ts'), generate(true));
writeFileSync(join(outDir, 'scalar.ts'), generate(false));
