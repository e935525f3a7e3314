/**
 * `dmint-miner`: the pyrxd-compatible external miner (protocol v1, DESIGN §2).
 * Reads one request from stdin, mines on worker threads, writes exactly one
 * response line to stdout and exits 0 (hit), 2 (exhausted) or 1 (usage, request
 * or internal error). stdout carries nothing else, ever.
 */
import pkg from '../../package.json' with { type: 'json' };
import { RequestError } from '../core/errors.ts';
import { formatExhausted, formatHit, nonceToHex, parseRequest, type MineRequest } from '../core/protocol.ts';
import { USAGE, UsageError, parseCli, type MineArgs, type ProgressStyle } from './args.ts';
import { runBench } from './bench.ts';
import { runDoctor } from './doctor.ts';
import { PROGRESS_INTERVAL_MS, humanLine, jsonFrame } from './progress.ts';
import { VerificationError, nonceSpace, startSearch, type RunningSearch } from './pool.ts';
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
  const request = parseRequest(await readRequestBytes(process.stdin));
  const { start, count } = selectRange(args, request);
  const status = args.statusFile ? new StatusFile(args.statusFile) : undefined;
  const style = progressStyle(args);

  const search = startSearch(request, { threads: args.workers, start, count, headStart: true });
  process.off('SIGTERM', earlyTerm);
  process.off('SIGINT', earlyInt);

  const writeStatus = (state: StatusState, extra: { nonce_hex?: string; error?: string } = {}): void => {
    if (!status) return;
    const elapsed = search.elapsedS();
    try {
      status.write({
        state,
        attempts: search.attempts(),
        rate_hs: elapsed > 0 ? Math.round(search.attempts() / elapsed) : 0,
        elapsed_s: elapsed,
        threads: search.threads,
        range: { start: start.toString(), count: count.toString() },
        watermark: (state === 'exhausted' ? start + count : search.watermark()).toString(),
        ...extra,
      });
    } catch (err) {
      // A heartbeat that cannot be written must not cost the search its answer.
      say(`cannot write the status file ${status.path}: ${(err as Error).message}`);
    }
  };

  let signalCode: number | undefined;
  const onSignal = (code: number) => (): void => {
    if (signalCode !== undefined) return;
    signalCode = code;
    search.stop();
    // Workers stop within one batch; this is the backstop if anything hangs.
    setTimeout(() => process.exit(code), 400).unref();
  };
  process.on('SIGTERM', onSignal(EXIT.sigterm));
  process.on('SIGINT', onSignal(EXIT.sigint));

  let lastStatus = 0;
  const tick = (): void => {
    if (style === 'json') process.stderr.write(jsonFrame(search));
    else if (style === 'human') process.stderr.write(`\r\x1b[2K${humanLine(search, request)}`);
    if (search.elapsedS() - lastStatus >= 1) {
      lastStatus = search.elapsedS();
      writeStatus('mining');
    }
  };
  writeStatus('mining');
  const timer = setInterval(tick, PROGRESS_INTERVAL_MS);

  let outcome: Awaited<RunningSearch['outcome']>;
  try {
    outcome = await search.outcome;
  } catch (err) {
    writeStatus('error', { error: (err as Error).message });
    throw err;
  } finally {
    clearInterval(timer);
    if (style === 'human') process.stderr.write('\r\x1b[2K');
  }

  if (outcome.kind === 'stopped' || signalCode !== undefined) {
    writeStatus('stopped');
    return signalCode ?? EXIT.error;
  }
  if (outcome.kind === 'exhausted') {
    writeStatus('exhausted');
    if (!args.quiet) {
      say(`exhausted: no valid nonce in nonces [${start}, ${start + count}) after ${outcome.attempts} attempts in ${outcome.elapsedS.toFixed(1)} s`);
    }
    await writeLine(formatExhausted());
    return EXIT.exhausted;
  }
  writeStatus('found', { nonce_hex: nonceToHex(outcome.nonce, request.nonceWidth) });
  if (style === 'human') say(`found and verified with node:crypto after ${outcome.attempts} attempts in ${outcome.elapsedS.toFixed(2)} s`);
  await writeLine(formatHit({ nonce: outcome.nonce, nonceWidth: request.nonceWidth, attempts: outcome.attempts, elapsedS: outcome.elapsedS }));
  return EXIT.found;
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
