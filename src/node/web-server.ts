/**
 * The static server of the mining page: `dmint-miner web` and the dev script
 * scripts/serve-web.mjs both run it. It serves the files of one folder (the
 * built page, dist/web/) with the headers the page wants, and nothing outside
 * that folder: no dot segment, encoded or not, no backslash, colon or NUL, and
 * no symbolic link that leads out of it.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The page shipped in the package: dist/web/ beside this module's dist/node/;
 * run from source (as in tests), the built one.
 */
export const SHIPPED_PAGE: string = fileURLToPath(import.meta.url.endsWith('.ts')
  ? new URL('../../dist/web/', import.meta.url)
  : new URL('../web/', import.meta.url));

/** What {@link createWebServer} serves, and how. */
export interface WebServerOptions {
  /** The folder to serve (the built page); nothing outside it is reachable. */
  root: string;
  /** Send COOP/COEP/CORP, so the page is cross-origin isolated (default true). */
  isolation?: boolean;
  /** Allow WebAssembly in the CSP with 'wasm-unsafe-eval' (default true; false blocks the kernel, for tests). */
  wasmCsp?: boolean;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const REASON: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' };

/** The Content-Security-Policy: everything from the page's own origin, WebAssembly only with `wasmCsp`. */
function pageCsp(wasmCsp: boolean): string {
  return [
    "default-src 'self'",
    wasmCsp ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The file under `root` a request target names, or the status to refuse it with.
 * Browsers resolve dot segments before they send a path, so any left in it
 * (plain or percent-encoded) is an attempt to leave the folder: 403 without a look
 * at the disk. No file of the page has a backslash, colon or NUL in its name, and
 * on some systems they separate paths or drives: 400.
 */
function locate(target: string, root: string, realRoot: string): { file: string; size: number } | number {
  const path = target.split(/[?#]/, 1)[0]!;
  // Only origin-form ("/x"): not "*", not "http://host/x", not "//host/x".
  if (!path.startsWith('/') || path.startsWith('//')) return 400;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return 400;
  }
  if (/[\0\\:]/.test(decoded)) return 400;
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..')) return 403;
  let file = join(root, ...segments);
  if (file !== root && !file.startsWith(root + sep)) return 403;
  let st;
  try {
    st = statSync(file);
    if (st.isDirectory()) {
      file = join(file, 'index.html');
      st = statSync(file);
    }
  } catch {
    return 404;
  }
  if (!st.isFile()) return 404;
  // A symbolic link inside the folder must not lead out of it either.
  const real = realpathSync(file);
  if (!real.startsWith(realRoot + sep)) return 403;
  return { file: real, size: st.size };
}

/**
 * An HTTP server (not yet listening) for the files of `options.root`, GET and HEAD
 * only, each answer with the CSP, `nosniff`, no referrer and, with `isolation`,
 * COOP `same-origin`, COEP `require-corp` and CORP `same-origin`.
 * @throws Error when `root` is not a folder.
 */
export function createWebServer(options: WebServerOptions): Server {
  const { isolation = true, wasmCsp = true } = options;
  const root = options.root.replace(/[\\/]+$/, '');
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    if (!statSync(realRoot).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new Error(`${root} is not a folder: the page is not built (npm run build)`);
  }
  const csp = pageCsp(wasmCsp);
  const headers = (type: string): Record<string, string> => ({
    'Content-Type': type,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
    ...(isolation ? {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    } : {}),
  });
  const refuse = (res: ServerResponse, code: number): void => {
    res.writeHead(code, headers('text/plain; charset=utf-8'));
    res.end(`${code} ${REASON[code]}\n`);
  };
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      refuse(res, 405);
      return;
    }
    const found = locate(req.url ?? '/', root, realRoot);
    if (typeof found === 'number') {
      refuse(res, found);
      return;
    }
    res.writeHead(200, { ...headers(MIME[extname(found.file).toLowerCase()] ?? 'application/octet-stream'), 'Content-Length': found.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
  });
}

/** What {@link serveUntilStopped} serves, where, and how it speaks. */
export interface ServeOptions extends WebServerOptions {
  /** 0 picks any free port. */
  port: number;
  host: string;
  /** Writes one note or error line to stderr, with the program's prefix. */
  say: (line: string) => void;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/**
 * Serve the page until SIGINT or SIGTERM: the URL on stdout (one line), notes
 * on stderr. Resolves to the exit code: 0 once stopped by a signal, 1 when the
 * folder is missing or the server cannot listen (one line through `say`; a port
 * in use is named as such).
 */
export async function serveUntilStopped(options: ServeOptions): Promise<number> {
  const { port, host, say } = options;
  let server: Server;
  try {
    server = createWebServer(options);
  } catch (err) {
    say(`cannot serve the page: ${(err as Error).message}`);
    return 1;
  }
  const isolation = options.isolation ?? true;
  const wasmCsp = options.wasmCsp ?? true;
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      server.close(() => resolve(0));
      server.closeAllConnections();
    };
    // Before the URL goes out: whoever reads it may signal at once, and without a handler that kills the process.
    process.on('SIGINT', stop).on('SIGTERM', stop);
    server.once('error', (err: NodeJS.ErrnoException) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      if (err.code === 'EADDRINUSE') say(`cannot serve the page: ${host}:${port} is in use (give another --port, or --port 0 for any free port)`);
      else say(`cannot serve the page on ${host}:${port}: ${err.message}`);
      resolve(1);
    });
    server.listen(port, host, () => {
      const shown = host.includes(':') ? `[${host}]` : host;
      process.stdout.write(`http://${shown}:${(server.address() as AddressInfo).port}/\n`);
      say(`serving ${options.root} (${isolation ? 'cross-origin isolated' : 'not cross-origin isolated'}, ${wasmCsp ? "CSP script-src 'self' 'wasm-unsafe-eval'" : "CSP script-src 'self': WebAssembly blocked"}); Ctrl-C stops`);
      if (!LOOPBACK.test(host)) {
        // Browsers isolate only secure contexts: plain http to another address gets the message path.
        say(`listening on ${host}: other machines can load the page; over plain http to an address other than loopback the page is not cross-origin isolated`);
      }
    });
  });
}
