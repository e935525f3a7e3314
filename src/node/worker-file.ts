/** Where the piscina worker lives, for the CLI's pool and the library's Miner. */
import { fileURLToPath } from 'node:url';

/**
 * The bundled worker beside this module in dist/node/; run from source (as in
 * tests), the built one. In the CommonJS bundles, the build defines
 * `import.meta.url` from `__filename`, so this holds there too.
 */
export const DEFAULT_WORKER: URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/node/worker.cjs', import.meta.url)
  : new URL('./worker.cjs', import.meta.url);

/** A file path for piscina from a path or a file URL. */
export function workerPath(file: string | URL = DEFAULT_WORKER): string {
  return file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
}
