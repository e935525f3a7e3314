import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

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

/**
 * Files whose answers no load can change: known answers, differential and property runs, the
 * CLI's errors and subcommands, the recipes (the one bound among them, the 10 s stdin limit, is
 * scaled from budgets.ts like every other). They run first, four at a time: three spend most
 * of their time waiting (that stdin limit, a terminal left idle, Slurm's scheduler). Everything
 * else (the Miner contract, the browsers, whatever times a stop or sizes a window from a rate)
 * runs after them, one file at a time, so that the machine a file measured at its start
 * (test/support/budgets.ts) is the machine it then runs on, give or take what else runs there.
 */
export const TIMES_NOTHING = [
  'test/core/{doc-references,engine,estimate,format,host-neutral,job-slot,protocol,protocol.property,range,schedule,sha256,verify}.test.ts',
  'test/kernel/*.test.ts',
  'test/gpu/{calibration,node-kernel}.test.ts',
  'test/browser/{api,helpers,miner-fake,server}.test.ts',
  'test/cli/{errors,merge,politeness,property,subcommands,terminal,vectors}.test.ts',
  'test/node/{mesa-env,miner,package-exports,runtime,web-server}.test.ts',
  'test/recipes/*.test.ts',
];
const LONG = ['test/**/*.long.test.ts', 'node_modules/**'];

/**
 * Untimed files that spend most of their time waiting: the 10 s a piped stdin gets, a terminal
 * left idle past it, Slurm's scheduler. Started first, their waits overlap the other files'
 * work instead of ending the group alone (vitest would otherwise start the largest files first).
 */
const WAITS_MOSTLY = ['test/cli/terminal.test.ts', 'test/cli/errors.test.ts', 'test/recipes/slurm.test.ts'];

/** Vitest's order (groups, then failed and longest first), with {@link WAITS_MOSTLY} moved to the front. */
class WaitersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const waits = (f: TestSpecification) => WAITS_MOSTLY.some((w) => f.moduleId.endsWith(w));
    return [...sorted.filter(waits), ...sorted.filter((f) => !waits(f))];
  }
}

export default defineConfig({
  plugins: [wasmBytes()],
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    sequence: { sequencer: WaitersFirst },
    projects: [
      {
        extends: true,
        test: { name: 'untimed', include: TIMES_NOTHING, exclude: LONG, maxWorkers: 4, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'timed',
          include: ['test/**/*.test.ts'],
          exclude: [...LONG, ...TIMES_NOTHING],
          maxWorkers: 1,
          // One process for every file, one after another: a fresh process per file cost a second
          // or more each. Each file still measures the machine afresh (test/support/per-file.ts).
          isolate: false,
          setupFiles: ['test/support/per-file.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
