// The page's server module on a root of the test's own: a copy of dist/web with
// symbolic links that lead out of it (refused) and one that stays inside (served),
// the MIME types of .wasm and .map, the dev options, and a root that is not there.
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebServer, type WebServerOptions } from '../../src/node/web-server.ts';
import { httpGet } from '../support/http.ts';

const PAGE = fileURLToPath(new URL('../../dist/web/', import.meta.url));
const SECRET = 'the text of a file outside the served folder';

/** Listen on a free loopback port; resolves to the base URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('createWebServer', () => {
  let dir: string;
  let site: string;
  const servers: Server[] = [];
  const serve = async (options: Partial<WebServerOptions> = {}): Promise<string> => {
    const server = createWebServer({ root: site, ...options });
    servers.push(server);
    return listen(server);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'web-server-'));
    site = join(dir, 'site');
    cpSync(PAGE, site, { recursive: true });
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    symlinkSync(join(dir, 'secret.txt'), join(site, 'leak.txt'));
    symlinkSync('../secret.txt', join(site, 'relative-leak.txt'));
    symlinkSync(dir, join(site, 'leakdir'));
    symlinkSync('index.html', join(site, 'alias.html'));
    writeFileSync(join(site, 'kernel.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a symbolic link that leads out of the root, and serves one that stays inside', async () => {
    const base = await serve();
    for (const path of ['/leak.txt', '/relative-leak.txt', '/leakdir/secret.txt']) {
      const r = await httpGet(base, path);
      expect(r.status, path).toBe(403);
      expect(r.body, path).not.toContain(SECRET);
    }
    const alias = await httpGet(base, '/alias.html');
    expect(alias.status).toBe(200);
    expect(alias.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(alias.body).toContain('<output id="result"');
  });

  it('serves .wasm as application/wasm and source maps as JSON', async () => {
    const base = await serve();
    const wasm = await httpGet(base, '/kernel.wasm', 'HEAD');
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['content-length']).toBe('8');
    expect((await httpGet(base, '/app.js.map', 'HEAD')).headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('leaves out COOP/COEP/CORP without isolation, and wasm-unsafe-eval without wasmCsp', async () => {
    const plain = await httpGet(await serve({ isolation: false }), '/');
    expect(plain.status).toBe(200);
    for (const h of ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy']) expect(plain.headers[h], h).toBeUndefined();
    expect(plain.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval';");
    const noWasm = await httpGet(await serve({ wasmCsp: false }), '/');
    expect(noWasm.headers['content-security-policy']).toContain("script-src 'self';");
    expect(noWasm.headers['content-security-policy']).not.toContain('wasm-unsafe-eval');
    expect(noWasm.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('will not start on a root that is not a folder', () => {
    expect(() => createWebServer({ root: join(dir, 'missing') })).toThrow(/missing is not a folder: the page is not built/);
    expect(() => createWebServer({ root: join(dir, 'secret.txt') })).toThrow(/is not a folder/);
  });
});
