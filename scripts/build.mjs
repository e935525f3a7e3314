// Builds everything: generates the kernel source, compiles both wasm builds with
// AssemblyScript, then bundles the TypeScript entries with the wasm inlined.
//   node scripts/build.mjs              build
//   node scripts/build.mjs --if-needed  build only when a source is newer than the outputs
// Any other argument is a one-line error and exit 1, before anything is touched.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scriptArgs, scriptFailure } from './script-args.mjs';

// Strict, so a mistyped flag stops here instead of silently running a full build.
const { values } = scriptArgs({ 'if-needed': { type: 'boolean' } }, scriptFailure('build', 'usage: node scripts/build.mjs [--if-needed]'));

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

/**
 * The Node command (ESM), the page's server it loads and its piscina worker (CommonJS, so it also loads from an asar archive);
 * the mining page (dist/web/: its static files, its ESM entry and its module worker).
 */
const WEB_STATIC = ['index.html', 'style.css', 'favicon.svg'];
const OUTPUTS = [
  'build/kernel-simd.wasm', 'build/kernel-scalar.wasm', 'src/gpu/generated/wgsl.ts', 'dist/node/dmint-miner.js', 'dist/node/index.js', 'dist/node/worker.cjs', 'dist/node/ipc.cjs', 'dist/node/web-server.js', 'dist/node/gpu-child.js',
  'dist/web/app.js', 'dist/web/worker.js', 'dist/types/index.d.ts', 'dist/types/browser.d.ts', 'dist/types/ipc.d.cts', 'dist/browser/index.js', 'dist/browser/worker.js',
  ...WEB_STATIC.map((f) => `dist/web/${f}`),
];
const INPUTS = ['assembly', 'src', 'scripts', 'web', 'asconfig.json', 'package.json', 'tsconfig.json', 'tsconfig.types.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'generated') continue; // our own output
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

function upToDate() {
  const outs = OUTPUTS.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0));
  const oldestOut = Math.min(...outs);
  return oldestOut > 0 && INPUTS.every((p) => newestMtime(p) < oldestOut);
}

if (values['if-needed'] && upToDate()) process.exit(0);

const t0 = performance.now();
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['scripts/gen-kernel.mjs', 'assembly/generated'], { stdio: 'inherit' });
execFileSync(process.execPath, ['scripts/gen-wgsl.mjs', 'src/gpu/generated/wgsl.ts'], { stdio: 'inherit' });

const { default: asc } = await import('assemblyscript/asc');
for (const target of ['simd', 'scalar']) {
  const { error, stderr } = await asc.main(['assembly/generated/' + target + '.ts', '--config', 'asconfig.json', '--target', target]);
  if (error) {
    process.stderr.write(stderr.toString());
    throw new Error(`asc failed for the ${target} build: ${error.message}`);
  }
}

const esbuild = await import('esbuild');
// Source maps are written beside the bundles for debugging in a clone, with no
// sourceMappingURL comment: the package does not ship them, and a comment naming a
// file that is not there makes consumers' bundlers and dev tools warn.
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  loader: { '.wasm': 'binary' },
  sourcemap: 'external',
  logLevel: 'warning',
};
// The page's server is its own file, which scripts/serve-web.mjs imports too; the
// command loads that file instead of carrying a second copy.
const webServerBeside = {
  name: 'web-server-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/web-server\.ts$/ }, () => ({ path: './web-server.js', external: true }));
  },
};
await esbuild.build({ ...node, entryPoints: ['src/node/web-server.ts'], outfile: 'dist/node/web-server.js', format: 'esm' });
await esbuild.build({ ...node, entryPoints: ['src/node/dmint-miner.ts'], outfile: 'dist/node/dmint-miner.js', format: 'esm', plugins: [webServerBeside] });
await esbuild.build({ ...node, entryPoints: ['src/node/index.ts'], outfile: 'dist/node/index.js', format: 'esm' });
// The GPU process (src/node/gpu-process.ts starts it): Dawn in a process of its own, never with node:crypto.
await esbuild.build({ ...node, entryPoints: ['src/node/gpu-child.ts'], outfile: 'dist/node/gpu-child.js', format: 'esm' });
// CommonJS has no import.meta: give it one from __filename, so modules that find
// their neighbours with new URL('./x', import.meta.url) work in these bundles too.
const cjs = {
  ...node,
  format: 'cjs',
  define: { 'import.meta.url': 'import_meta_url' },
  banner: { js: "const import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};
await esbuild.build({ ...cjs, entryPoints: ['src/node/worker.ts'], outfile: 'dist/node/worker.cjs' });
await esbuild.build({ ...cjs, entryPoints: ['src/node/ipc.ts'], outfile: 'dist/node/ipc.cjs' });

// Browser bundles: ESM, each worker its own entry beside the script that starts it
// with new URL('./worker.js', import.meta.url), the wasm inlined.
const browser = {
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  loader: { '.wasm': 'binary' },
  sourcemap: 'external',
  logLevel: 'warning',
};
// The page (minified: it is served as is).
await esbuild.build({ ...browser, entryPoints: { app: 'web/app.ts', worker: 'src/browser/worker.ts' }, outdir: 'dist/web', minify: true });
for (const f of WEB_STATIC) copyFileSync(`web/${f}`, `dist/web/${f}`);
// The browser library (readable: it ends up inside other people's bundles).
await esbuild.build({ ...browser, entryPoints: { index: 'src/browser/lib.ts', worker: 'src/browser/worker.ts' }, outdir: 'dist/browser' });

// Type declarations: one rolled-up file per public entry, so the package ships
// its public surface and no declaration of an internal module. tsc writes one
// .d.ts per module reachable from the entries into build/types (never shipped);
// rollup-plugin-dts then inlines, per entry, what the entry's exports need and
// drops the rest. TypeScript 7 has no JS compiler API: the plugin falls back to
// @typescript/typescript6, a devDependency used only for this step (tsc stays 7).
// Each source is a module whose exports are that entry's whole surface.
const TYPE_ENTRIES = {
  'dist/types/index.d.ts': 'build/types/node/index.d.ts', // `.` under Node
  'dist/types/browser.d.ts': 'build/types/browser/lib.d.ts', // `./browser`, `.` with the browser condition
  // `./ipc` is a program, not a library: its types are the messages it speaks (.d.cts beside a CommonJS file).
  'dist/types/ipc.d.cts': 'build/types/core/ipc-messages.d.ts',
};
rmSync('build/types', { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.types.json'], { stdio: 'inherit' });
const { rollup } = await import('rollup');
const { dts } = await import('rollup-plugin-dts');
mkdirSync('dist/types', { recursive: true });
for (const [file, input] of Object.entries(TYPE_ENTRIES)) {
  // Non-relative imports (node:*) stay imports: rollup's warning for each is expected.
  const bundle = await rollup({ input, plugins: [dts()], onLog: (level, log) => log.code !== 'UNRESOLVED_IMPORT' && console.error(`${level}: ${log.message}`) });
  const { output: [chunk] } = await bundle.generate({ format: 'es' });
  await bundle.close();
  // One file-level comment per file, the entry's: the plugin drops it (or leaves
  // it below the inlined modules) and keeps those of the internal modules, which
  // describe no public thing and would read as the file's doc to doc tools.
  const moduleDoc = /\/\*\*(?:[^*]|\*(?!\/))*@module(?:[^*]|\*(?!\/))*\*\/\n*/g;
  const header = moduleDoc.exec(readFileSync(input, 'utf8'))?.[0] ?? '';
  writeFileSync(file, header + chunk.code.replace(moduleDoc, ''));
}
console.error(`build: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
