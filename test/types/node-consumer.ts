// Compiled (never run) by `tsc -p test/types`: a Node user's program importing the
// package by its name, resolved through package.json "exports" to the shipped
// declarations in dist/types, with Node's types only (no DOM lib).
import { Miner, mine, parseRequest, spawnMiner, verifySolution, estimate, RequestError, type FromChild, type MineProgress, type MineResponse, type ToChild } from 'wasm-dmint-miner';
// A parent that speaks the child's messages itself takes their types from the child's entry.
import type { FromChild as IpcFromChild, JobId, ToChild as IpcToChild } from 'wasm-dmint-miner/ipc';

const request = { preimage_hex: '00'.repeat(64), target_hex: '7fffffffffffffff', nonce_width: 4 } as const;
const parsed = parseRequest(request);
const odds: number = estimate(parsed.effectiveTarget).expectedAttempts;
const controller = new AbortController();
const onProgress = (p: MineProgress): void => void [p.attempts, p.elapsed_s, p.rate, p.watermark + 1n];

export async function run(): Promise<MineResponse[]> {
  const miner = new Miner({ threads: 2 });
  miner.setThreads(1);
  miner.pause();
  miner.resume();
  const child = spawnMiner({ threads: 1 });
  const results = await Promise.all([
    mine(request, { threads: 2, signal: controller.signal, onProgress, start: 0n, count: 1000 }),
    miner.mine(JSON.stringify(request)),
    child.mine(request, { start: 5 }),
  ]);
  await Promise.all([miner.close(), child.close()]);
  const ok: boolean = (await verifySolution(parsed, 0n, async (b: Uint8Array) => b)).valid;
  if (!ok && odds > 0) throw new RequestError('bad_preimage', 'unreachable');
  return results;
}

// The './ipc' message types are the library's, both ways.
const id: JobId = 7;
export const toChild: IpcToChild = { type: 'mine', id, request, options: { start: '0x10' } } satisfies ToChild;
export const relay = (m: FromChild): IpcFromChild => m;
export const reply = (m: IpcFromChild): FromChild => m;
