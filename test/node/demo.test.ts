// The README's `npm start` job and `npm run bench -- --json`, run as the real
// bundled programs.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nonceFromHex, parseRequest } from '../../src/core/protocol.ts';
import { verifySolutionSync } from '../../src/core/verify.ts';
import { nodeSha256 } from '../support/vectors.ts';

const dist = (name: string): string => new URL(`../../dist/node/${name}`, import.meta.url).pathname;

describe('npm start (dist/node/demo.js)', () => {
  it('prints one response line with the demo job\'s lowest valid nonce, verified independently', () => {
    const r = spawnSync(process.execPath, [dist('demo.js')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(2); // one line and its newline
    expect(lines[1]).toBe('');
    const response = JSON.parse(lines[0]);
    expect(Object.keys(response)).toEqual(['nonce_hex', 'attempts', 'elapsed_s']);
    const request = parseRequest(readFileSync(new URL('../../fixtures/demo-request.json', import.meta.url)));
    const nonce = nonceFromHex(response.nonce_hex, request.nonceWidth);
    expect(verifySolutionSync(request, nonce, nodeSha256).valid).toBe(true);
    // The demo job is gen-w4-506, whose lowest valid nonce from 0 is 4a451700 (1,525,066).
    expect(response.nonce_hex).toBe('4a451700');
    expect(response.attempts).toBe(1_525_067);
    expect(response.elapsed_s).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/verified with node:crypto/);
  });
});

describe('npm run bench -- --json (dist/node/bench.js)', () => {
  it('prints one JSON line with the SIMD, scalar and node:crypto rates measured in one run', () => {
    const out = execFileSync(process.execPath, [dist('bench.js'), '--json', '--seconds', '0.3'], { encoding: 'utf8', timeout: 60_000 });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]);
    for (const key of ['simd_mhs', 'scalar_mhs', 'nodecrypto_mhs']) {
      expect(typeof r[key], key).toBe('number');
      expect(r[key], key).toBeGreaterThan(0);
    }
    expect(r.simd_vs_nodecrypto).toBeCloseTo(r.simd_mhs / r.nodecrypto_mhs, 0);
  });

  it('refuses a bad --seconds with exit 1 and nothing on stdout', () => {
    const r = spawnSync(process.execPath, [dist('bench.js'), '--seconds', 'abc'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--seconds/);
  });
});
