// The package as users import it: Node resolves the name to the piscina host and
// './ipc' to the CommonJS child; a bundler with the browser condition gets the Web
// Worker host, with nothing of Node in the bundle; `files` ships what those need,
// and the page `dmint-miner web` serves.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer } from '../support/browser.ts';
import { httpGet } from '../support/http.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Resolution from inside the package folder uses its own "exports" (self-reference), as users' resolution does.
const require = createRequire(new URL('../../package.json', import.meta.url));

let packed: string[] | undefined;
/** What `npm pack` would put in the package (no prepare: the build is already there); asked once, it takes seconds. */
function packedFiles(): string[] {
  if (!packed) {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    packed = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
  }
  return packed!;
}

/** Every `types` path of package.json ("types" and the exports' conditions), without the leading './'. */
function typesPaths(): string[] {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
  const found = new Set<string>([pkg.types]);
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, w] of Object.entries(v)) {
      if (k === 'types' && typeof w === 'string') found.add(w);
      else walk(w);
    }
  };
  walk(pkg.exports);
  return [...found].map((p) => p.replace(/^\.\//, ''));
}

/** The names a rolled-up declaration file exports (its `export { … }` and `export type { … }` lists). */
function declaredExports(file: string): string[] {
  const text = readFileSync(`${root}${file}`, 'utf8');
  return [...text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)].flatMap((m) => m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/).pop()!).filter(Boolean));
}

/** The names a built JS entry exports at run time, as esbuild reads them. */
async function runtimeExports(file: string): Promise<string[]> {
  const r = await build({ entryPoints: [`${root}${file}`], bundle: false, write: false, format: 'esm', metafile: true, logLevel: 'silent', outdir: 'out' });
  return Object.values(r.metafile!.outputs).flatMap((o) => o.exports);
}

async function bundle(platform: 'node' | 'browser'): Promise<{ text: string; inputs: string[] }> {
  const r = await build({
    stdin: { contents: "export { Miner, mine, parseRequest } from 'wasm-dmint-miner';", resolveDir: root, loader: 'ts' },
    bundle: true, write: false, platform, format: 'esm', metafile: true, logLevel: 'silent',
    external: ['piscina'], loader: { '.wasm': 'binary' },
  });
  return { text: r.outputFiles[0]!.text, inputs: Object.keys(r.metafile!.inputs) };
}

