/**
 * `wasm-dmint-miner/ipc`: the program a parent forks to mine in a child process
 * (bundled as CommonJS, dist/node/ipc.cjs, so it also runs from an asar archive).
 *
 * - `child_process.fork(path, ['--threads', '2'])`: messages on the IPC channel
 *   (`--throttle P` starts it at P % of each thread's time, `--backend B` hashes
 *   on `wasm`, `webgpu` or `auto`);
 *   the child exits when the parent disconnects.
 * - Electron `utilityProcess.fork(path, ['--threads', '2'])`: messages through
 *   `process.parentPort` (`{data}` events); it has no stdin and no channel of
 *   its own, and Electron ends it with the app.
 *
 * The messages are those of {@link createIpcServer}. Nothing is written to
 * stdout; a start-up problem goes to stderr with exit code 1.
 */
import { parseArgs } from 'node:util';
import { THREADS_TEXT_FORM, parseThreadsText, parseThrottleText } from '../core/range.ts';
import { isBackendChoice } from '../gpu/backend-choice.ts';
import { createIpcServer, type FromChild, type IpcMinerOptions } from './ipc-server.ts';

/** Electron's utility-process port (absent under plain Node). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function startupError(message: string): never {
  process.stderr.write(`dmint-miner ipc: ${message}\n`);
  process.exit(1);
}

/** `--threads N`, `--throttle P` and `--backend B` (defaults: all cores, 100 %, wasm); anything else is a start-up error. */
function optionsFromArgs(argv: string[]): IpcMinerOptions {
  let values: { threads?: string; throttle?: string; backend?: string } = {};
  try {
    values = parseArgs({ args: argv, options: { threads: { type: 'string' }, throttle: { type: 'string' }, backend: { type: 'string' } }, strict: true }).values;
  } catch (err) {
    startupError((err as Error).message.split('\n')[0]!);
  }
  const options: IpcMinerOptions = {};
  if (values.threads !== undefined) {
    let threads: number | undefined;
    try {
      threads = parseThreadsText(values.threads);
    } catch {
      /* said below, in the flag's name */
    }
    options.threads = threads ?? startupError(`--threads must be ${THREADS_TEXT_FORM}, got ${values.threads}`);
  }
  if (values.throttle !== undefined) {
    options.throttle = parseThrottleText(values.throttle) ?? startupError(`--throttle must be a whole percent from 1 to 100, got ${values.throttle}`);
  }
  if (values.backend !== undefined) {
    if (!isBackendChoice(values.backend)) startupError(`--backend must be auto, wasm or webgpu, got ${values.backend}`);
    options.backend = values.backend;
  }
  return options;
}

const options = optionsFromArgs(process.argv.slice(2));
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (parentPort) {
  const server = createIpcServer((m: FromChild) => parentPort.postMessage(m), options);
  parentPort.on('message', (event) => server.handle(event.data));
} else if (process.send) {
  const server = createIpcServer((m: FromChild) => {
    // A parent that is gone cannot be told; the disconnect handler ends the child. A reply already
    // on its way as the parent disconnects fails with EPIPE: the callback takes that error, which
    // without one would be an unhandled 'error' event that crashes the child with exit code 1.
    if (process.connected) process.send!(m, undefined, undefined, () => {});
  }, options);
  process.on('message', (m) => server.handle(m));
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
} else {
  process.stderr.write('dmint-miner ipc: run this file as a child with an IPC channel (child_process.fork or Electron utilityProcess.fork)\n');
  process.exit(1);
}
