// The browser library's API is the Node library's (no browser needed): the
// entry's names, the Miner's members, and the shapes of responses, progress and
// options, so that code written against one runs against the other.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as TS from '@typescript/typescript6';
import { beforeAll, describe, expect, it } from 'vitest';
import * as browserLib from '../../src/browser/lib.ts';
import type * as B from '../../src/browser/lib.ts';
import * as nodeLib from '../../src/node/index.ts';
import type * as N from '../../src/node/index.ts';

/** Miner options only a browser has: where its worker script is, and the scheduling path. */
type BrowserMinerOnly = 'workerUrl' | 'mode';
/** Miner options only Node has: where its worker file is, the GPU's child process, the workers' head start under `auto`. */
type NodeMinerOnly = 'workerFile' | 'gpuProcess' | 'headStart';

/** True when A and B are mutually assignable (weak: two types of optional members only always are). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Compile-time checks (npx tsc -p .): a drift in either host fails the type-check
// too; the test below makes the same comparison at run time and names the drift.
const sameShapes: [
  Same<B.MineResponse, N.MineResponse>,
  Same<B.MineProgress, N.MineProgress>,
  Same<B.JobOptions, N.JobOptions>,
  Same<Omit<B.MineOptions, 'workerUrl'>, N.MineOptions>,
  Same<Omit<B.MinerOptions, BrowserMinerOnly>, Omit<N.MinerOptions, NodeMinerOnly>>,
  Same<ReturnType<typeof B.abortError>, ReturnType<typeof N.abortError>>,
] = [true, true, true, true, true, true];
void sameShapes;

/**
 * The pairs the compile-time tuple compares, as type expressions over `B` (the browser entry)
 * and `N` (the Node entry), each with the name a failure reports.
 */
const PAIRS: Record<string, [browser: string, node: string]> = {
  MineResponse: ['B.MineResponse', 'N.MineResponse'],
  MineProgress: ['B.MineProgress', 'N.MineProgress'],
  JobOptions: ['B.JobOptions', 'N.JobOptions'],
  MineOptions: ["Omit<B.MineOptions, 'workerUrl'>", 'N.MineOptions'],
  MinerOptions: ["Omit<B.MinerOptions, 'workerUrl' | 'mode'>", "Omit<N.MinerOptions, 'workerFile' | 'gpuProcess' | 'headStart'>"],
  'abortError()': ['ReturnType<typeof B.abortError>', 'ReturnType<typeof N.abortError>'],
};

/** One side of a pair as the compiler sees it: its members (`name?: type`, one list per member of a union) and whether it is assignable to the other side. */
interface Shape {
  members: string[][];
  assignable: boolean;
}

/**
 * Type-check a small module naming every pair against the two entries, with the
 * project's compiler options, and read each side's members from the checker.
 */
function compilerShapes(): Record<string, { browser: Shape; node: Shape }> {
  const ts = createRequire(import.meta.url)('@typescript/typescript6') as typeof TS;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const probe = `${root}test/browser/__api-shapes__.ts`;
  const source = [
    "import type * as B from '../../src/browser/lib.ts';",
    "import type * as N from '../../src/node/index.ts';",
    ...Object.values(PAIRS).flatMap(([b, n], i) => [`export type B${i} = ${b};`, `export type N${i} = ${n};`]),
  ].join('\n');
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('tsconfig.json does not parse');
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === probe ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === probe || fileExists(name);
  const program = ts.createProgram([probe], { ...config.options, noEmit: true }, host);
  const problems = ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0) throw new Error(`the shapes do not type-check: ${problems.join('; ')}`);
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(probe)!)!);
  const typeOf = (name: string) => checker.getDeclaredTypeOfSymbol(exports.find((s) => s.name === name)!);
  const propsOf = (t: TS.Type) => checker.getPropertiesOfType(t).map((p) => {
    const optional = (p.flags & ts.SymbolFlags.Optional) !== 0 ? '?' : '';
    return `${p.name}${optional}: ${checker.typeToString(checker.getTypeOfSymbol(p), undefined, ts.TypeFormatFlags.NoTruncation)}`;
  }).sort();
  // A union (a hit or exhaustion) has no members in common to list: each of its types is compared.
  const membersOf = (t: TS.Type) => (t.isUnion() ? t.types : [t]).map(propsOf).sort((a, b) => a.join().localeCompare(b.join()));
  return Object.fromEntries(Object.keys(PAIRS).map((name, i) => {
    const [b, n] = [typeOf(`B${i}`), typeOf(`N${i}`)];
    return [name, {
      browser: { members: membersOf(b), assignable: checker.isTypeAssignableTo(b, n) },
      node: { members: membersOf(n), assignable: checker.isTypeAssignableTo(n, b) },
    }];
  }));
}

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
  let shapes: ReturnType<typeof compilerShapes>;
  beforeAll(() => {
    shapes = compilerShapes();
  }, 60_000);

  it('exports the Node entry\'s names minus the Node-only ones, plus the browser errors and sharedMemorySupport', () => {
    const fromNode = Object.keys(nodeLib).filter((k) => !NODE_ONLY.includes(k));
    expect(Object.keys(browserLib).filter((k) => !BROWSER_ONLY.includes(k)).sort()).toEqual(fromNode.sort());
  });

  for (const name of Object.keys(PAIRS)) {
    it(`gives ${name} the same shape in both hosts: the same members of the same types, each side assignable to the other`, () => {
      const { browser, node } = shapes[name];
      // Something to compare: an empty shape on both sides would pass on anything.
      expect(node.members.every((m) => m.length > 0), `${name} has members`).toBe(true);
      expect(browser.members, `${name}: browser members (left) against Node's (right)`).toEqual(node.members);
      expect([browser.assignable, node.assignable], `${name}: browser → Node, Node → browser`).toEqual([true, true]);
    });
  }

  it('gives the Miner the Node Miner\'s public members, what hashes (backend, backendStatus) included', () => {
    expect(members(browserLib.Miner.prototype)).toEqual(expect.arrayContaining(['backend', 'backendStatus']));
    expect(members(browserLib.Miner.prototype)).toEqual(members(nodeLib.Miner.prototype));
    expect(browserLib.abortError()).toMatchObject({ name: 'AbortError', message: nodeLib.abortError().message });
  });
});
