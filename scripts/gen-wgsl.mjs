// Generates the WebGPU (WGSL) SHA-256d search kernel from the same symbolic trace
// as the AssemblyScript kernel (scripts/sha256-trace.mjs): straight-line rounds, a
// rolling schedule, literal K, IV and padding, and every nonce-independent value
// folded.
//
// Why generate rather than write a loop: GPU compilers (and above all software
// ones such as Mesa's llvmpipe, which runs each invocation as SIMD lanes on the
// CPU) turn a loop over dynamically indexed array<u32, 64> into scratch-memory
// traffic; 128 unrolled rounds on named values stay in registers. The trace also
// folds what no compiler can, since it depends on the preimage: the midstate, the
// partial sums of the first rounds and of the schedule. Those are per-job values,
// computed on the GPU by the module's `prepare` entry point (the host keeps no
// SHA-256 of its own, so the hit verifier stays independent of this kernel) and
// read by `search` and `digest` from the `fold` buffer.
//
// One module serves both nonce widths: the words of the second block that depend
// on the width (W1, W2, W15, and the upper nonce word in W1 for V2) are per-job
// constants like the midstate, so `prepare` folds them. Per-width modules with those
// words as literals were measured too: about the same per-nonce work (the trace
// folds them either way: 6123 against 6125 operations; on llvmpipe 0-3% faster,
// within the noise), but twice the pipelines to compile, and a big straight-line
// pipeline takes seconds to compile under SwiftShader (Chromium's software
// adapter: 12 s for search and digest of two widths).
//
// Three entry points over one bind group:
//   prepare  (1 invocation)  midstate of job.block, then the folded constants of
//                            job.width and upper word job.hi, into `fold`;
//   search                   NONCES_PER_INVOCATION nonces per invocation, the full
//                            96-bit bound compared here, lowest hit by atomicMin;
//   digest                   every digest word of each nonce, for tests.
//
// Usage: node scripts/gen-wgsl.mjs [--workgroup=N] [--nonces=N] [outFile]
// (default src/gpu/generated/wgsl.ts; the flags exist to measure variants).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { scriptArgs, scriptFailure } from './script-args.mjs';
import { IV, K, Tracer, hex, traceSha256d } from './sha256-trace.mjs';

/**
 * Measured on Mesa's llvmpipe (Dawn, OpenGL ES backend), which runs a workgroup as
 * one task of its thread pool: 256 invocations per workgroup beat 128 and 64 (the
 * per-task cost is spread wider). It is the WGSL's default for the override
 * WORKGROUP; src/gpu/kernel.ts lowers it where a device allows fewer (a
 * compatibility-level device allows 128 unless asked for more). One nonce per
 * invocation: two unrolled copies of the body outgrow the instruction cache, and a
 * loop around it is several times slower under llvmpipe.
 */
const DEFAULT_WORKGROUP = 256;
const DEFAULT_NONCES = 1;

const lit = (v) => `${hex(v)}u`;

/** WGSL: the trace's values are u32 `let`s; job constants are read from `fold`. */
const wgslDialect = {
  hex: lit,
  setupDecl: (name, expr) => `let ${name}: u32 = ${expr};`,
  setupCall: (fn, e) => {
    if (fn === 'xor') return `${e[0]} ^ ${e[1]}`;
    if (fn === 'majx') return `${e[0]} ^ (${e[1]} & ${e[2]})`;
    return `${fn}(${e.join(', ')})`;
  },
  bodyDecl: (name, expr) => `let ${name} = ${expr};`,
  bodyCall: (fn, r) => {
    if (fn === 'add') return `${r[0]} + ${r[1]}`;
    if (fn === 'xor') return `${r[0]} ^ ${r[1]}`;
    return `${fn}(${r.join(', ')})`;
  },
  literal: lit,
  slot: (i) => `fold[${i}]`,
};

/** The trace: the per-job setup, the folded slots and the per-nonce body. */
function trace() {
  const tr = new Tracer(wgslDialect);
  const H2 = traceSha256d(tr);
  const body = tr.body;
  // The search needs the first three words only; nothing else of round 63 is live.
  tr.body = [];
  const h = [0, 1, 2].map((i) => tr.full(H2[i], `h${i}_`));
  const searchOut = tr.body;
  tr.body = [];
  tr.fullCache = new Map();
  const d = H2.map((x, i) => tr.full(x, `d${i}_`));
  const digestOut = tr.body;
  const name = (a) => (a.k === 'v' ? a.name : tr.ref(a));
  return { tr, body, searchOut, h: h.map(name), digestOut, d: d.map(name) };
}

