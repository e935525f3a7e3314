// `dmint-miner web`: the real command serving the shipped page over real HTTP:
// its headers and MIME types, no path outside dist/web whatever the request
// says, a port in use, bad flags, and a clean exit on SIGINT and SIGTERM.
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type WebServer } from '../support/browser.ts';
import { BIN, runCli } from '../support/cli.ts';
import { httpGet, rawGet } from '../support/http.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = `${ROOT}dist/web/`;

/** The command on a free port. */
const web = (...flags: string[]): Promise<WebServer> => startServer([BIN, 'web', '--port', '0', ...flags]);

/** Texts of files outside dist/web the traversals aim at: none may appear in an answer. */
const OUTSIDE = {
  packageJson: '"name": "wasm-dmint-miner"',
  cli: readFileSync(`${ROOT}dist/node/dmint-miner.js`, 'utf8').split('\n').find((l) => l.length > 40)!,
  passwd: 'root:x:0:0',
};

/** An occupied port on 127.0.0.1. */
function occupy(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}

describe('dmint-miner web', () => {
  let server: WebServer;
  beforeAll(async () => {
    server = await web();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('listens on 127.0.0.1, prints only its URL on stdout and a note on stderr', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // stderr is another pipe: the note may arrive after the URL.
    await vi.waitFor(() => expect(server.stderr()).not.toBe(''));
    expect(server.stderr()).toMatch(/^dmint-miner: serving .*dist\/web.* \(cross-origin isolated, CSP script-src 'self' 'wasm-unsafe-eval'\); Ctrl-C stops\n$/);
  });

  it('serves the shipped page byte for byte with the isolation headers and the CSP', async () => {
    const r = await httpGet(server.url, '/');
    expect(r.status).toBe(200);
    expect(r.body).toBe(readFileSync(`${PAGE}index.html`, 'utf8'));
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(r.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect((await httpGet(server.url, '/app.js?v=1')).body).toBe(readFileSync(`${PAGE}app.js`, 'utf8'));
  });

  it('gives each file of the page its MIME type, with nosniff', async () => {
    const types: Record<string, string> = {
      '/index.html': 'text/html; charset=utf-8',
      '/app.js': 'text/javascript; charset=utf-8',
      '/worker.js': 'text/javascript; charset=utf-8',
      '/style.css': 'text/css; charset=utf-8',
      '/favicon.svg': 'image/svg+xml',
    };
    for (const [path, type] of Object.entries(types)) {
      const r = await httpGet(server.url, path, 'HEAD');
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
    }
  });

  it('answers a missing file 404 and anything but GET and HEAD 405', async () => {
    expect((await httpGet(server.url, '/nothing-here.js')).status).toBe(404);
    const post = await httpGet(server.url, '/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  // Each aims at a file that exists outside dist/web: dist/node/dmint-miner.js
  // (one level up), the repository's package.json (two), /etc/passwd.
  const TRAVERSALS = [
    '/../node/dmint-miner.js', '/../../package.json', '/a/../../package.json', '/a/b/../../../package.json',
    '/../../../../etc/passwd', '/../../../../../../../../etc/passwd', '/..', '/.',
    '/%2e%2e/node/dmint-miner.js', '/%2E%2e/%2e%2E/package.json', '/.%2e/.%2E/package.json', '/%2e%2e%2f%2e%2e%2fpackage.json',
    '/..%2fnode%2fdmint-miner.js', '/..%2F..%2Fpackage.json', '/a%2f..%2f..%2f..%2fpackage.json',
    '/..%5cnode%5cdmint-miner.js', '/..%5C..%5Cpackage.json', '/..\\node\\dmint-miner.js', '/\\..\\..\\package.json', '/a\\..\\..\\..\\package.json',
    '//etc/passwd', '///etc/passwd', `/${ROOT}package.json`, `/%2f${ROOT.slice(1)}package.json`, '/%2fetc%2fpasswd',
    '/C:/Windows/win.ini', '/C:%5cWindows%5cwin.ini', '/c:', '/%00', '/index.html%00.txt', '/..%00/package.json',
    '/%E0%A4%A', '/%',
  ];
  it.each(TRAVERSALS)('refuses %s without a byte of the file', async (path) => {
    const r = await httpGet(server.url, path);
    expect([400, 403, 404]).toContain(r.status);
    expect(r.body).toMatch(/^\d{3} [A-Za-z ]+\n$/);
    for (const text of Object.values(OUTSIDE)) expect(r.body).not.toContain(text);
  });

  // Targets node:http will not send: a raw NUL, an absolute-form URL, a dot segment before the client sees it.
  it.each(['/index.html\0', '/..\0/package.json', `http://127.0.0.1/../../package.json`, 'http://evil/../node/dmint-miner.js', '*', 'package.json'])(
    'refuses the raw target %j', async (target) => {
      const r = await rawGet(server.url, target);
      expect([400, 403, 404]).toContain(r.status);
      for (const text of Object.values(OUTSIDE)) expect(r.body).not.toContain(text);
    },
  );

  it('--host is the address it listens on', async () => {
    const other = await web('--host', '127.0.0.2');
    try {
      expect(other.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/$/);
      expect((await httpGet(other.url, '/favicon.svg')).body).toBe(readFileSync(`${PAGE}favicon.svg`, 'utf8'));
    } finally {
      await other.close();
    }
  });
});

describe('dmint-miner web: stopping and failing', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s closes it with exit 0, open keep-alive connections and all', async (signal) => {
    const s = await web();
    // An idle keep-alive connection must not hold the process open.
    const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    const started = performance.now();
    expect(await s.close(signal)).toBe(0);
    expect(performance.now() - started).toBeLessThan(2_000);
    socket.destroy();
  });

  it('a port in use is one line naming host and port on stderr, exit 1, nothing on stdout', async () => {
    const { port, server } = await occupy();
    try {
      const r = await runCli(['web', '--port', String(port)], '', { timeoutMs: 10_000 });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`dmint-miner: cannot serve the page: 127.0.0.1:${port} is in use (give another --port, or --port 0 for any free port)\n`);
    } finally {
      server.close();
    }
  });

  it('listens on port 8080 by default (or says 127.0.0.1:8080 is in use)', async () => {
    const r = await runCli(['web'], '', {
      timeoutMs: 10_000,
      onSpawn: (child) => child.stdout!.once('data', () => child.kill('SIGTERM')),
    });
    if (r.stdout === '') {
      expect(r.stderr).toMatch(/127\.0\.0\.1:8080 is in use/);
      expect(r.code).toBe(1);
    } else {
      expect(r.stdout).toBe('http://127.0.0.1:8080/\n');
      expect(r.code).toBe(0);
    }
  });

  const BAD: Array<[string[], RegExp]> = [
    [['--port', 'abc'], /--port takes a port number from 0 to 65535 \(0: any free port\), got "abc"/],
    [['--port', '-1'], /--port/],
    [['--port=-1'], /--port takes a port number .*got "-1"/],
    [['--port', '65536'], /--port takes a port number .*got "65536"/],
    [['--port', '1e3'], /--port takes a port number/],
    [['--port', ''], /--port needs a value: a port number/],
    [['--port'], /--port/],
    [['--host'], /--host/],
    [['--host='], /--host needs a value: an address/],
    [['--bogus'], /unknown option --bogus/],
    [['extra'], /unexpected argument "extra"/],
  ];
  it.each(BAD)('web %j is a usage error: exit 1, one line, stdout empty', async (flags, reason) => {
    const r = await runCli(['web', ...flags], '', { timeoutMs: 10_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toMatch(/^dmint-miner: usage error: [^\n]*\n$/);
  });

  it('--help documents the subcommand', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain('dmint-miner web [--port N] [--host H]');
    expect(r.stdout).toMatch(/^web: serves the mining page/m);
  });
});
