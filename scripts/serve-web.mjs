// `npm run web [-- [--port N] [--no-isolation] [--no-wasm-csp]]`: a tiny static
// server for dist/web/ on 127.0.0.1, with the headers the mining page wants:
//   Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp
//     (the page is then cross-origin isolated: SharedArrayBuffer, shared-memory scheduling);
//   Content-Security-Policy with script-src 'self' 'wasm-unsafe-eval' (nothing from elsewhere).
// Flags for tests and for trying the other paths:
//   --port N         port (default 8080; 0 = any free port); the URL is printed either way
//   --host H         address to listen on (default 127.0.0.1)
//   --no-isolation   omit COOP/COEP: the page uses message scheduling, as on ordinary hosting
//   --no-wasm-csp    a CSP without 'wasm-unsafe-eval': WebAssembly is blocked, the page must say so
//   --help, -h       print the usage line
// An unknown flag, a flag without its value or a bad port: a one-line message and the usage
// line on stderr, exit 1.
// Only files inside dist/web/ are served; anything else is 403 or 404.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptArgs, scriptFailure } from './script-args.mjs';

const USAGE = 'usage: node scripts/serve-web.mjs [--port N] [--host H] [--no-isolation] [--no-wasm-csp]';

const fatal = scriptFailure('serve-web', USAGE);

// Strict: a mistyped flag or a flag without its value is an error, not ignored.
const { values } = scriptArgs({
  port: { type: 'string' },
  host: { type: 'string' },
  'no-isolation': { type: 'boolean' },
  'no-wasm-csp': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}, fatal);
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.port !== undefined && (!/^[0-9]+$/.test(values.port) || Number(values.port) > 65535)) {
  fatal(`--port takes a number from 0 to 65535, got ${JSON.stringify(values.port)}`);
}
const options = {
  port: values.port === undefined ? 8080 : Number(values.port),
  host: values.host ?? '127.0.0.1',
  isolation: !values['no-isolation'],
  wasmCsp: !values['no-wasm-csp'],
};

const root = fileURLToPath(new URL('../dist/web/', import.meta.url)).replace(/[\\/]$/, '');
let realRoot;
try {
  realRoot = realpathSync(root);
} catch {
  fatal(`${root} does not exist: run npm run build first`);
}

const MIME = {
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

const scriptSrc = options.wasmCsp ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'";
const CSP = [
  "default-src 'self'",
  scriptSrc,
  "style-src 'self'",
  "img-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function headers(type) {
  const h = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
  if (type) h['Content-Type'] = type;
  if (options.isolation) {
    h['Cross-Origin-Opener-Policy'] = 'same-origin';
    h['Cross-Origin-Embedder-Policy'] = 'require-corp';
    h['Cross-Origin-Resource-Policy'] = 'same-origin';
  }
  return h;
}

function refuse(res, code, text) {
  res.writeHead(code, headers('text/plain; charset=utf-8'));
  res.end(`${code} ${text}\n`);
}

/** The file under dist/web/ a request path names, or a status code. */
function locate(rawUrl) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(rawUrl, 'http://localhost').pathname);
  } catch {
    return 400;
  }
  if (pathname.includes('\0')) return 400;
  let file = resolve(root, '.' + pathname);
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
  // A symbolic link must not lead out of dist/web either.
  const real = realpathSync(file);
  if (!real.startsWith(realRoot + sep)) return 403;
  return { file: real, size: st.size };
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    refuse(res, 405, 'Method Not Allowed');
    return;
  }
  const found = locate(req.url ?? '/');
  if (typeof found === 'number') {
    refuse(res, found, { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[found]);
    return;
  }
  res.writeHead(200, { ...headers(MIME[extname(found.file).toLowerCase()] ?? 'application/octet-stream'), 'Content-Length': found.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
});

server.on('error', (err) => fatal(`cannot listen on ${options.host}:${options.port}: ${err.message}`));
server.listen(options.port, options.host, () => {
  const { port } = server.address();
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const notes = [
    options.isolation ? 'cross-origin isolated (COOP/COEP)' : 'not cross-origin isolated',
    options.wasmCsp ? "CSP script-src 'self' 'wasm-unsafe-eval'" : "CSP script-src 'self' (WebAssembly blocked)",
  ];
  console.log(`http://${host}:${port}/`);
  console.error(`serve-web: serving dist/web/ (${notes.join(', ')}); Ctrl-C stops`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
