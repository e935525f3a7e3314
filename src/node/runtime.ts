/**
 * The JavaScript runtime the miner runs on, as `doctor` and `bench` name it,
 * and what a newer Node would bring: the kernel is the same WebAssembly, but
 * newer V8 versions compile it to faster code.
 * @module
 */

/** Node's major version below which `doctor` and `bench` recommend a newer one. */
export const CURRENT_NODE_MAJOR = 22;

/**
 * The kernel's rate on Node 24 LTS against Node 20, measured on the project's
 * 2-core Intel Xeon machine in one interleaved run (docs/benchmarks.md, "Runtimes").
 */
export const NODE24_SPEEDUP = { oneThread: 1.22, allThreads: 1.27, measuredOn: '2-core Intel Xeon' } as const;

/** What `doctor --json` and `bench --json` report of the runtime. */
export interface RuntimeReport {
  /** e.g. `Node 20.20.2` (or `Electron 41.1.0 (Node 22.x)` inside Electron). */
  name: string;
  node: string;
  v8: string;
  /** A recommendation to move to a current Node, or null when there is none. */
  advice: string | null;
}

/** Name the runtime and, on a Node older than {@link CURRENT_NODE_MAJOR}, say what a current one gains. */
export function describeRuntime(versions: Partial<Record<string, string>> = process.versions): RuntimeReport {
  const node = versions.node ?? 'unknown';
  const v8 = versions.v8 ?? 'unknown';
  const name = versions.electron ? `Electron ${versions.electron} (Node ${node})` : `Node ${node}`;
  const major = Number(node.split('.')[0]);
  const pct = (ratio: number): string => `${Math.round((ratio - 1) * 100)} %`;
  const advice = Number.isFinite(major) && major < CURRENT_NODE_MAJOR && !versions.electron
    ? `Node ${major} is behind the current LTS: on Node 24 this kernel ran ${pct(NODE24_SPEEDUP.oneThread)} faster on one thread `
      + `and ${pct(NODE24_SPEEDUP.allThreads)} faster on all threads (measured on a ${NODE24_SPEEDUP.measuredOn}); `
      + `Node ${major}${major === 20 ? ' left support in April 2026' : ' is not an LTS line'}`
    : null;
  return { name, node, v8, advice };
}
