/**
 * `wasm-dmint-miner/ipc`: the program a parent forks to mine in a child process
 * (bundled as CommonJS, dist/node/ipc.cjs, so it also runs from an asar archive).
 *
 * - `child_process.fork(path, ['--threads', '2'])`: messages on the IPC channel;
 *   the child exits when the parent disconnects.
 * - Electron `utilityProcess.fork(path, ['--threads', '2'])`: messages through
 *   `process.parentPort` (`{data}` events); it has no stdin and no channel of
 *   its own, and Electron ends it with the app.
 *
 * The messages are those of {@link createIpcServer}. Nothing is written to
 * stdout; a start-up problem goes to stderr with exit code 1.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createIpcServer, type FromChild } from './ipc-server.ts';

/** Electron's utility-process port (absent under plain Node). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** `--threads N` (default: the available parallelism); anything else is a start-up error. */
function threadsFromArgs(argv: string[]): number {
  let raw: string | undefined;
  try {
    raw = parseArgs({ args: argv, options: { threads: { type: 'string' } }, strict: true }).values.threads;
  } catch (err) {
    process.stderr.write(`dmint-miner ipc: ${(err as Error).message.split('\n')[0]}\n`);
    process.exit(1);
  }
  if (raw === undefined) return availableParallelism();
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`dmint-miner ipc: --threads must be a positive integer, got ${raw}\n`);
    process.exit(1);
  }
  return n;
}

const threads = threadsFromArgs(process.argv.slice(2));
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (parentPort) {
  const server = createIpcServer((m: FromChild) => parentPort.postMessage(m), threads);
  parentPort.on('message', (event) => server.handle(event.data));
} else if (process.send) {
  const server = createIpcServer((m: FromChild) => {
    // A parent that is gone cannot be told; the disconnect handler ends the child.
    if (process.connected) process.send!(m);
  }, threads);
  process.on('message', (m) => server.handle(m));
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
} else {
  process.stderr.write('dmint-miner ipc: run this file as a child with an IPC channel (child_process.fork or Electron utilityProcess.fork)\n');
  process.exit(1);
}
