// The browser host's small pieces, in Node: the verifying SHA-256 choice
// (WebCrypto, or the core's pure-TS one where crypto.subtle is missing), CSP
// error detection, and the page's link and field parsers and its recent rate.
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCspBlock } from '../../src/browser/errors.ts';
import { hostSha256 } from '../../src/browser/sha256.ts';
import { hexToBytes } from '../../src/core/bytes.ts';
import { nonceFromHex } from '../../src/core/protocol.ts';
import { verifySolution } from '../../src/core/verify.ts';
import { formatDuration, formatRate, parseNonceField, parseThreads } from '../../web/format.ts';
import { LinkError, buildLink, parseLink } from '../../web/link.ts';
import { RecentRate } from '../../web/recent-rate.ts';
import { fixture, hex, nodeSha256 } from '../support/vectors.ts';

describe('hostSha256', () => {
  const data = new TextEncoder().encode('abc');
  const want = hex(nodeSha256(data));

  it('uses WebCrypto where crypto.subtle exists', async () => {
    const sha = hostSha256({ crypto: webcrypto as unknown as { subtle: SubtleCrypto } });
    expect(sha.name).toBe('WebCrypto');
    expect(hex(await sha.digest(data))).toBe(want);
  });

  it('falls back to the core\'s pure-TS SHA-256 without crypto.subtle (plain http to a LAN address)', async () => {
    for (const host of [{}, { crypto: {} }, { crypto: { subtle: undefined } }]) {
      const sha = hostSha256(host);
      expect(sha.name).toBe('built-in');
      expect(hex(await sha.digest(data))).toBe(want);
    }
  });

  it('both confirm every valid fixture vector and refuse its neighbour', async () => {
    for (const host of [{ crypto: webcrypto as unknown as { subtle: SubtleCrypto } }, {}]) {
      const sha = hostSha256(host);
      for (const v of fixture.pow_vectors.filter((p) => p.valid_at_max_target)) {
        const job = { preimage: hexToBytes(v.preimage_hex), nonceWidth: v.nonce_width, effectiveTarget: 0x7fffffffffffffffn };
        const nonce = nonceFromHex(v.nonce_hex, v.nonce_width);
        expect((await verifySolution(job, nonce, sha.digest)).valid, `${sha.name} ${v.id}`).toBe(true);
        expect((await verifySolution(job, nonce + 1n, sha.digest)).valid, `${sha.name} ${v.id} + 1`).toBe(false);
      }
    }
  });
});

describe('isCspBlock', () => {
  it('recognises each engine\'s wording of a CSP that blocks WebAssembly', () => {
    expect(isCspBlock(new Error("WebAssembly.compile(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: \"script-src 'self'\""))).toBe(true);
    expect(isCspBlock(new Error('call to WebAssembly.compile() blocked by CSP'))).toBe(true);
    expect(isCspBlock(new Error("Refused to create a WebAssembly object because 'unsafe-eval' or 'wasm-unsafe-eval' is not an allowed source of script"))).toBe(true);
    expect(isCspBlock(new Error('WebAssembly.compile(): expected magic word 00 61 73 6d'))).toBe(false);
  });
});

describe('page links', () => {
  const job = JSON.stringify({ preimage_hex: 'ab'.repeat(64), target_hex: '7fffffffffffffff', nonce_width: 4, note: 'a+b & c=d #%' });

  it('round-trips every field; values are decoded with decodeURIComponent only', () => {
    const hash = buildLink({ job, threads: '3', start: '0x10', count: '1000', autostart: true });
    expect(hash).toBe(`#job=${encodeURIComponent(job)}&threads=3&start=0x10&count=1000&autostart=1`);
    expect(parseLink(hash)).toEqual({ job, threads: '3', start: '0x10', count: '1000', autostart: true, scalar: false });
    expect(parseLink('#job=a+b')).toMatchObject({ job: 'a+b' });
  });

  it('ignores unknown keys and empty parts; reads the test switch; rejects broken encoding', () => {
    expect(parseLink('')).toEqual({ autostart: false, scalar: false });
    expect(parseLink('#&&foo=1&scalar=1&autostart=0')).toEqual({ autostart: false, scalar: true });
    expect(() => parseLink('#job=%E0%A4%A')).toThrow(LinkError);
  });
});

describe('page fields', () => {
  it('parses start and count as the CLI does: decimal or 0x hex, below 2^64', () => {
    expect(parseNonceField('start', ' 42 ')).toBe(42n);
    expect(parseNonceField('start', '0xFFFFFFFF')).toBe(0xffffffffn);
    expect(parseNonceField('count', '')).toBeUndefined();
    expect(() => parseNonceField('start', '-1')).toThrow(/decimal or 0x-hex/);
    expect(() => parseNonceField('start', '1e6')).toThrow(/decimal or 0x-hex/);
    expect(() => parseNonceField('count', String(2n ** 64n))).toThrow(/above 2\^64/);
  });

  it('parses threads from 1 to 256', () => {
    expect(parseThreads('')).toBeUndefined();
    expect(parseThreads('4')).toBe(4);
    for (const bad of ['0', '257', '1.5', 'two']) expect(() => parseThreads(bad)).toThrow(/threads/);
  });

  it('formats rates and durations', () => {
    expect(formatRate(4_410_000)).toBe('4.41 Mh/s');
    expect(formatRate(0)).toBe('0 h/s');
    expect(formatDuration(0.42)).toBe('0.42 s');
    expect(formatDuration(245)).toBe('4 min 05 s');
    expect(formatDuration(Infinity)).toBe('—');
  });
});

describe('the page\'s recent rate', () => {
  it('is taken over the last 2 s, and starts afresh after clear (a resume)', () => {
    const r = new RecentRate(2);
    const attemptsAt = (t: number) => (t <= 2 ? 2000 * t : 4000 + 4000 * (t - 2)); // 2000/s, then 4000/s from t = 2
    expect(r.push(0.5, attemptsAt(0.5))).toBeUndefined();
    expect(r.push(1, attemptsAt(1))).toBe(2000);
    let rate: number | undefined;
    for (let t = 1.5; t <= 5; t += 0.5) rate = r.push(t, attemptsAt(t));
    expect(rate).toBe(4000); // the slow first seconds are out of the window
    r.clear();
    expect(r.push(10, 20_000)).toBeUndefined(); // after a pause: no rate from the paused seconds
    expect(r.push(10.5, 22_000)).toBe(4000);
  });
});