function render(workgroup, nonces) {
  const { tr, body, searchOut, h, digestOut, d } = trace();
  const ind = (lines, n) => lines.map((l) => ' '.repeat(n) + l).join('\n');
  const slots = Math.max(1, tr.slots.length);
  const one = (index) => [
    `let h = hash(bswap(job.lo + ${index}));`,
    `if (h.x <= job.b0 && ${index} < job.count && below(h)) { atomicMin(&lowest, ${index}); }`,
  ];
  // Several nonces per invocation as a loop, not unrolled: two copies of the body
  // outgrow the CPU's instruction cache under llvmpipe.
  const perInvocation = nonces === 1 ? one('first') : [`for (var k = 0u; k < ${nonces}u; k++) {`, ...one('first + k').map((l) => `  ${l}`), `}`];
  return `
// SHA-256d search kernel for 4-byte (V1) and 8-byte (V2) nonces.
struct Job {
  block: array<u32, 16>,     // the preimage as big-endian words
  width: u32,                // nonce bytes: 4 or 8
  hi: u32,                   // the nonce's upper word (width 8), fixed per dispatch
  lo: u32,                   // the dispatch's first nonce, lower word
  count: u32,                // nonces in the dispatch
  b0: u32, b1: u32, b2: u32, // hit iff (h0:h1:h2) < (b0:b1:b2) as 96-bit numbers
  row: u32,                  // invocations per row of workgroups
}

@group(0) @binding(0) var<storage, read> job: Job;
// Per-job folded constants, written by prepare.
@group(0) @binding(1) var<storage, read_write> fold: array<u32, ${slots}>;
@group(0) @binding(2) var<storage, read_write> lowest: atomic<u32>;
@group(0) @binding(3) var<storage, read_write> digests: array<u32>;

// Only the cold midstate code indexes these; the hot code has them as literals.
const K = array<u32, 64>(${K.map(lit).join(', ')});
const IV = array<u32, 8>(${IV.map(lit).join(', ')});

// Invocations per workgroup of search and digest; the host may lower it to the device's limit.
override WORKGROUP: u32 = ${workgroup}u;

fn rotr(x: u32, n: u32) -> u32 { return (x >> n) | (x << (32u - n)); }
fn bsig0(x: u32) -> u32 { return rotr(x, 2u) ^ rotr(x, 13u) ^ rotr(x, 22u); }
fn bsig1(x: u32) -> u32 { return rotr(x, 6u) ^ rotr(x, 11u) ^ rotr(x, 25u); }
fn ssig0(x: u32) -> u32 { return rotr(x, 7u) ^ rotr(x, 18u) ^ (x >> 3u); }
fn ssig1(x: u32) -> u32 { return rotr(x, 17u) ^ rotr(x, 19u) ^ (x >> 10u); }
// Ch(e, f, g) = e ? f : g, bit by bit.
fn ch(e: u32, f: u32, g: u32) -> u32 { return g ^ (e & (f ^ g)); }
// Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)); b ^ c is the previous round's a ^ b.
fn majx(b: u32, ab: u32, bc: u32) -> u32 { return b ^ (ab & bc); }
// Little-endian nonce bytes read as a big-endian message word.
fn bswap(x: u32) -> u32 { return (x << 24u) | ((x & 0xff00u) << 8u) | ((x >> 8u) & 0xff00u) | (x >> 24u); }

// The preimage block's compression, once per job: a plain loop is fine here.
fn midstate() -> array<u32, 8> {
  var w: array<u32, 64>;
  for (var i = 0u; i < 16u; i++) { w[i] = job.block[i]; }
  for (var i = 16u; i < 64u; i++) { w[i] = ssig1(w[i - 2u]) + w[i - 7u] + ssig0(w[i - 15u]) + w[i - 16u]; }
  var s = IV;
  for (var i = 0u; i < 64u; i++) {
    let t1 = s[7] + bsig1(s[4]) + ch(s[4], s[5], s[6]) + K[i] + w[i];
    let t2 = bsig0(s[0]) + majx(s[1], s[0] ^ s[1], s[1] ^ s[2]);
    s = array<u32, 8>(t1 + t2, s[0], s[1], s[2], s[3] + t1, s[4], s[5], s[6]);
  }
  for (var i = 0u; i < 8u; i++) { s[i] += IV[i]; }
  return s;
}

@compute @workgroup_size(1)
fn prepare() {
  let m = midstate();
  let m0 = m[0]; let m1 = m[1]; let m2 = m[2]; let m3 = m[3];
  let m4 = m[4]; let m5 = m[5]; let m6 = m[6]; let m7 = m[7];
  // The second block after the nonce's low word: V1 pads at once, V2 has the upper word first.
  let v2 = job.width == 8u;
  let mw1 = select(0x80000000u, bswap(job.hi), v2);
  let mw2 = select(0u, 0x80000000u, v2);
  let mw15 = select(544u, 576u, v2); // (64 + width) bytes, in bits
${ind(tr.setup, 2)}
${ind(tr.slots.map((e, i) => `fold[${i}] = ${e};`), 2)}
}

// sha256d of the nonce whose first message word is w0: the digest's first three words.
fn hash(w0: u32) -> vec3<u32> {
${ind(body, 2)}
${ind(searchOut, 2)}
  return vec3<u32>(${h.join(', ')});
}

fn below(h: vec3<u32>) -> bool {
  if (h.x != job.b0) { return h.x < job.b0; }
  if (h.y != job.b1) { return h.y < job.b1; }
  return h.z < job.b2;
}

// ${nonces} nonce(s) per invocation; an index past the dispatch is hashed but never reported.
@compute @workgroup_size(WORKGROUP)
fn search(@builtin(global_invocation_id) id: vec3<u32>) {
  let first = (id.y * job.row + id.x) * ${nonces}u;
${ind(perInvocation, 2)}
}

// All eight digest words of each nonce of the dispatch (one per invocation), for tests.
@compute @workgroup_size(WORKGROUP)
fn digest(@builtin(global_invocation_id) id: vec3<u32>) {
  let index = id.y * job.row + id.x;
  if (index >= job.count) { return; }
  let w0 = bswap(job.lo + index);
${ind(body, 2)}
${ind(digestOut, 2)}
${ind(d.map((x, i) => `digests[index * 8u + ${i}u] = ${x};`), 2)}
}
`;
}

