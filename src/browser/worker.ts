/**
 * The Web Worker entry (bundled as the module worker dist/web/worker.js). One
 * kernel instance per worker, from the compiled module the page posts. Two ways
 * to search, as the page chooses:
 *
 * - shared: {@link runSearchThread} on a {@link ChunkBoard} in a
 *   SharedArrayBuffer, synchronous until the board has no chunk left for it
 *   (stop acts through the board's flag);
 * - messages: chunks arrive one message each; the worker searches them in
 *   batches and yields to its event loop between batches, so that `cancel` and
 *   `stop` messages act within one batch;
 * - pieces (the library's Miner, {@link PieceRunner}): one message per piece,
 *   searched the same way, ended early by `piece-halt`.
 *
 * It also answers `verify` with a SHA-256 independent of the kernel, so that
 * the page's main thread never hashes.
 * @module
 */
import { bytesToHex } from '../core/bytes.ts';
import { ChunkBoard } from '../core/board.ts';
import { Kernel } from '../core/kernel.ts';
import { runSearchThread } from '../core/thread-loop.ts';
import { verifySolution } from '../core/verify.ts';
import type { FromWorker, MessageSearchMessage, ToWorker, VerifyMessage } from './messages.ts';
import { hostSha256 } from './sha256.ts';
import { PieceRunner } from './worker-pieces.ts';

/** The part of a dedicated worker's global scope this entry uses (DOM typings describe a window). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  /** Live diagnostics for tests and devtools: is a search running, nonces hashed in total. */
  dmintWorker: { busy: boolean; hashed: number };
}

const scope = globalThis as unknown as WorkerScope;
const state: WorkerScope['dmintWorker'] = { busy: false, hashed: 0 };
scope.dmintWorker = state;
let kernel: Kernel | undefined;

/** Milliseconds between progress reports on the message path. */
const PROGRESS_MS = 100;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

function fail(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  state.busy = false;
  post({ type: 'error', name: e.name, message: e.message });
}

function requireKernel(): Kernel {
  if (!kernel) throw new Error('the worker got a search before its kernel');
  return kernel;
}

// A macrotask boundary much cheaper than setTimeout (no 4 ms clamp): lets queued
// messages (cancel, stop) run between two batches.
const channel = new MessageChannel();
const pending: Array<() => void> = [];
channel.port1.onmessage = () => pending.shift()?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    pending.push(resolve);
    channel.port2.postMessage(null);
  });
}

const pieces = new PieceRunner({ kernel: requireKernel, post, yieldToEvents, state });

/** State of the current message-path search. */
interface MessageSearch {
  readonly setup: MessageSearchMessage;
  readonly queue: bigint[];
  /** Chunks above this are cancelled (a lower one holds a hit). */
  above: bigint | null;
  stopping: boolean;
  running: boolean;
  unreported: number;
  lastReport: number;
}

let current: MessageSearch | undefined;

function cancelled(s: MessageSearch, k: bigint): boolean {
  return s.stopping || (s.above !== null && k > s.above);
}

/** Search chunk `k` in batches, yielding between them; settle it with one chunk-done message. */
async function searchChunk(s: MessageSearch, k: bigint): Promise<void> {
  const { start, count, chunkSize, batch, search } = s.setup;
  const k0 = requireKernel();
  const offset = k * chunkSize;
  const end = start + offset + (count - offset < chunkSize ? count - offset : chunkSize);
  let hit: bigint | null = null;
  let abandoned = false;
  for (let next = start + offset; next < end;) {
    if (cancelled(s, k)) {
      abandoned = true;
      break;
    }
    const n = end - next < BigInt(batch) ? Number(end - next) : batch;
    const r = k0.scan(next, n);
    s.unreported += r.scanned;
    state.hashed += r.scanned;
    if (r.hit !== null) {
      hit = r.hit;
      break;
    }
    next += BigInt(n);
    const now = performance.now();
    if (now - s.lastReport >= PROGRESS_MS) {
      post({ type: 'progress', search, attempts: s.unreported });
      s.unreported = 0;
      s.lastReport = now;
    }
    await yieldToEvents();
  }
  post({ type: 'chunk-done', search, k, hit, abandoned, attempts: s.unreported });
  s.unreported = 0;
}

/** Work through the queue until it is empty or the search is stopped. */
async function drain(s: MessageSearch): Promise<void> {
  if (s.running) return;
  s.running = true;
  state.busy = true;
  try {
    for (let k = s.queue.shift(); k !== undefined; k = s.queue.shift()) {
      if (cancelled(s, k)) post({ type: 'chunk-done', search: s.setup.search, k, hit: null, abandoned: true, attempts: 0 });
      else await searchChunk(s, k);
    }
  } finally {
    s.running = false;
    state.busy = false;
  }
  if (s.stopping) post({ type: 'stopped', search: s.setup.search });
}

async function verify(m: VerifyMessage): Promise<void> {
  const sha = hostSha256();
  const v = await verifySolution(m, m.nonce, sha.digest);
  post({ type: 'verified', id: m.id, valid: v.valid, digestHex: bytesToHex(v.digest), sha256: sha.name });
}

function onMessage(m: ToWorker): void {
  switch (m.type) {
    case 'init': {
      const module = m.module instanceof WebAssembly.Module ? m.module : new WebAssembly.Module(m.module as Uint8Array<ArrayBuffer>);
      kernel = Kernel.fromModule(m.build, module);
      post({ type: 'ready', build: kernel.build, lanes: kernel.lanes });
      return;
    }
    case 'shared': {
      const k = requireKernel();
      pieces.forgetJob();
      k.setJob(m.job.preimage, m.job.nonceWidth, m.job.bound);
      state.busy = true;
      const board = ChunkBoard.attach(m.board);
      const r = runSearchThread(k, board, m.slot, m.start, m.batch);
      state.hashed += r.attempts;
      state.busy = false;
      post({ type: 'thread-done', search: m.search, hit: r.hit, attempts: r.attempts });
      return;
    }
    case 'messages':
      pieces.forgetJob();
      requireKernel().setJob(m.job.preimage, m.job.nonceWidth, m.job.bound);
      current = { setup: m, queue: [], above: null, stopping: false, running: false, unreported: 0, lastReport: performance.now() };
      return;
    case 'chunk':
      if (current?.setup.search !== m.search) return;
      current.queue.push(m.k);
      void drain(current).catch(fail);
      return;
    case 'cancel':
      if (current?.setup.search !== m.search) return;
      if (current.above === null || m.above < current.above) current.above = m.above;
      return;
    case 'stop':
      if (current?.setup.search !== m.search) {
        post({ type: 'stopped', search: m.search });
        return;
      }
      current.stopping = true;
      if (!current.running) {
        // Nothing running: settle whatever is queued, then acknowledge.
        void drain(current).catch(fail);
      }
      return;
    case 'verify':
      void verify(m).catch(fail);
      return;
    case 'piece':
      void pieces.start(m).catch(fail);
      return;
    case 'piece-halt':
      pieces.halt(m);
      return;
  }
}

scope.addEventListener('message', (event) => {
  try {
    onMessage(event.data);
  } catch (err) {
    fail(err);
  }
});
