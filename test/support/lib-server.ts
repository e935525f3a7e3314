// A static server for the browser library's test page (test/browser/lib-page/),
// the built library (dist/browser/) and the Miner contract's host registry
// (test/contract/miner-host.ts, stripped to JavaScript), in the test process
// itself. Headers as
// scripts/serve-web.mjs sends them: the CSP `script-src 'self' 'wasm-unsafe-eval'`
// always (the Electron-renderer situation), COOP/COEP only when asked, so the
// same page runs with and without cross-origin isolation.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const PAGE = fileURLToPath(new URL('../browser/lib-page/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/browser/', import.meta.url));
const CONTRACT_HOST = fileURLToPath(new URL('../contract/miner-host.ts', import.meta.url));

/** The CSP of an Electron renderer that allows WebAssembly and nothing else beyond its own scripts. */
export const LIB_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";
/** The same without 'wasm-unsafe-eval': WebAssembly is blocked, and the library must say so. */
export const NO_WASM_CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";

/** URL path → file. `/alt/worker.js` is the library's worker under another name, for the `workerUrl` option. */
const FILES: Record<string, string> = {
  '/': PAGE + 'index.html',
  '/page.js': PAGE + 'page.js',
  '/dist/browser/index.js': DIST + 'index.js',
  '/dist/browser/index.js.map': DIST + 'index.js.map',
  '/dist/browser/worker.js': DIST + 'worker.js',
  '/dist/browser/worker.js.map': DIST + 'worker.js.map',
  '/alt/worker.js': DIST + 'worker.js',
  '/contract/miner-host.js': CONTRACT_HOST,
};

/** A file's body as served: TypeScript (the contract's host registry) has its types stripped. */
async function body(file: string): Promise<Buffer | string> {
  const text = await readFile(file);
  if (!file.endsWith('.ts')) return text;
  return (await transform(text.toString('utf8'), { loader: 'ts', format: 'esm', target: 'es2022' })).code;
}

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', ts: 'text/javascript; charset=utf-8', map: 'application/json; charset=utf-8' };

/** A running test server. */
export interface LibServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** The Content-Security-Policy it sends. */
  csp: string;
  close(): Promise<void>;
}

/** Serve the library test page on 127.0.0.1, on a free port (`wasmCsp: false` for a CSP that blocks WebAssembly). */
export async function serveLib(options: { isolation: boolean; wasmCsp?: boolean }): Promise<LibServer> {
  const csp = options.wasmCsp === false ? NO_WASM_CSP : LIB_CSP;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = FILES[path];
    const headers: Record<string, string> = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
    if (options.isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    if (path === '/favicon.ico') {
      // Browsers ask for it on their own; a 404 would be a console error on a page that must log nothing.
      res.writeHead(204, headers).end();
      return;
    }
    if (file === undefined) {
      res.writeHead(404, headers).end();
      return;
    }
    body(file).then(
      (data) => res.writeHead(200, { ...headers, 'Content-Type': TYPES[file.split('.').pop()!] ?? 'application/octet-stream' }).end(data),
      () => res.writeHead(404, headers).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    csp,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
