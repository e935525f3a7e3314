// The SHA-256 tables and the symbolic tracer shared by the kernel generators:
// scripts/gen-kernel.mjs (AssemblyScript, SIMD and scalar) and scripts/gen-wgsl.mjs
// (WebGPU). Both kernels fold the same way because they come from the same trace.
//
// The tracer walks SHA-256 compressions once, keeping every value as
//   (constant part, nonce-dependent part)
// and records two programs from the same walk:
//   - setup: code run once per job (and per upper nonce word for V2) that computes
//     the folded constants, which the hot code reads from a slot table;
//   - body: the code that really depends on the nonce.
// What the text looks like is the dialect's business (see Dialect below), so one
// trace can be printed as AssemblyScript or as WGSL.

/** Round constants (FIPS 180-4 §4.2.2). */
export const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
/** Initial hash value (FIPS 180-4 §5.3.3). */
export const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

// ---- JS evaluation of static (compile-time) constants -------------------------
export const u32 = (x) => x >>> 0;
export const rotr = (x, n) => u32((x >>> n) | (x << (32 - n)));
export const jsFn = {
  bsig0: (x) => u32(rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22)),
  bsig1: (x) => u32(rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25)),
  ssig0: (x) => u32(rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)),
  ssig1: (x) => u32(rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10)),
};
export const hex = (v) => '0x' + u32(v).toString(16).padStart(8, '0');

/**
 * How a trace is printed. Functions of values are named ch, xor, majx, bsig0,
 * bsig1, ssig0, ssig1 (and add in the body).
 * @typedef {object} Dialect
 * @property {(v: number) => string} hex          a static constant inside setup code
 * @property {(name: string, expr: string) => string} setupDecl  one setup statement
 * @property {(fn: string, args: string[]) => string} setupCall  a function of job constants
 * @property {(name: string, expr: string) => string} bodyDecl   one body statement
 * @property {(fn: string, args: string[]) => string} bodyCall   a function (or add) in the body
 * @property {((v: number) => string) | null} literal  a static constant in the body, or null to load it from a slot
 * @property {(i: number) => string} slot         a slot-table load in the body
 */

/** AssemblyScript: the SIMD build loads every constant from the slot table (a splat load beats rebuilding v128.const). */
export function asDialect(simd) {
  return {
    hex,
    setupDecl: (name, expr) => `const ${name}: u32 = ${expr};`,
    setupCall: (fn, e) => {
      if (fn === 'ch') return `chs(${e[0]}, ${e[1]}, ${e[2]})`;
      if (fn === 'xor') return `${e[0]} ^ ${e[1]}`;
      if (fn === 'majx') return `${e[0]} ^ (${e[1]} & ${e[2]})`;
      return `${fn}s(${e[0]})`;
    },
    bodyDecl: (name, expr) => `const ${name} = ${expr};`,
    bodyCall: (fn, r) => `${fn}(${r.join(', ')})`,
    literal: simd ? null : (v) => `<u32>${hex(v)}`,
    slot: (i) => `ld(${i})`,
  };
}

// ---- Values ----------------------------------------------------------------------
// An atom is one of
//   {k:'s', v}     a static constant known now
//   {k:'j', name}  a per-job constant: a scalar local of the setup code
//   {k:'v', name}  a nonce-dependent local of the body
// A Sum is {c: atom|null (constant part, static or job), v: [var atoms]}; a named
// value is kept as a Sum with at most one var atom so no var work is repeated.

export class Tracer {
  /** @param {Dialect} dialect */
  constructor(dialect) {
    this.d = dialect;
    this.setup = [];   // setup statements
    this.body = [];    // statements of the body
    this.slots = [];   // {expr} setup expression stored into slot i
    this.slotOf = new Map();
    this.n = 0;
    this.fullCache = new Map();
  }
  fresh(prefix) { return `${prefix}${this.n++}`; }

