// `dmint-miner bench`, `dmint-miner doctor`, the demo job of `npm start`, and
// what the bundles may import.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, WORKER, runCli } from '../support/cli.ts';

const WEB_SERVER = new URL('../../dist/node/web-server.js', import.meta.url);

describe('dmint-miner bench', () => {
  it('--json prints one line with the kernel rates, the all-thread rate and the thread count', async () => {
    const r = await runCli(['bench', '--json', '--seconds', '0.3', '--workers', '2']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const b = JSON.parse(lines[0]);
    for (const key of ['simd_mhs', 'scalar_mhs', 'nodecrypto_mhs', 'all_threads_mhs']) {
      expect(b[key], key).toBeGreaterThan(0);
    }
    expect(b.threads).toBe(2);
    // The ratio of the unrounded rates, rounded to 0.001. The rates printed are rounded to 0.001 Mh/s too, so
    // their own ratio only bounds it: by a lot where node:crypto's rate is small (on a loaded machine).
    const h = 0.0005;
    expect(b.simd_vs_nodecrypto).toBeGreaterThanOrEqual((b.simd_mhs - h) / (b.nodecrypto_mhs + h) - h);
    expect(b.simd_vs_nodecrypto).toBeLessThanOrEqual((b.simd_mhs + h) / (b.nodecrypto_mhs - h) + h);
    // The runtime it ran on (CI runs this on Node 20 and on Node 24): advice only below Node 22.
    expect(b.runtime).toMatchObject({ name: `Node ${process.versions.node}`, node: process.versions.node, v8: process.versions.v8 });
    expect(b.runtime.advice === null).toBe(Number(process.versions.node.split('.')[0]) >= 22);
  });

  it('prints a table without --json', async () => {
    const r = await runCli(['bench', '--seconds', '0.2', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| SIMD kernel, 1 thread \| [0-9.]+ \|/);
    expect(r.stdout).toMatch(/\| node:crypto sha256d, 1 thread \| [0-9.]+ \| 1\.0 \|/);
    expect(r.stdout).toContain(`Runtime: Node ${process.versions.node}, V8 ${process.versions.v8}`);
  });
});

describe('dmint-miner doctor', () => {
  it('--json: known answers of both builds pass, with SIMD, threads, a rate and the difficulty-1 outlook', async () => {
    const r = await runCli(['doctor', '--json', '--workers', '2']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.ok).toBe(true);
    const names = d.checks.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['WebAssembly SIMD', 'simd kernel known answers', 'scalar kernel known answers', 'threads', 'measured rate']));
    expect(d.rate_hs).toBeGreaterThan(0);
    expect(d.runtime).toMatchObject({ node: process.versions.node, v8: process.versions.v8 });
    expect(d.difficulty_1_v1.sweep_hit_probability).toBeCloseTo(0.3935, 3);
    expect(d.difficulty_1_v1.sweep_s).toBeCloseTo(2 ** 32 / d.rate_hs, 0);
    expect(d.difficulty_1_v1.p90_s).toBeGreaterThan(d.difficulty_1_v1.p50_s);
  });

  it('human report ends with the verdict', async () => {
    const r = await runCli(['doctor', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok +simd kernel known answers: 3 vectors/m);
    expect(r.stdout).toMatch(/one sweep of 2\^32 nonces: /);
    expect(r.stdout).toContain(`ok    runtime: Node ${process.versions.node}, V8 ${process.versions.v8}`);
    const note = /^note +Node (\d+) is behind the current LTS: on Node 24 this kernel ran \d+ % faster on one thread/m.exec(r.stdout);
    if (Number(process.versions.node.split('.')[0]) < 22) expect(note?.[1]).toBe(process.versions.node.split('.')[0]);
    else expect(note).toBeNull();
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('doctor: all checks passed');
  });
});

describe('the bundled demo job (npm start)', () => {
  it('answers gen-w4-506\'s lowest valid nonce 4a451700', async () => {
    const r = await runCli(['--progress=human'], readFileSync(new URL('../../fixtures/demo-request.json', import.meta.url)));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nonce_hex).toBe('4a451700');
    expect(r.stderr).toMatch(/found and verified with node:crypto/);
  });
});

describe('no network', () => {
  it.each([BIN, WORKER])('%s imports no network module and calls no fetch', (file) => {
    const code = readFileSync(file, 'utf8');
    const modules = [...code.matchAll(/(?:require\(|from\s*|import\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
    // The command bundle imports node modules and piscina, so the pattern does find imports.
    if (file === BIN) expect(modules).toEqual(expect.arrayContaining(['piscina', 'node:crypto']));
    const network = /^(node:)?(net|http|https|http2|dns|tls|dgram|inspector)$|^(undici|ws)$/;
    expect(modules.filter((m) => network.test(m))).toEqual([]);
    expect(code).not.toMatch(/\bfetch\(|\bWebSocket\b|\bXMLHttpRequest\b/);
  });

  it('only `dmint-miner web` loads a network module: node:http, in web-server.js, imported on demand', () => {
    const bin = readFileSync(BIN, 'utf8');
    expect(bin).toContain('import("./web-server.js")');
    expect(bin).not.toMatch(/from\s*["']\.\/web-server\.js["']/);
    const server = readFileSync(WEB_SERVER, 'utf8');
    const modules = [...server.matchAll(/from\s*["']([^"']+)["']/g)].map((m) => m[1]);
    expect(modules.filter((m) => /^(node:)?(net|http|https|http2|dns|tls|dgram)$/.test(m))).toEqual(['node:http']);
  });
});
