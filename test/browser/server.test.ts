// scripts/serve-web.mjs over plain HTTP (no browser needed): the isolation and
// CSP headers and their test flags, MIME types, and no path outside dist/web.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWeb, type WebServer } from '../support/browser.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET: the path goes on the wire exactly as given (no client-side normalisation). */
function get(base: string, path: string, method = 'GET'): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

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

  it('gives each file its MIME type', async () => {
    const types: Record<string, string> = {
      '/index.html': 'text/html; charset=utf-8',
      '/app.js': 'text/javascript; charset=utf-8',
      '/worker.js': 'text/javascript; charset=utf-8',
      '/style.css': 'text/css; charset=utf-8',
      '/favicon.svg': 'image/svg+xml',
      '/app.js.map': 'application/json; charset=utf-8',
    };
    for (const [path, type] of Object.entries(types)) {
      const r = await get(isolated.url, path, 'HEAD');
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
    }
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

  it('refuses every path outside dist/web', async () => {
    for (const path of ['/../package.json', '/..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%5c..%5cpackage.json', '/a/../../package.json', '//etc/passwd']) {
      const r = await get(isolated.url, path);
      expect([403, 404], path).toContain(r.status);
      expect(r.body, path).not.toContain('wasm-dmint-miner');
      expect(r.body, path).not.toContain('root:');
    }
    expect((await get(isolated.url, '/..%2f..%2fpackage.json')).status).toBe(403);
    expect((await get(isolated.url, '/nothing-here.js')).status).toBe(404);
    expect((await get(isolated.url, '/%00')).status).toBe(400);
    expect((await get(isolated.url, '/%E0%A4%A')).status).toBe(400);
    expect((await get(isolated.url, '/', 'POST')).status).toBe(405);
  });
});
