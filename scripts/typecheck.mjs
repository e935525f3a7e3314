// Type-checks every TypeScript project of the repository (`npm run typecheck`), two at
// a time: the projects are independent and tsc uses one core, so on a 2-core machine
// this takes about half the time of running them one after another.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every tsconfig to check, as `tsc -p` takes it, relative to the repository root. */
export const TS_PROJECTS = ['.', 'test/types', 'examples/electron', 'examples/electron/tsconfig.renderer.json'];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// typescript's "exports" hide bin/tsc; its package.json is exported, and the bin sits beside it.
const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

/**
 * Run `tsc -p project` from the repository root; resolves with its exit code and
 * everything it printed (tsc reports errors on stdout).
 * @param {string} project
 * @returns {Promise<{ project: string, code: number | null, output: string }>}
 */
export function typecheck(project) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSC, '-p', project], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ project, code, output }));
  });
}

async function main() {
  const queue = [...TS_PROJECTS];
  const lanes = Math.max(1, Math.min(queue.length, availableParallelism()));
  let failed = false;
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (let project = queue.shift(); project !== undefined; project = queue.shift()) {
      const r = await typecheck(project);
      if (r.code !== 0) {
        failed = true;
        process.stderr.write(`tsc -p ${project} failed:\n${r.output}`);
      }
    }
  }));
  if (failed) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
