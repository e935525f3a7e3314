/**
 * `dmint-miner`: the pyrxd-compatible external miner (protocol v1,
 * docs/protocol.md), a client of the Node {@link Miner} with its head start.
 * Reads one request from stdin, mines on worker threads, writes exactly one
 * response line to stdout and exits 0 (hit), 2 (exhausted) or 1 (usage,
 * request or internal error). stdout carries nothing else, ever.
 */
import pkg from '../../package.json' with { type: 'json' };
import { RequestError, VerificationError } from '../core/errors.ts';
import type { MineProgress } from '../core/job-api.ts';
import { formatExhausted, formatHit, nonceFromHex, parseRequest, type MineRequest } from '../core/protocol.ts';
import { nonceSpace } from '../core/range.ts';
import { CHUNK_SIZE } from '../core/tuning.ts';
import { USAGE, UsageError, parseCli, type MineArgs, type ProgressStyle } from './args.ts';
import { runBench } from './bench.ts';
import { runDoctor } from './doctor.ts';
import { Miner } from './miner.ts';
import { humanLine, jsonFrame } from './progress.ts';
import { StatusFile, type StatusState } from './status-file.ts';
import { readRequestBytes } from './stdin.ts';

/** Exit codes of the protocol and of signals (128 + signal number). */
export const EXIT = { found: 0, error: 1, exhausted: 2, sigint: 130, sigterm: 143 } as const;

const say = (line: string): void => {
  process.stderr.write(`dmint-miner: ${line}\n`);
};

/** The range `--start/--count` select, checked against the request's nonce space. */
function selectRange(args: MineArgs, request: MineRequest): { start: bigint; count: bigint } {
  const space = nonceSpace(request);
  const start = args.start ?? 0n;
  if (start >= space) throw new UsageError(`--start ${start} is outside the ${request.nonceWidth}-byte nonce space [0, 2^${8 * request.nonceWidth})`);
  const count = args.count ?? space - start;
  if (start + count > space) {
    throw new UsageError(`--start ${start} --count ${count} runs past the end of the ${request.nonceWidth}-byte nonce space (2^${8 * request.nonceWidth})`);
  }
  return { start, count };
}

function progressStyle(args: MineArgs): ProgressStyle {
  if (args.quiet) return 'none';
  return args.progress ?? (process.stderr.isTTY ? 'human' : 'json');
}

/** Mine one request; resolves to the exit code once the response (if any) is written. */
async function mine(args: MineArgs): Promise<number> {
  // A signal before the search starts (while stdin is read) ends the process at once.
  const early = (code: number) => (): void => process.exit(code);
  const earlyTerm = early(EXIT.sigterm);
  const earlyInt = early(EXIT.sigint);
  process.once('SIGTERM', earlyTerm);
  process.once('SIGINT', earlyInt);
  if (process.stdin.isTTY) say('reading the JSON request from stdin (finish with Ctrl-D)');
  const bytes = await readRequestBytes(process.stdin);
  const request = parseRequest(bytes); // every rule checked before any thread starts
  const { start, count } = selectRange(args, request);
  const status = args.statusFile ? new StatusFile(args.statusFile) : undefined;
  const style = progressStyle(args);
  const miner = new Miner({ threads: args.workers, headStart: true });
  // A short range has fewer chunks than threads: only that many ever hash.
  const chunks = (count + CHUNK_SIZE - 1n) / CHUNK_SIZE;
  const threads = chunks < BigInt(miner.threads) ? Number(chunks) : miner.threads;
  let last: MineProgress = { attempts: 0, elapsed_s: 0, rate: 0, watermark: start };

  const writeStatus = (state: StatusState, extra: { nonce_hex?: string; error?: string } = {}): void => {
    if (!status) return;
    try {
      status.write({
        state,
        attempts: last.attempts,
        rate_hs: Math.round(last.rate),
        elapsed_s: last.elapsed_s,
        threads,
        range: { start: start.toString(), count: count.toString() },
        watermark: last.watermark.toString(),
        ...extra,
      });
    } catch (err) {
      // A heartbeat that cannot be written must not cost the search its answer.
      say(`cannot write the status file ${status.path}: ${(err as Error).message}`);
    }
  };

  const controller = new AbortController();
  let signalCode: number | undefined;
  const onSignal = (code: number) => (): void => {
    if (signalCode !== undefined) return;
    signalCode = code;
    controller.abort();
    // The job rejects at once and threads stop within one batch; this is the backstop if anything hangs.
    setTimeout(() => process.exit(code), 400).unref();
  };
  process.on('SIGTERM', onSignal(EXIT.sigterm));
  process.on('SIGINT', onSignal(EXIT.sigint));
  process.off('SIGTERM', earlyTerm);
  process.off('SIGINT', earlyInt);

  let lastStatus = 0;
  let ended = false;
  const onProgress = (p: MineProgress): void => {
    last = p;
    // The Miner reports once more as the job ends; that count is kept for the messages, but the frames
    // stay periodic. The job's promise settles (and `ended` is set) before this check runs.
    setImmediate(() => {
      if (ended) return;
      if (style === 'json') process.stderr.write(jsonFrame(p));
      else if (style === 'human') process.stderr.write(`\r\x1b[2K${humanLine(p, threads, count, request)}`);
    });
    if (p.elapsed_s - lastStatus >= 1) {
      lastStatus = p.elapsed_s;
      writeStatus('mining');
    }
  };
  writeStatus('mining');

  try {
    const response = await miner.mine(new TextDecoder().decode(bytes), { start, count, signal: controller.signal, onProgress }).finally(() => {
      ended = true;
      if (style === 'human') process.stderr.write('\r\x1b[2K');
    });
    if ('exhausted' in response) {
      writeStatus('exhausted');
      if (!args.quiet) say(`exhausted: no valid nonce in nonces [${start}, ${start + count}) after ${last.attempts} attempts in ${last.elapsed_s.toFixed(1)} s`);
      await writeLine(formatExhausted());
      return EXIT.exhausted;
    }
    writeStatus('found', { nonce_hex: response.nonce_hex });
    if (style === 'human') say(`found and verified with node:crypto after ${response.attempts} attempts in ${response.elapsed_s.toFixed(2)} s`);
    const nonce = nonceFromHex(response.nonce_hex, request.nonceWidth);
    await writeLine(formatHit({ nonce, nonceWidth: request.nonceWidth, attempts: response.attempts, elapsedS: response.elapsed_s }));
    return EXIT.found;
  } catch (err) {
    if (signalCode !== undefined) {
      writeStatus('stopped');
      return signalCode;
    }
    writeStatus('error', { error: (err as Error).message });
    throw err;
  } finally {
    await miner.close();
  }
}

/** Write one line to stdout and wait until it is handed to the OS. */
function writeLine(line: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(line + '\n', () => resolve()));
}

/** Run the command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseCli(argv);
    switch (args.command) {
      case 'help':
        await writeLine(USAGE.trimEnd());
        return 0;
      case 'version':
        await writeLine(`dmint-miner ${pkg.version}`);
        return 0;
      case 'protocol-version':
        await writeLine('dmint-miner protocol v1');
        return 0;
      case 'bench':
        return await runBench(args);
      case 'doctor':
        return await runDoctor(args);
      case 'mine':
        return await mine(args);
    }
  } catch (err) {
    if (err instanceof UsageError) say(`usage error: ${err.message} (see dmint-miner --help)`);
    else if (err instanceof RequestError) say(`bad request: ${err.message}`);
    else if (err instanceof VerificationError) say(err.message);
    else say(`internal error: ${(err as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? String(err)}`);
    return EXIT.error;
  }
}
