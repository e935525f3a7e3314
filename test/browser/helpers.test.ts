// The browser host's small pieces, in Node: the verifying SHA-256 choice
// (WebCrypto, or the core's pure-TS one where crypto.subtle is missing), CSP
// error detection, and the page's link and field parsers, its recent rate, its
// form check, its pause reasons, its tab titles, its difficulty format, and the choice of the shared-memory path.
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCspBlock } from '../../src/browser/errors.ts';
import type { RequestError } from '../../src/core/errors.ts';
import { hostSha256 } from '../../src/browser/sha256.ts';
import { sharedMemorySupport } from '../../src/browser/shared-memory.ts';
import { hexToBytes } from '../../src/core/bytes.ts';
import { nonceFromHex } from '../../src/core/nonce.ts';
import { verifySolution } from '../../src/core/verify.ts';
import type { BackendStatus } from '../../src/gpu/backend-choice.ts';
import { describeBackend } from '../../web/backend-control.ts';
import { formatDuration, formatRate, parseNonceField } from '../../web/format.ts';
import { parseThreadsText as parseThreads } from '../../src/core/range.ts';
import { checkForm } from '../../web/form-check.ts';
import { LinkError, buildLink, parseLink } from '../../web/link.ts';
import { formatDifficulty } from '../../web/outlook.ts';
import { tabTitle } from '../../web/page-state.ts';
import { PauseReasons } from '../../web/pause-reasons.ts';
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
    const hash = buildLink({ job, threads: '3', start: '0x10', count: '1000', backend: 'webgpu', autostart: true });
    expect(hash).toBe(`#job=${encodeURIComponent(job)}&threads=3&start=0x10&count=1000&backend=webgpu&autostart=1`);
    expect(parseLink(hash)).toEqual({ job, threads: '3', start: '0x10', count: '1000', backend: 'webgpu', autostart: true, scalar: false });
    for (const backend of ['auto', 'wasm'] as const) expect(parseLink(`#backend=${backend}`)).toMatchObject({ backend });
    expect(parseLink('#job=a+b')).toMatchObject({ job: 'a+b' });
  });

  it('ignores unknown keys and empty parts; reads the test switch; rejects broken encoding', () => {
    expect(parseLink('')).toEqual({ autostart: false, scalar: false });
    expect(parseLink('#&&foo=1&scalar=1&autostart=0')).toEqual({ autostart: false, scalar: true });
    expect(() => parseLink('#job=%E0%A4%A')).toThrow(LinkError);
  });

  it('refuses a backend the Miner does not have, naming the ones it has', () => {
    for (const bad of ['cuda', 'WebGPU', '']) {
      expect(() => parseLink(`#backend=${bad}`)).toThrow(new LinkError(`the link's backend must be auto, webgpu or wasm, got ${JSON.stringify(bad)}`));
    }
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

  it('parses threads from 1 to 1024', () => {
    expect(parseThreads('')).toBeUndefined();
    expect(parseThreads('4')).toBe(4);
    expect(parseThreads('1024')).toBe(1024);
    for (const bad of ['0', '1025', '1.5', 'two']) expect(() => parseThreads(bad)).toThrow(/threads/);
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

describe('the page\'s form check', () => {
  const request = JSON.stringify({ preimage_hex: 'ab'.repeat(64), target_hex: '7fffffffffffffff', nonce_width: 4 });
  const fields = (over: Partial<{ request: string; start: string; count: string }>) => ({ request, start: '', count: '', ...over });

  it('gives the job to start: the parsed request and the range, by default the whole nonce space', () => {
    const c = checkForm(fields({ request: `  ${request}\n`, start: '0x10' }));
    expect(c.ok && { text: c.job.text, start: c.job.start, count: c.job.count, width: c.job.request.nonceWidth }).toEqual({ text: request, start: 16n, count: 2n ** 32n - 16n, width: 4 });
  });

  it('keeps the core\'s RequestError, and says when the box is only empty', () => {
    const bad = checkForm(fields({ request: '{"preimage_hex":"ab","target_hex":"7f","nonce_width":4}' }));
    expect(bad.ok || [bad.empty, (bad.request as RequestError).code]).toEqual([false, 'bad_preimage']);
    const empty = checkForm(fields({ request: '  ' }));
    expect(empty.ok || [empty.empty, (empty.request as RequestError).code]).toEqual([true, 'not_json']);
  });

  it('names the range field at fault, checking the syntax even while the request is bad', () => {
    const cases: Array<[Partial<{ request: string; start: string; count: string }>, string, RegExp]> = [
      [{ start: '-1' }, 'start', /^start takes a decimal/],
      [{ count: '0' }, 'count', /^count must be at least 1$/],
      [{ start: '4294967296' }, 'start', /outside the 4-byte nonce space/],
      [{ start: '4294967295', count: '2' }, 'count', /runs past the end/],
      [{ request: 'nope', count: 'x' }, 'count', /^count takes a decimal/],
    ];
    for (const [over, field, message] of cases) {
      const c = checkForm(fields(over));
      expect(c.ok, JSON.stringify(over)).toBe(false);
      if (c.ok) continue;
      expect(c.range?.field).toBe(field);
      expect(c.range?.error).toBeInstanceOf(RangeError);
      expect(c.range?.error.message).toMatch(message);
    }
    expect(checkForm(fields({ start: '4294967295', count: '1' })).ok).toBe(true);
  });
});

describe('the page\'s pause reasons', () => {
  it('pauses on the first reason, resumes when the last is lifted, and a lift of a reason not held does nothing', () => {
    const p = new PauseReasons();
    expect(p.lift('hidden')).toBe(false);
    expect(p.hold('button')).toBe(true);
    expect(p.hold('hidden')).toBe(false);
    expect(p.badge()).toBe('Paused (tab hidden)');
    expect(p.lift('hidden')).toBe(false); // the user's Pause still holds
    expect([p.paused, p.held, p.badge()]).toEqual([true, ['button'], 'Paused']);
    expect(p.lift('button')).toBe(true);
    expect(p.paused).toBe(false);
  });

  it('lifts every reason at once for the user\'s Resume', () => {
    const p = new PauseReasons();
    p.hold('battery');
    p.hold('hidden');
    expect(p.badge()).toBe('Paused (on battery, tab hidden)');
    expect(p.clear()).toBe(true);
    expect(p.clear()).toBe(false);
    expect(p.held).toEqual([]);
  });
});

describe('the page\'s tab title and difficulty', () => {
  it('titles each state', () => {
    expect(tabTitle('T', 'mining')).toBe('⛏ 0 % · T');
    expect(tabTitle('T', 'mining', { fraction: 0.123, rate: 4_410_000 })).toBe('⛏ 12 % · 4.41 Mh/s · T');
    expect(tabTitle('T', 'paused', { fraction: 0.5 })).toBe('⏸ Paused · T');
    expect(tabTitle('T', 'found')).toBe('✓ Found · T');
    expect(tabTitle('T', 'exhausted')).toBe('Exhausted · T');
    expect(tabTitle('T', 'error')).toBe('Error · T');
    expect([tabTitle('T', 'idle'), tabTitle('T', 'stopped')]).toEqual(['T', 'T']);
  });

  it('formats difficulties as people read them', () => {
    expect(formatDifficulty(1)).toBe('1');
    expect(formatDifficulty(150.00000000000003)).toBe('150');
    expect(formatDifficulty(32768.000000000116)).toBe('32,768');
    expect(formatDifficulty(1.5)).toBe('1.5');
    expect(formatDifficulty(2 ** 63 - 1)).toBe('9.22e18');
  });
});

describe('sharedMemorySupport', () => {
  const atomics = { wait: Atomics.wait, notify: Atomics.notify };
  const clone = (v: unknown) => structuredClone(v);

  it('takes the shared path where SharedArrayBuffer and Atomics.wait are offered, isolated or not (Node offers both)', () => {
    expect(sharedMemorySupport({ crossOriginIsolated: true, SharedArrayBuffer, Atomics: atomics, structuredClone: clone }))
      .toEqual({ shared: true, reason: 'the page is cross-origin isolated and this browser offers SharedArrayBuffer and Atomics.wait' });
    expect(sharedMemorySupport({ SharedArrayBuffer, Atomics: atomics, structuredClone: clone }).shared).toBe(true);
    // In Node, the default reads the real globals.
    expect(sharedMemorySupport().shared).toBe(true);
  });

  it('names the real reason where the path is missing: isolated but no SharedArrayBuffer (WebKitGTK) is not "not isolated"', () => {
    const webkit = sharedMemorySupport({ crossOriginIsolated: true, Atomics: atomics, structuredClone: clone });
    expect(webkit).toEqual({ shared: false, reason: 'the page is cross-origin isolated, but this browser offers no SharedArrayBuffer' });
    const plain = sharedMemorySupport({ crossOriginIsolated: false, Atomics: atomics, structuredClone: clone });
    expect(plain.shared).toBe(false);
    expect(plain.reason).toMatch(/^the page is not cross-origin isolated/);
    const noWait = sharedMemorySupport({ crossOriginIsolated: true, SharedArrayBuffer, Atomics: { notify: Atomics.notify }, structuredClone: clone });
    expect(noWait).toEqual({ shared: false, reason: 'this browser has SharedArrayBuffer but no Atomics.wait and Atomics.notify' });
  });

  it('outside isolation, refuses a SharedArrayBuffer the engine will not send to workers, or cannot check', () => {
    const refuses = () => { throw new DOMException('SharedArrayBuffer transfer requires self.crossOriginIsolated', 'DataCloneError'); };
    for (const structuredClone of [refuses, undefined]) {
      const r = sharedMemorySupport({ crossOriginIsolated: false, SharedArrayBuffer, Atomics: atomics, structuredClone });
      expect(r).toEqual({ shared: false, reason: 'the page is not cross-origin isolated, and this browser will not send its SharedArrayBuffer to workers' });
    }
    // Isolated pages need no such check: sending is what isolation grants.
    expect(sharedMemorySupport({ crossOriginIsolated: true, SharedArrayBuffer, Atomics: atomics, structuredClone: refuses }).shared).toBe(true);
  });
});

describe('the card\'s Hashing on sentence', () => {
  const soft = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', fallback: false };
  const status = (over: Partial<BackendStatus>): BackendStatus => ({
    choice: 'auto', active: 'wasm', calibrating: false, adapter: null, rates: { webgpu: null, wasm: null }, gpuProblem: null, ...over,
  });
  const say = (over: Partial<BackendStatus>) => describeBackend(status(over), formatRate);

  it('follows a Miner from the adapter opening through the calibration to its decision, or the GPU\'s failure', () => {
    expect(say({ choice: 'wasm' })).toBe('CPU: WebAssembly workers (chosen under Hashing on)');
    expect(say({})).toBe('CPU: WebAssembly workers, while the GPU opens (then both are measured)');
    expect(say({ choice: 'webgpu', active: 'webgpu' })).toBe('GPU through WebGPU: opening the adapter…');
    expect(say({ active: 'webgpu', calibrating: true, adapter: soft })).toBe('Measuring the GPU (google swiftshader, a software adapter) (measuring…) against the workers (next); the faster keeps hashing');
    expect(say({ calibrating: true, adapter: soft, rates: { webgpu: 150_000, wasm: null } })).toBe('Measuring the GPU (google swiftshader, a software adapter) (150 kh/s) against the workers (measuring…); the faster keeps hashing');
    expect(say({ adapter: soft, rates: { webgpu: 150_000, wasm: 4_000_000 } })).toBe('CPU: WebAssembly workers, faster here than the GPU (google swiftshader, a software adapter): 4.00 Mh/s against 150 kh/s');
    const real = { vendor: 'nvidia', architecture: 'ampere', device: '', description: '', fallback: false };
    expect(say({ active: 'webgpu', adapter: real, rates: { webgpu: 2e9, wasm: 4e6 } })).toBe('GPU through WebGPU: the GPU (nvidia ampere), faster here: 2.00 Gh/s against 4.00 Mh/s for the workers');
    expect(say({ choice: 'webgpu', adapter: real, gpuProblem: 'the GPU device was lost (unknown)' })).toBe('CPU: WebAssembly workers, since the GPU (nvidia ampere) stopped: the GPU device was lost (unknown)');
    expect(say({ gpuProblem: 'no adapter' })).toBe('CPU: WebAssembly workers (no GPU: no adapter)');
    expect(say({ choice: 'webgpu', active: 'webgpu', gpuProblem: 'no adapter' })).toBe('GPU unavailable: no adapter');
    expect(say({ choice: 'webgpu', active: 'webgpu', adapter: { vendor: '', architecture: '', device: '', description: '', fallback: true } })).toBe('GPU through WebGPU: the GPU (details hidden by the browser, a software adapter)');
  });
});
