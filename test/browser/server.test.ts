// scripts/serve-web.mjs over plain HTTP (no browser needed): the isolation and
// CSP headers and the flags that drop them, on the server `dmint-miner web` runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWeb, type WebServer } from '../support/browser.ts';
import { httpGet as get } from '../support/http.ts';

describe('serve-web.mjs', () => {
  let isolated: WebServer;
  let plain: WebServer;
  let noWasm: WebServer;
  beforeAll(async () => {
    [isolated, plain, noWasm] = await Promise.all([serveWeb(), serveWeb(['--no-isolation']), serveWeb(['--no-wasm-csp'])]);
  });
  afterAll(async () => {
    await Promise.all([isolated, plain, noWasm].map((s) => s?.close()));
  });

  it('listens on 127.0.0.1 and prints its URL', () => {
    expect(isolated.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page with COOP/COEP and a CSP allowing scripts and WebAssembly from itself only', async () => {
    const r = await get(isolated.url, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<output id="result"');
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(r.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('drops the isolation headers with --no-isolation, and wasm-unsafe-eval with --no-wasm-csp', async () => {
    const p = await get(plain.url, '/app.js', 'HEAD');
    expect(p.headers['cross-origin-opener-policy']).toBeUndefined();
    expect(p.headers['cross-origin-embedder-policy']).toBeUndefined();
    expect(p.headers['content-security-policy']).toContain("'wasm-unsafe-eval'");
    const n = await get(noWasm.url, '/worker.js', 'HEAD');
    expect(n.headers['content-security-policy']).toContain("script-src 'self';");
    expect(n.headers['content-security-policy']).not.toContain('wasm-unsafe-eval');
    expect(n.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  // The traversal cases, MIME types and symbolic links are tested on the same server in
  // test/cli/web.test.ts and test/node/web-server.test.ts; here, that the script runs it.
  it('refuses paths outside dist/web as dmint-miner web does', async () => {
    expect((await get(isolated.url, '/../../package.json')).status).toBe(403);
    expect((await get(isolated.url, '/..%5c..%5cpackage.json')).status).toBe(400);
    expect((await get(isolated.url, '/nothing-here.js')).status).toBe(404);
    expect((await get(isolated.url, '/', 'POST')).status).toBe(405);
  });
});
