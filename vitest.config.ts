import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

/** Import `.wasm` files as their bytes, as esbuild's binary loader does in the bundles. */
export function wasmBytes(): Plugin {
  return {
    name: 'wasm-bytes',
    enforce: 'pre',
    load(id) {
      if (!id.endsWith('.wasm')) return null;
      const b64 = readFileSync(id).toString('base64');
      return `export default new Uint8Array(Buffer.from(${JSON.stringify(b64)}, 'base64'));`;
    },
  };
}

export default defineConfig({
  plugins: [wasmBytes()],
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.long.test.ts', 'node_modules/**'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
