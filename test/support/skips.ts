// Every suite that needs something this machine may lack goes through here: which Debian
// packages turn each group on, how to tell whether they are here, the one line a suite that
// cannot run prints, and the note its tests are skipped with, which the summary reporter
// (test/support/summary-reporter.ts) lists at the end of the run.
//
// DMINT_TEST_HIDE=chromium,firefox,webkit,slurm,mesa,pty,linux makes the named groups count as
// missing, to see what a machine without them runs (and prints) without uninstalling anything.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestOptions } from 'vitest';
import { ENGINE_PACKAGES, ENGINE_PATHS, hasEngine } from '../../scripts/engines.mjs';
import type { GpuAdapterSummary } from '../../src/gpu/kernel.ts';
import type { GpuProcess, GpuProcessStart } from '../../src/node/gpu-process.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** Why the test was skipped and what would run it, set by {@link needs} on a skipped suite or test. */
    skipNote?: string;
  }
}

/** A group of tests that needs something a machine may lack. */
export type SkipGroup = 'chromium' | 'firefox' | 'webkit' | 'slurm' | 'mesa' | 'pty' | 'linux';

/** The groups whose presence is known without starting anything (all but `mesa`, which needs a GPU process opened). */
export type StaticGroup = Exclude<SkipGroup, 'mesa'>;

/** What each group runs and the Debian packages that turn it on (none for `linux`: it needs the OS). */
export const SKIP_GROUPS: Record<SkipGroup, { runs: string; packages: readonly string[] }> = {
  chromium: { runs: 'the browser suites in Chromium', packages: ENGINE_PACKAGES.chromium },
  firefox: { runs: 'the cross-engine suite in Firefox ESR', packages: ENGINE_PACKAGES.firefox },
  webkit: { runs: 'the cross-engine suite in WebKitGTK', packages: ENGINE_PACKAGES.webkit },
  slurm: { runs: 'the Slurm recipe on a single-node cluster (as root)', packages: ['slurm-wlm', 'munge'] },
  mesa: { runs: 'the GPU suites in Node (Dawn on Mesa\'s llvmpipe)', packages: ['libegl-mesa0', 'libgl1-mesa-dri', 'libegl-dev'] },
  pty: { runs: 'the terminal tests (python3\'s pty module)', packages: ['python3'] },
  linux: { runs: 'the Linux-only tests (nice values in /proc, adapters hidden through the environment)', packages: [] },
};

/** The environment variable naming groups to treat as missing. */
export const HIDE_ENV = 'DMINT_TEST_HIDE';

/** The groups {@link HIDE_ENV} hides. */
export function hiddenGroups(env: NodeJS.ProcessEnv = process.env): Set<string> {
  return new Set((env[HIDE_ENV] ?? '').split(',').map((g) => g.trim()).filter(Boolean));
}

/** The GPU process's script, which the probe starts. */
const GPU_CHILD = fileURLToPath(new URL('../../dist/node/gpu-child.js', import.meta.url));
const SLURM_PATHS = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch', '/usr/sbin/munged', '/usr/bin/munge'];
const WEBKIT_PATHS = [ENGINE_PATHS.webkit, '/usr/bin/xvfb-run', '/usr/bin/xauth'];

/** Why a static group cannot run here (null: it can), and, when installing its packages would not help, what would. */
function detect(group: StaticGroup): { reason: string; remedy?: string } | null {
  switch (group) {
    case 'chromium':
    case 'firefox':
      return hasEngine(group) ? null : { reason: `${ENGINE_PATHS[group]} is missing` };
    case 'webkit':
      return hasEngine('webkit') ? null : { reason: `WebKitWebDriver, MiniBrowser or xvfb-run is missing (${WEBKIT_PATHS.filter((p) => !existsSync(p)).join(', ') || 'MiniBrowser'})` };
    case 'slurm': {
      const gone = SLURM_PATHS.filter((p) => !existsSync(p));
      if (gone.length > 0) return { reason: `${gone.join(', ')} missing` };
      // slurmctld and slurmd are started by the test itself, which only root may do.
      return process.getuid?.() === 0 ? null : { reason: 'not root: the test starts slurmctld and slurmd', remedy: 'run the tests as root' };
    }
    case 'pty':
      if (process.platform === 'win32') return { reason: 'no pseudo-terminals on Windows', remedy: 'run on Linux or macOS' };
      return spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0 ? null : { reason: 'python3 with its pty module is missing' };
    case 'linux':
      return process.platform === 'linux' ? null : { reason: `this is ${process.platform}, not Linux`, remedy: 'run on Linux' };
  }
}

