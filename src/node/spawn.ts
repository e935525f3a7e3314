/**
 * The parent side of the IPC transport: fork `wasm-dmint-miner/ipc` and mine
 * through it with the same shape as {@link mine}. For apps that keep hashing
 * out of their own process (a crash or a kill of the child cannot take the app
 * with it). Electron apps fork the same file with `utilityProcess.fork` and
 * speak its messages themselves (see docs/embedding.md).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromChild, JobId } from './ipc-server.ts';
import { abortError, type BackendChoice, type JobOptions, type MineProgress, type MineResponse } from './miner.ts';

/** The IPC child beside this module in dist/node/; run from source (tests), the built one. */
const DEFAULT_IPC: URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/node/ipc.cjs', import.meta.url)
  : new URL('./ipc.cjs', import.meta.url);

/** Options of {@link spawnMiner}. */
export interface SpawnOptions {
  /** Threads of the child's miner (default: the child's available parallelism). */
  threads?: number;
  /** Percent of each of the child's threads' time spent hashing, 1 to 100 (default 100). */
  throttle?: number;
  /** What the child hashes on (default `wasm`): see the Miner's `backend`. */
  backend?: BackendChoice;
  /** Path of the IPC child (default: ipc.cjs beside this bundle). */
  modulePath?: string | URL;
  /** Extra Node options for the child. */
  execArgv?: string[];
}

/** A miner in a child process. */
export interface MinerProcess {
  /** The child process. */
  readonly child: ChildProcess;
  /** Mine one request in the child: resolves and rejects as {@link mine} does. */
  mine(request: object | string, options?: JobOptions): Promise<MineResponse>;
  /** Change the child's thread count for the running jobs. */
  setThreads(threads: number): void;
  /** Change the child's throttle for the running jobs (a bad value is reported on the child's `error` reply, as for setThreads). */
  setThrottle(percent: number): void;
  /** Stop hashing in the child until {@link MinerProcess.resume}. */
  pause(): void;
  /** Start hashing again. */
  resume(): void;
  /** The child miner's thread count, busy threads, pause state, running jobs and throttle. */
  status(): Promise<ChildStatus>;
  /** Reject running jobs with AbortError, disconnect and wait for the child to exit. */
  close(): Promise<void>;
}

/** What {@link MinerProcess.status} resolves to. */
export type ChildStatus = Omit<Extract<FromChild, { type: 'status' }>, 'type'>;

interface Pending {
  resolve(response: MineResponse): void;
  reject(reason: unknown): void;
  onProgress?: (progress: MineProgress) => void;
}

/** Turn an `error` reply back into an error of the same name. */
function replyError(m: { name: string; message: string }): Error | DOMException {
  if (m.name === 'AbortError') return abortError(m.message);
  const err = m.name === 'RangeError' ? new RangeError(m.message) : m.name === 'TypeError' ? new TypeError(m.message) : new Error(m.message);
  if (err.name !== m.name) Object.defineProperty(err, 'name', { value: m.name });
  return err;
}

/**
 * Fork the IPC child and return a handle to mine through it. The child keeps
 * the parent alive only while a job runs.
 */
export function spawnMiner(options: SpawnOptions = {}): MinerProcess {
  const file = options.modulePath ?? DEFAULT_IPC;
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  const args = [
    ...(options.threads === undefined ? [] : ['--threads', String(options.threads)]),
    ...(options.throttle === undefined ? [] : ['--throttle', String(options.throttle)]),
    ...(options.backend === undefined ? [] : ['--backend', String(options.backend)]),
  ];
  const child = fork(path, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: options.execArgv ?? [] });
  const pending = new Map<JobId, Pending>();
  let stderr = '';
  let nextId = 1;
  let exited: Error | undefined;
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));

  const statusWaiters: Array<{ resolve(s: ChildStatus): void; reject(e: unknown): void }> = [];
  // Hold the parent's event loop only while a job or a status question is pending.
  const channel = (child as unknown as { channel?: { ref(): void; unref(): void } }).channel;
  const updateRef = (): void => {
    if (pending.size > 0 || statusWaiters.length > 0) {
      child.ref();
      channel?.ref();
    } else {
      child.unref();
      channel?.unref();
      (child.stderr as unknown as { unref?: () => void }).unref?.();
    }
  };
  updateRef();

  child.on('message', (m: FromChild) => {
    if (m.type === 'status') {
      const { type: _, ...status } = m;
      statusWaiters.shift()?.resolve(status);
      updateRef();
      return;
    }
    const job = m.id === null ? undefined : pending.get(m.id);
    if (!job) return;
    if (m.type === 'progress') {
      job.onProgress?.({ attempts: m.attempts, elapsed_s: m.elapsed_s, rate: m.rate, watermark: BigInt(m.watermark), final: m.final });
      return;
    }
    pending.delete(m.id!);
    updateRef();
    if (m.type === 'result') job.resolve(m.response);
    else job.reject(replyError(m));
  });
  child.on('exit', (code, signal) => {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    exited = new Error(`the miner process ${how}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
    for (const job of pending.values()) job.reject(exited);
    pending.clear();
    for (const w of statusWaiters.splice(0)) w.reject(exited);
  });
  child.on('error', () => {}); // 'exit' follows and rejects the jobs

  const send = (message: object): void => {
    if (exited) throw exited;
    child.send(message);
  };

  return {
    child,
    mine(request, jobOptions = {}) {
      return new Promise<MineResponse>((resolve, reject) => {
        if (exited) throw exited;
        const { signal, onProgress, start, count } = jobOptions;
        if (signal?.aborted) throw signal.reason;
        const id = nextId++;
        const onAbort = (): void => {
          if (!pending.delete(id)) return;
          updateRef();
          reject(signal!.reason);
          if (!exited) child.send({ type: 'cancel', id });
        };
        pending.set(id, {
          resolve: (r) => { signal?.removeEventListener('abort', onAbort); resolve(r); },
          reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
          onProgress,
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        updateRef();
        // Strings, because the default JSON channel carries no BigInt.
        const range = { start: start === undefined ? undefined : String(start), count: count === undefined ? undefined : String(count) };
        send({ type: 'mine', id, request, options: range });
      });
    },
    setThreads: (threads) => send({ type: 'setThreads', threads }),
    setThrottle: (percent) => send({ type: 'setThrottle', percent }),
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    status: () => new Promise<ChildStatus>((resolve, reject) => {
      send({ type: 'status' });
      statusWaiters.push({ resolve, reject });
      updateRef();
    }),
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      for (const job of pending.values()) job.reject(abortError('the miner was closed'));
      pending.clear();
      if (child.connected) child.disconnect();
      await gone;
    },
  };
}