  // -- constants
  jobLocal(expr, hint = 'j') {
    const name = this.fresh(hint);
    this.setup.push(this.d.setupDecl(name, expr));
    return { k: 'j', name };
  }
  constExpr(a) { return a.k === 's' ? this.d.hex(a.v) : a.name; }
  /** Sum of constant atoms, folded now where all are static. */
  constSum(atoms) {
    let s = 0;
    const jobs = [];
    for (const a of atoms) {
      if (!a) continue;
      if (a.k === 's') s = u32(s + a.v);
      else jobs.push(a);
    }
    if (jobs.length === 0) return s === 0 ? null : { k: 's', v: s };
    const parts = jobs.map((a) => a.name);
    if (s !== 0) parts.push(this.d.hex(s));
    if (parts.length === 1) return jobs[0];
    return this.jobLocal(parts.join(' + '));
  }
  constFn(fn, args) {
    if (args.every((a) => a.k === 's')) {
      const v = args.map((a) => a.v);
      if (fn === 'ch') return { k: 's', v: u32(v[2] ^ (v[0] & (v[1] ^ v[2]))) };
      if (fn === 'xor') return { k: 's', v: u32(v[0] ^ v[1]) };
      if (fn === 'majx') return { k: 's', v: u32(v[0] ^ (v[1] & v[2])) };
      return { k: 's', v: jsFn[fn](v[0]) };
    }
    return this.jobLocal(this.d.setupCall(fn, args.map((a) => this.constExpr(a))));
  }

  // -- operands of the body
  /** Expression text for an atom used inside the body. */
  ref(a) {
    if (a.k === 'v') return a.name;
    if (this.d.literal && a.k === 's') return this.d.literal(a.v);
    const key = a.k === 's' ? `s:${a.v}` : `j:${a.name}`;
    let i = this.slotOf.get(key);
    if (i === undefined) {
      i = this.slots.length;
      this.slots.push(this.constExpr(a));
      this.slotOf.set(key, i);
    }
    return this.d.slot(i);
  }
  varLocal(expr, hint) {
    const name = this.fresh(hint);
    this.body.push(this.d.bodyDecl(name, expr));
    return { k: 'v', name };
  }

  // -- sums
  sum(...xs) {
    const cs = [];
    const vs = [];
    for (const x of xs) {
      if (!x) continue;
      if (x.v !== undefined && Array.isArray(x.v)) { cs.push(x.c); vs.push(...x.v); }
      else if (x.k === 'v') vs.push(x);
      else cs.push(x);
    }
    return { c: this.constSum(cs), v: vs };
  }
  /** Collapse the var part of a sum into at most one local. */
  named(s, hint) {
    if (s.v.length <= 1) return s;
    const expr = s.v.map((a) => this.ref(a)).reduce((acc, x) => this.d.bodyCall('add', [acc, x]));
    return { c: s.c, v: [this.varLocal(expr, hint)] };
  }
  /** The whole value as one atom (emits the constant add if there is one). */
  full(s, hint = 't') {
    if (s.k) return s;
    if (s.v.length === 0) return s.c ?? { k: 's', v: 0 };
    s = this.named(s, hint);
    if (!s.c) return s.v[0];
    const key = s.v[0].name + '+' + (s.c.k === 's' ? s.c.v : s.c.name);
    if (!this.fullCache.has(key)) this.fullCache.set(key, this.varLocal(this.d.bodyCall('add', [this.ref(s.v[0]), this.ref(s.c)]), hint));
    return this.fullCache.get(key);
  }
  atoms(s) { return s.v.length + (s.c ? 1 : 0); }

  // -- functions of values
  fn(name, ...args) {
    const as = args.map((x) => this.full(x));
    if (as.every((a) => a.k !== 'v')) return this.constFn(name, as);
    const r = as.map((a) => this.ref(a));
    const hint = name === 'ch' ? 'ch' : name === 'xor' ? 'x' : name === 'majx' ? 'mj' : name[0] === 'b' ? 'S' : 's';
    return this.varLocal(this.d.bodyCall(name, r), hint);
  }

