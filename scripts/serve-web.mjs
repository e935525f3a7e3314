// `npm run web [-- [--port N] [--host H] [--no-isolation] [--no-wasm-csp]]`: serves dist/web/
// on 127.0.0.1 with the server `dmint-miner web` runs (src/node/web-server.ts, imported from its
// build dist/node/web-server.js), so the page gets the headers it wants:
//   Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp
//     (the page is then cross-origin isolated: SharedArrayBuffer, shared-memory scheduling);
//   Content-Security-Policy with script-src 'self' 'wasm-unsafe-eval' (nothing from elsewhere);
// and nothing outside dist/web/ is reachable. Beside the command's flags, two for tests and
// for trying the other paths:
//   --port N         port (default 8080; 0 = any free port); the URL is printed either way
//   --host H         address to listen on (default 127.0.0.1)
//   --no-isolation   omit COOP/COEP: the page uses message scheduling, as on ordinary hosting
//   --no-wasm-csp    a CSP without 'wasm-unsafe-eval': WebAssembly is blocked, the page must say so
//   --help, -h       print the usage line
// An unknown flag, a flag without its value or a bad port: a one-line message and the usage
// line on stderr, exit 1. A port in use: one line, exit 1. Ctrl-C or SIGTERM: exit 0.
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

let server;
try {
  server = await import('../dist/node/web-server.js');
} catch (err) {
  fatal(`cannot load dist/node/web-server.js (${err.message}): run npm run build first`);
}
const root = fileURLToPath(new URL('../dist/web/', import.meta.url));
process.exit(await server.serveUntilStopped({ ...options, root, say: (line) => console.error(`serve-web: ${line}`) }));