describe('package exports', () => {
  it('resolves the name to the Node library, ./ipc to the CommonJS child and ./browser/worker.js to the module worker under Node', async () => {
    expect(require.resolve('wasm-dmint-miner')).toBe(`${root}dist/node/index.js`);
    expect(require.resolve('wasm-dmint-miner/ipc')).toBe(`${root}dist/node/ipc.cjs`);
    expect(require.resolve('wasm-dmint-miner/browser/worker.js')).toBe(`${root}dist/browser/worker.js`);
    const lib = await import('wasm-dmint-miner' as string);
    expect(typeof lib.Miner).toBe('function');
    expect(typeof lib.spawnMiner).toBe('function');
  });

  it('gives a bundler with the browser condition the Web Worker host, with nothing of Node in it', async () => {
    const web = await bundle('browser');
    expect(web.inputs).toContain('dist/browser/index.js');
    expect(web.inputs.some((f) => f.startsWith('dist/node/'))).toBe(false);
    expect(web.text).not.toMatch(/from ["']node:|require\(["']node:|piscina/);
    expect(web.text).toContain('new URL("./worker.js", import.meta.url)');
    const node = await bundle('node');
    expect(node.inputs).toContain('dist/node/index.js');
  });

  it('packs the entries, their workers and declarations, the page, and no sources, tests or maps', () => {
    const files = packedFiles();
    for (const f of ['dist/node/index.js', 'dist/node/dmint-miner.js', 'dist/node/worker.cjs', 'dist/node/ipc.cjs', 'dist/node/web-server.js', 'dist/browser/index.js',
      'dist/browser/worker.js', 'dist/types/index.d.ts', 'dist/types/browser.d.ts', 'dist/types/ipc.d.cts', 'README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']) {
      expect(files, f).toContain(f);
    }
    // The page `dmint-miner web` serves: every built file of it but the maps.
    const page = readdirSync(`${root}dist/web`).filter((f) => !f.endsWith('.map')).map((f) => `dist/web/${f}`);
    expect(page).toEqual(expect.arrayContaining(['dist/web/index.html', 'dist/web/app.js', 'dist/web/worker.js', 'dist/web/style.css', 'dist/web/favicon.svg']));
    expect(files).toEqual(expect.arrayContaining(page));
    expect(files.filter((f) => /^(src|test|assembly|scripts|fixtures|web|examples)\/|\.map$/.test(f))).toEqual([]);
  });

  // A comment naming a map that is not in the package makes consumers' bundlers and dev tools warn.
  it('ships no sourceMappingURL comment that names a file the package does not ship', () => {
    const files = packedFiles();
    const code = files.filter((f) => /\.(?:[cm]?js|css)$/.test(f));
    expect(code.length).toBeGreaterThanOrEqual(6);
    for (const f of code) {
      const text = readFileSync(`${root}${f}`, 'utf8');
      for (const [, url] of text.matchAll(/(?:\/\/|\/\*)[#@]\s*sourceMappingURL=([^\s*]+)/g)) {
        if (url!.startsWith('data:')) continue;
        const target = posix.normalize(posix.join(posix.dirname(f), decodeURI(url!.split(/[?#]/)[0]!)));
        expect(files, `${f} names ${url}`).toContain(target);
      }
    }
  });

  // The declarations describe the public entries and nothing internal: one
  // rolled-up file per entry, each self-contained, no file for any other module.
  it('packs only the rolled-up declarations that package.json names, a few self-contained files', () => {
    const declarations = packedFiles().filter((f) => /\.d\.[cm]?ts$/.test(f)).sort();
    expect(declarations).toEqual([...new Set(typesPaths())].sort());
    expect(declarations.length).toBeLessThanOrEqual(8);
    for (const f of declarations) {
      const text = readFileSync(`${root}${f}`, 'utf8');
      expect(text, `${f} imports another file of the package`).not.toMatch(/(?:from|import\()\s*['"]\.{1,2}\//);
      expect(text, `${f} declares a module`).not.toMatch(/declare module/);
    }
  });

  it("declares each entry's public names: every run-time export and the public types", async () => {
    const jobTypes = ['MineResponse', 'MineProgress', 'JobOptions', 'MineOptions', 'MinerOptions', 'MineRequest', 'ToChild', 'FromChild', 'JobId'];
    const node = declaredExports('dist/types/index.d.ts');
    expect(node).toEqual(expect.arrayContaining([...(await runtimeExports('dist/node/index.js')), ...jobTypes, 'SpawnOptions', 'MinerProcess', 'ChildStatus']));
    expect(node).toEqual(expect.arrayContaining(['Miner', 'mine', 'spawnMiner', 'parseRequest', 'RequestError']));
    const browser = declaredExports('dist/types/browser.d.ts');
    expect(browser).toEqual(expect.arrayContaining([...(await runtimeExports('dist/browser/index.js')), ...jobTypes]));
    expect(browser).toEqual(expect.arrayContaining(['Miner', 'mine', 'SupportError', 'WorkerFailure']));
    expect(browser).not.toContain('spawnMiner');
    // './ipc' is a program: its declarations are its messages, type-only.
    expect(declaredExports('dist/types/ipc.d.cts').sort()).toEqual(['FromChild', 'JobId', 'ToChild']);
    expect(readFileSync(`${root}dist/types/ipc.d.cts`, 'utf8')).not.toMatch(/^(?:export )?declare (?:function|class|const|let|var)\b/m);
  });
});

// What a user gets: the real tarball unpacked into a project's node_modules.
describe('the packed tarball in a consumer project', () => {
  let consumer: string;
  let installed: string;
  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), 'consumer-'));
    installed = join(consumer, 'node_modules', 'wasm-dmint-miner') + '/';
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', consumer], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    mkdirSync(join(consumer, 'node_modules'));
    execFileSync('tar', ['-xzf', join(consumer, JSON.parse(out)[0].filename), '-C', join(consumer, 'node_modules')]);
    renameSync(join(consumer, 'node_modules', 'package'), installed);
    // The one dependency, where npm would have put it (nothing is downloaded).
    symlinkSync(`${root}node_modules/piscina`, join(consumer, 'node_modules', 'piscina'));
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  });
  afterAll(() => {
    if (consumer) rmSync(consumer, { recursive: true, force: true });
  });

  it('dmint-miner web serves the page from the installed package', async () => {
    const server = await startServer([`${installed}dist/node/dmint-miner.js`, 'web', '--port', '0']);
    try {
      const index = await httpGet(server.url, '/');
      expect(index.status).toBe(200);
      expect(index.body).toBe(readFileSync(`${installed}dist/web/index.html`, 'utf8'));
      const app = await httpGet(server.url, '/app.js', 'HEAD');
      expect(app.status).toBe(200);
      expect(app.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect((await httpGet(server.url, '/app.js.map')).status).toBe(404);
      await vi.waitFor(() => expect(server.stderr()).toContain(`serving ${installed}dist/web/`));
    } finally {
      expect(await server.close('SIGINT')).toBe(0);
    }
  });

  it('resolves wasm-dmint-miner/browser/worker.js to the shipped worker, for Node and for a bundler', async () => {
    const worker = `${installed}dist/browser/worker.js`;
    expect(readFileSync(worker, 'utf8')).toBe(readFileSync(`${root}dist/browser/worker.js`, 'utf8'));
    const resolve = "console.log(import.meta.resolve('wasm-dmint-miner/browser/worker.js'))";
    const url = execFileSync(process.execPath, ['--input-type=module', '-e', resolve], { cwd: consumer, encoding: 'utf8' }).trim();
    expect(fileURLToPath(url)).toBe(worker);
    expect(createRequire(join(consumer, 'package.json')).resolve('wasm-dmint-miner/browser/worker.js')).toBe(worker);
    const r = await build({
      stdin: { contents: "import 'wasm-dmint-miner/browser/worker.js';", resolveDir: consumer },
      bundle: true, write: false, platform: 'browser', format: 'esm', metafile: true, logLevel: 'silent', absWorkingDir: consumer,
    });
    expect(Object.keys(r.metafile!.inputs)).toContain('node_modules/wasm-dmint-miner/dist/browser/worker.js');
  });
});