  /**
   * One SHA-256 compression. `state` is 8 values (a..h), `W` 16 message words.
   * Returns the 8 final sums (state + working variables), each lazy.
   */
  compress(state, W, tag) {
    const A = (t) => (t < 0 ? state[-1 - t] : this.a[t]);          // a_{-1}=a, a_{-2}=b, ...
    const E = (t) => (t < 0 ? state[3 - t] : this.e[t]);           // e_{-1}=e, ...
    this.a = [];
    this.e = [];
    const w = W.slice();
    let xbc = this.fn('xor', A(-2), A(-3));
    for (let t = 0; t < 64; t++) {
      // Expand the schedule word just before its round, to keep few words live.
      if (t >= 16) {
        w[t] = this.named(this.sum(this.fn('ssig1', w[t - 2]), w[t - 7], this.fn('ssig0', w[t - 15]), w[t - 16]), `${tag}w${t}_`);
      }
      const [a, b, d, e, f, g, h] = [A(t - 1), A(t - 2), A(t - 4), E(t - 1), E(t - 2), E(t - 3), E(t - 4)];
      const t1 = this.named(this.sum(h, { k: 's', v: K[t] }, w[t], this.fn('ch', e, f, g), this.fn('bsig1', e)), `${tag}t${t}_`);
      const xab = this.fn('xor', a, b);
      const t2 = this.sum(this.fn('bsig0', a), this.fn('majx', b, xab, xbc));
      xbc = xab;
      // Either add the constant part of T1 once (A) or fold it into both e and a (B).
      const t1full = { c: null, v: [{ k: 'v', name: '?' }] };
      const eA = this.sum(t1full, d), aA = this.sum(t1full, t2);
      const eB = this.sum(t1, d), aB = this.sum(t1, t2);
      const costA = (t1.c && t1.v.length ? 1 : 0) + this.atoms(eA) + this.atoms(aA);
      const costB = this.atoms(eB) + this.atoms(aB);
      let en, an;
      if (costA < costB) {
        const tf = this.full(t1, `${tag}T${t}_`);
        en = this.sum(tf, d);
        an = this.sum(tf, t2);
      } else {
        en = eB;
        an = aB;
      }
      this.e[t] = this.full(en, `${tag}e${t}_`);
      this.a[t] = this.full(an, `${tag}a${t}_`);
    }
    return [0, 1, 2, 3].map((i) => this.sum(state[i], A(63 - i)))
      .concat([0, 1, 2, 3].map((i) => this.sum(state[4 + i], E(63 - i))));
  }
}

/**
 * Trace sha256d(preimage || nonce) on `tr` from the midstate: block 2 of the first hash (W0 the
 * nonce's low word, a var; W1, W2 and W15 job constants `mw1`, `mw2`, `mw15`, since they depend on
 * the width and W1 on a V2 nonce's upper word; W3..W14 zero), then the second hash over the
 * 32-byte digest (0x80 pad, zeros, bit length 256). Returns the eight final words, each lazy, and
 * leaves the body's statements in `tr.body`.
 */
export function traceSha256d(tr) {
  const S = (v) => ({ k: 's', v });
  const J = (name) => ({ k: 'j', name });
  const W1 = [{ k: 'v', name: 'w0' }, J('mw1'), J('mw2')];
  for (let i = 3; i < 15; i++) W1.push(S(0));
  W1.push(J('mw15'));
  const mid = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => J(`m${i}`));
  const H1 = tr.compress(mid, W1, 'p');
  const W2 = H1.slice();
  W2.push(S(0x80000000));
  for (let i = 9; i < 15; i++) W2.push(S(0));
  W2.push(S(256));
  return tr.compress(IV.map(S), W2, 'q');
}