const detected = new Map<StaticGroup, { reason: string; remedy?: string } | null>();

/** Why `group` is missing here, honouring {@link HIDE_ENV}; null where it can run. Checked once per test file. */
function absence(group: SkipGroup): { reason: string; remedy?: string } | null {
  if (hiddenGroups().has(group)) return { reason: `hidden by ${HIDE_ENV}` };
  if (group === 'mesa') return null; // known only by opening the GPU process: openGpuOrSkip
  if (!detected.has(group)) detected.set(group, detect(group));
  return detected.get(group)!;
}

/** Whether `group` can run on this machine (false also where {@link HIDE_ENV} hides it). */
export function available(group: StaticGroup): boolean {
  return absence(group) === null;
}

const announced = new Set<string>();

/**
 * The note tests of `group` are skipped with: `group: reason; remedy` (by default the
 * `apt-get install` of its packages). The first time in a test file it also prints the one line
 * saying what is skipped, why, and what to install; `detail` (e.g. an error message) goes into
 * that line only, so that the same cause gives the same note in every file.
 */
export function skipNote(group: SkipGroup, reason: string, remedy?: string, detail?: string): string {
  const packages = SKIP_GROUPS[group].packages;
  const fix = remedy ?? (packages.length > 0 ? `apt-get install -y ${packages.join(' ')}` : 'nothing to install');
  const note = `${group}: ${reason}; ${fix}`;
  if (!announced.has(note)) {
    announced.add(note);
    console.warn(`SKIPPED ${SKIP_GROUPS[group].runs}: ${reason}${detail ? ` (${detail})` : ''}; ${fix}`);
  }
  return note;
}

/**
 * Options for `describe(name, needs(group), fn)` or `it(name, needs(group), fn)`: nothing where
 * `group` can run; otherwise skip, carrying the note (in the tests' meta, which the reporter
 * reads) and printing the one line. A skipped suite's hooks do not run either.
 */
export function needs(group: StaticGroup): TestOptions {
  const missing = absence(group);
  if (missing === null) return {};
  return { skip: true, meta: { skipNote: skipNote(group, missing.reason, missing.remedy) } };
}

/** A GPU process opened for a suite, or why there is none and the note its GPU tests skip with. */
export type GpuProbe =
  | { ok: true; gpu: GpuProcess; start: GpuProcessStart; adapter: GpuAdapterSummary | null }
  | { ok: false; reason: string; note: string };

/**
 * The `mesa` group's detection: open the real GPU process (dist/node/gpu-child.js) and wait
 * until it has an adapter and a compiled kernel; `keep` leaves it open for the suite. Where that
 * fails (or {@link HIDE_ENV} hides `mesa`), print the one line naming `testFile` and return the
 * note; the caller then skips every test that needs the GPU with `ctx.skip(probe.note)`.
 */
export async function openGpuOrSkip(testFile: string | URL, options: { threads?: number; keep?: boolean } = {}): Promise<GpuProbe> {
  const name = typeof testFile === 'string' ? testFile : `test/gpu/${basename(fileURLToPath(testFile))}`;
  const hidden = absence('mesa');
  if (hidden) return { ok: false, reason: hidden.reason, note: skipNote('mesa', hidden.reason, undefined, name) };
  // A missing build is a failure, not a machine without a GPU.
  if (!existsSync(GPU_CHILD)) throw new Error(`${GPU_CHILD} is missing: build first (npm run build)`);
  // Imported here so that the suites that never open a GPU do not load the GPU process's code.
  const { startGpuProcess } = await import('../../src/node/gpu-process.ts');
  const start = startGpuProcess({ threads: options.threads ?? 2 });
  try {
    const gpu = await start.ready;
    if (!options.keep) {
      start.kill();
      await start.ended;
    }
    return { ok: true, gpu, start, adapter: gpu.adapter };
  } catch (err) {
    start.kill();
    await start.ended;
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, reason, note: skipNote('mesa', 'no WebGPU adapter in Node', undefined, `${name}: ${reason}`) };
  }
}

/**
 * The note for Chromium's WebGPU tests where Chromium offers no adapter (its SwiftShader ships in
 * the chromium package), printed once per file with `detail` (what the page found).
 */
export function noChromiumAdapter(detail?: string): string {
  return skipNote('chromium', 'Chromium offers no WebGPU adapter (SwiftShader)', undefined, detail);
}
