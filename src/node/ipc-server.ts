/**
 * The child side of the IPC transport: one {@link Miner} driven by messages
 * from a parent process. Transport-free (the entry wires it to
 * `child_process.fork`'s channel or Electron's `process.parentPort`), so tests
 * drive it directly too.
 *
 * In:  `{type: "mine", id, request, options?: {start?, count?}}`,
 *      `{type: "cancel", id}`, `{type: "setThreads", threads}`,
 *      `{type: "setThrottle", percent}`, `{type: "pause"}`, `{type: "resume"}`,
 *      `{type: "status"}`.
 * Out: `{type: "progress", id, attempts, elapsed_s, rate, watermark, final}`,
 *      `{type: "result", id, response}`, `{type: "error", id, name, message}`,
 *      `{type: "status", threads, activeThreads, paused, jobs, throttle}`.
 * A malformed message gets an `error` reply (with the message's id when it had
 * a usable one, else null); nothing here throws.
 * @module
 */
import type { FromChild, JobId } from '../core/ipc-messages.ts';
import { parseNonceText } from '../core/format.ts';
import { Miner, abortError, type BackendChoice } from './miner.ts';

export type { FromChild, JobId, ToChild } from '../core/ipc-messages.ts';

/** The child's message handler and its shutdown. */
export interface IpcServer {
  /** Handle one message from the parent (any value: malformed ones get an error reply). */
  handle(message: unknown): void;
  /** Cancel every job and release the threads. */
  close(): Promise<void>;
}

const isId = (id: unknown): id is JobId => (typeof id === 'string' && id.length > 0 && id.length <= 200) || Number.isSafeInteger(id);

function nonceOption(value: unknown, name: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string') return parseNonceText(`options.${name}`, value);
  throw new TypeError(`options.${name} must be a non-negative integer (number, bigint, decimal or 0x-hex string)`);
}

function describe(err: unknown): { name: string; message: string } {
  if (err instanceof Error || err instanceof DOMException) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** The child miner's starting options. */
export interface IpcMinerOptions {
  /** What hashes (default `wasm`): see the Miner's `backend`. */
  backend?: BackendChoice;
  /** Thread count (default: the available parallelism). */
  threads?: number;
  /** Percent of each thread's time spent hashing (default 100). */
  throttle?: number;
}

/** Serve a miner over `send`. */
export function createIpcServer(send: (message: FromChild) => void, options: IpcMinerOptions = {}): IpcServer {
  const miner = new Miner(options);
  const jobs = new Map<JobId, AbortController>();
  const reply = (id: JobId | null, err: unknown): void => send({ type: 'error', id, ...describe(err) });

  function startJob(msg: Record<string, unknown>): void {
    const id = msg.id;
    if (!isId(id)) return reply(null, new TypeError('mine needs an id: a non-empty string or a safe integer'));
    if (jobs.has(id)) return reply(id, new Error(`job ${JSON.stringify(id)} is already running`));
    const options = (msg.options ?? {}) as Record<string, unknown>;
    let start: bigint | undefined;
    let count: bigint | undefined;
    try {
      if (typeof options !== 'object') throw new TypeError('options must be an object');
      start = nonceOption(options.start, 'start');
      count = nonceOption(options.count, 'count');
      if (typeof msg.request !== 'string' && (typeof msg.request !== 'object' || msg.request === null)) {
        throw new TypeError('request must be the protocol request, as an object or JSON text');
      }
    } catch (err) {
      return reply(id, err);
    }
    const controller = new AbortController();
    jobs.set(id, controller);
    miner
      .mine(msg.request as object | string, {
        start, count, signal: controller.signal,
        onProgress: (p) => send({ type: 'progress', id, attempts: p.attempts, elapsed_s: p.elapsed_s, rate: p.rate, watermark: p.watermark.toString(), final: p.final }),
      })
      .then(
        (response) => send({ type: 'result', id, response }),
        (err: unknown) => reply(id, err),
      )
      .finally(() => jobs.delete(id));
  }

  function handle(message: unknown): void {
    try {
      if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new TypeError('a message must be an object with a type');
      const msg = message as Record<string, unknown>;
      switch (msg.type) {
        case 'mine':
          return startJob(msg);
        case 'cancel':
          if (!isId(msg.id)) throw new TypeError('cancel needs the id of a job');
          if (!jobs.has(msg.id)) return reply(msg.id, new Error(`no running job ${JSON.stringify(msg.id)}`));
          return jobs.get(msg.id)!.abort(abortError('the job was cancelled'));
        case 'setThreads':
          return miner.setThreads(msg.threads as number);
        case 'setThrottle':
          return miner.setThrottle(msg.percent as number);
        case 'pause':
          return miner.pause();
        case 'resume':
          return miner.resume();
        case 'status':
          return send({ type: 'status', threads: miner.threads, activeThreads: miner.activeThreads, paused: miner.paused, jobs: miner.jobs, throttle: miner.throttle, backend: miner.backend });
        default:
          throw new TypeError(`unknown message type ${JSON.stringify(msg.type)}; expected mine, cancel, setThreads, setThrottle, pause, resume or status`);
      }
    } catch (err) {
      const id = typeof message === 'object' && message !== null && isId((message as { id?: unknown }).id) ? (message as { id: JobId }).id : null;
      reply(id, err);
    }
  }

  return { handle, close: () => miner.close() };
}
