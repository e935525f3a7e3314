// The package as users import it: Node resolves the name to the piscina host and
// './ipc' to the CommonJS child; a bundler with the browser condition gets the Web
// Worker host, with nothing of Node in the bundle; `files` ships what those need.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Resolution from inside the package folder uses its own "exports" (self-reference), as users' resolution does.
const require = createRequire(new URL('../../package.json', import.meta.url));

async function bundle(platform: 'node' | 'browser'): Promise<{ text: string; inputs: string[] }> {
  const r = await build({
    stdin: { contents: "export { Miner, mine, parseRequest } from 'wasm-dmint-miner';", resolveDir: root, loader: 'ts' },
    bundle: true, write: false, platform, format: 'esm', metafile: true, logLevel: 'silent',
    external: ['piscina'], loader: { '.wasm': 'binary' },
  });
  return { text: r.outputFiles[0]!.text, inputs: Object.keys(r.metafile!.inputs) };
}

describe('package exports', () => {
  it('resolves the name to the Node library and ./ipc to the CommonJS child under Node', async () => {
    expect(require.resolve('wasm-dmint-miner')).toBe(`${root}dist/node/index.js`);
    expect(require.resolve('wasm-dmint-miner/ipc')).toBe(`${root}dist/node/ipc.cjs`);
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

  it('packs the entries, their workers and declarations, and no sources, tests or maps', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    for (const f of ['dist/node/index.js', 'dist/node/dmint-miner.js', 'dist/node/worker.cjs', 'dist/node/ipc.cjs', 'dist/browser/index.js',
      'dist/browser/worker.js', 'dist/types/index.d.ts', 'dist/types/browser.d.ts', 'README.md', 'LICENSE', 'package.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|assembly|scripts|fixtures|web|examples)\/|\.map$/.test(f))).toEqual([]);
  });
});