const { values, positionals } = scriptArgs(
  { workgroup: { type: 'string' }, nonces: { type: 'string' } },
  scriptFailure('gen-wgsl', 'usage: node scripts/gen-wgsl.mjs [--workgroup=N] [--nonces=N] [outFile]'),
  1,
);
const workgroup = Number(values.workgroup ?? DEFAULT_WORKGROUP);
const nonces = Number(values.nonces ?? DEFAULT_NONCES);
if (![32, 64, 128, 256].includes(workgroup)) scriptFailure('gen-wgsl', 'workgroup must be 32, 64, 128 or 256')(`got ${values.workgroup}`);
if (![1, 2, 4].includes(nonces)) scriptFailure('gen-wgsl', 'nonces must be 1, 2 or 4')(`got ${values.nonces}`);
const outFile = positionals[0] ?? 'src/gpu/generated/wgsl.ts';
const wgsl = render(workgroup, nonces);
if (/[`\\]|\$\{/.test(wgsl)) throw new Error('gen-wgsl: the WGSL must fit in a template literal');
const foldWords = Number(/fold: array<u32, (\d+)>;/.exec(wgsl)[1]);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `// GENERATED by scripts/gen-wgsl.mjs. Do not edit; edit the generator.
/**
 * The WGSL SHA-256d search kernel: one module for both nonce widths, with the
 * entry points \`prepare\`, \`search\` and \`digest\` over one bind group.
 * @module
 */

/** Invocations per workgroup of \`search\` and \`digest\`: the default of their override \`WORKGROUP\`. */
export const WGSL_WORKGROUP = ${workgroup};

/** Nonces one \`search\` invocation hashes (\`digest\` does one). */
export const WGSL_NONCES_PER_INVOCATION = ${nonces};

/** u32 words of the \`fold\` buffer (per-job constants). */
export const WGSL_FOLD_WORDS = ${foldWords};

/** u32 words of the \`job\` buffer: 16 preimage words and 8 parameters. */
export const WGSL_JOB_WORDS = 24;

/** The WGSL source. */
export const WGSL_KERNEL = /* wgsl */ \`${wgsl}\`;
`);
