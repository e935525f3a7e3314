// Runs the real bundled `dmint-miner` as a subprocess, as pyrxd does.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built command (npm test builds it first). */
export const BIN = fileURLToPath(new URL('../../dist/node/dmint-miner.js', import.meta.url));
/** The built piscina worker, for in-process pool tests. */
export const WORKER = fileURLToPath(new URL('../../dist/node/worker.cjs', import.meta.url));

/** What a finished run gave. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Kill with SIGKILL after this long (the test then fails on the code). */
  timeoutMs?: number;
  /** Called right after spawn, e.g. to send a signal later. */
  onSpawn?: (child: ChildProcess) => void;
  /** Leave stdin open instead of writing `input` and closing it. */
  keepStdinOpen?: boolean;
  /** Environment variables added to this process's. */
  env?: Record<string, string>;
}

/** Spawn `dmint-miner args`, write `input` to stdin and close it, collect everything. */
export function runCli(args: string[], input: string | Uint8Array = '', options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // the miner may exit before reading everything
    if (!options.keepStdinOpen) child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
    options.onSpawn?.(child);
  });
}

/** A request line as pyrxd writes it: compact JSON, no trailing newline. */
export function requestJson(preimageHex: string, targetHex: string, nonceWidth: 4 | 8, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ preimage_hex: preimageHex, target_hex: targetHex, nonce_width: nonceWidth, ...extra });
}
