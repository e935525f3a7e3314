// The browser library's API is the Node library's (no browser needed): the
// entry's names, the Miner's members, and the shapes of responses, progress and
// options, so that code written against one runs against the other.
import { describe, expect, it } from 'vitest';
import * as browserLib from '../../src/browser/lib.ts';
import type * as B from '../../src/browser/lib.ts';
import * as nodeLib from '../../src/node/index.ts';
import type * as N from '../../src/node/index.ts';

/** True when A and B are mutually assignable. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Compile-time checks (npx tsc -p .): a drift in either host fails the type-check.
const sameShapes: [
  Same<B.MineResponse, N.MineResponse>,
  Same<B.MineProgress, N.MineProgress>,
  Same<B.JobOptions, N.JobOptions>,
  Same<Omit<B.MineOptions, 'workerUrl'>, N.MineOptions>,
  Same<Omit<B.MinerOptions, 'workerUrl' | 'backend'>, Omit<N.MinerOptions, 'workerFile'>>,
  Same<ReturnType<typeof B.abortError>, ReturnType<typeof N.abortError>>,
] = [true, true, true, true, true, true];

/** Names only the Node entry has: child processes, node:crypto, and the error of a missing GPU (a browser's is a SupportError). */
const NODE_ONLY = ['spawnMiner', 'nodeSha256', 'NoGpuError'];
/** Names only the browser entry has: the errors a browser's limits and workers raise, its choice of path. */
const BROWSER_ONLY = ['SupportError', 'WorkerFailure', 'sharedMemorySupport'];

/** Every name a Miner's instances get from their prototypes (a host may override an Engine method, as Node's close). */
const members = (proto: object | null): string[] => {
  const names = new Set<string>();
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) for (const n of Object.getOwnPropertyNames(p)) names.add(n);
  return [...names].sort();
};

describe('browser library API', () => {
  it('exports the Node entry\'s names minus the Node-only ones, plus the browser errors and sharedMemorySupport', () => {
    expect(sameShapes.every(Boolean)).toBe(true);
    const fromNode = Object.keys(nodeLib).filter((k) => !NODE_ONLY.includes(k));
    expect(Object.keys(browserLib).filter((k) => !BROWSER_ONLY.includes(k)).sort()).toEqual(fromNode.sort());
  });

  it('gives the Miner the Node Miner\'s public members, what hashes (backend, backendStatus) included', () => {
    expect(members(browserLib.Miner.prototype)).toEqual(expect.arrayContaining(['backend', 'backendStatus']));
    expect(members(browserLib.Miner.prototype)).toEqual(members(nodeLib.Miner.prototype));
    expect(browserLib.abortError()).toMatchObject({ name: 'AbortError', message: nodeLib.abortError().message });
  });
});
