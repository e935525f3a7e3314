/**
 * `dmint-miner`: the pyrxd-compatible external miner (protocol v1,
 * docs/protocol.md), a client of the Node {@link Miner} with its head start.
 * Reads one request from stdin, mines on worker threads, writes exactly one
 * response line to stdout and exits 0 (hit), 2 (exhausted), 1 (usage,
 * request or internal error), or 129/130/143 when stopped by SIGHUP/SIGINT/
 * SIGTERM. stdout carries nothing else, ever.
 */
import pkg from '../../package.json' with { type: 'json' };
import { RequestError, VerificationError } from '../core/errors.ts';
import { NoGpuError } from '../gpu/kernel.ts';
import type { MineProgress } from '../core/job-api.ts';
import { formatExhausted, formatHit } from '../core/response.ts';
import { nonceToHex } from '../core/nonce.ts';
import { parseRequest, type MineRequest } from '../core/request.ts';
import { resolveRange, shardOf, type NonceRange, type Shard } from '../core/range.ts';
import { CHUNK_SIZE } from '../core/tuning.ts';
import { USAGE, UsageError, parseCli, type MineArgs, type ProgressStyle } from './args.ts';
import { runBench } from './bench.ts';
import { runDoctor } from './doctor.ts';
import { merge } from './merge.ts';
import { Miner } from './miner.ts';
import { lowerPriority } from './priority.ts';
import { hashingLabel, humanLine, jsonFrame } from './progress.ts';
import { StatusFile, StatusFileError, confirmedHit, jobFingerprint, readStatus, type Status, type StatusRange, type StatusState } from './status-file.ts';
import { EOF_KEY, readRequestBytes, stdinTimeout } from './stdin.ts';

/** Exit codes of the protocol and of signals (128 + signal number). */
export const EXIT = { found: 0, error: 1, exhausted: 2, sighup: 129, sigint: 130, sigterm: 143 } as const;

/** The signals that stop a search, with their exit codes: SIGHUP (a closed terminal or ssh session) stops like SIGTERM. */
const STOP_SIGNALS = [
  ['SIGHUP', EXIT.sighup],
  ['SIGINT', EXIT.sigint],
  ['SIGTERM', EXIT.sigterm],
] as const;

const say = (line: string): void => {
  process.stderr.write(`dmint-miner: ${line}\n`);
};

/** The range `--start/--count` select, checked against the request's nonce space by the core's rule, in the flags' names. */
function selectRange(args: MineArgs, request: MineRequest): NonceRange {
  try {
    return resolveRange(request, args.start, args.count, { start: '--start', count: '--count' });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function progressStyle(args: MineArgs): ProgressStyle {
  if (args.quiet) return 'none';
  return args.progress ?? (process.stderr.isTTY ? 'human' : 'json');
}

/** What a `--resume` found in the status file: where to go on from, and what was done already. */
interface ResumePoint {
  from: bigint;
  attempts: number;
  elapsedS: number;
  saved: Status | null;
}

/**
 * Read the status file for `--resume` and check that it describes this very
 * search: the same job, width, range, whole range and shard.
 * @throws StatusFileError naming what differs.
 */
function resumePoint(path: string, request: MineRequest, job: string, range: NonceRange, whole: NonceRange, shard: Shard | undefined): ResumePoint {
  const saved = readStatus(path);
  if (saved === null) return { from: range.start, attempts: 0, elapsedS: 0, saved };
  const refuse = (what: string): never => {
    throw new StatusFileError(`cannot resume: ${path} describes ${what}; give the same request and range, or another --status-file`);
  };
  const show = (r: StatusRange): string => `[${r.start}, ${BigInt(r.start) + BigInt(r.count)})`;
  const same = (r: StatusRange, x: NonceRange): boolean => BigInt(r.start) === x.start && BigInt(r.count) === x.count;
  if (saved.nonce_width !== request.nonceWidth) refuse(`a ${saved.nonce_width}-byte nonce search, not ${request.nonceWidth}-byte`);
  if (saved.job !== job) refuse(`another request (job ${saved.job.slice(0, 12)}…, this one is ${job.slice(0, 12)}…)`);
  if (!same(saved.whole, whole)) refuse(`the range ${show(saved.whole)}, not [${whole.start}, ${whole.start + whole.count})`);
  const savedShard = saved.shard ? `${saved.shard.index}/${saved.shard.count}` : 'none';
  const thisShard = shard ? `${shard.index}/${shard.count}` : 'none';
  if (savedShard !== thisShard || !same(saved.range, range)) refuse(`shard ${savedShard}, not ${thisShard}`);
  const from = BigInt(saved.watermark);
  if (from < range.start || from > range.start + range.count) refuse(`a watermark ${from} outside its range`);
  return { from, attempts: saved.attempts, elapsedS: saved.elapsed_s, saved };
}

/** Mine one request; resolves to the exit code once the response (if any) is written. */
async function mine(args: MineArgs): Promise<number> {
  // A signal before the search starts (while stdin is read) ends the process at once.
  for (const [signal, code] of STOP_SIGNALS) process.once(signal, () => process.exit(code));
  if (args.priority === 'low') {
    // Before any thread exists: threads inherit the priority of the thread that starts them.
    const refused = lowerPriority();
    if (refused !== null && !args.quiet) say(refused);
  }
  if (process.stdin.isTTY) say(`reading the JSON request from stdin (finish with ${EOF_KEY})`);
  const bytes = await readRequestBytes(process.stdin, stdinTimeout(process.stdin.isTTY));
  const request = parseRequest(bytes); // every rule checked before any thread starts
  const whole = selectRange(args, request);
  let range = whole;
  if (args.shard) {
    try {
      range = shardOf(whole, args.shard);
    } catch (err) {
      throw new UsageError(`--shard ${args.shard.index}/${args.shard.count}: ${(err as Error).message}`);
    }
  }
  const status = args.statusFile ? new StatusFile(args.statusFile) : undefined;
  status?.lock();
  // However the process ends (the stop's backstop exits without waiting for the threads and the GPU process to
  // close), the lock and a failed write's temporary file go with it.
  const release = (): void => status?.unlock();
  process.once('exit', release);
  try {
    return await mineRange(args, request, whole, range, status);
  } finally {
    release();
    process.removeListener('exit', release);
  }
}

async function mineRange(args: MineArgs, request: MineRequest, whole: NonceRange, range: NonceRange, status: StatusFile | undefined): Promise<number> {
  const job = jobFingerprint(request);
  const resumed = args.resume && status ? resumePoint(status.path, request, job, range, whole, args.shard) : undefined;
  const end = range.start + range.count;
  const start = resumed?.from ?? range.start;
  const count = end - start;
  const prior = { attempts: resumed?.attempts ?? 0, elapsedS: resumed?.elapsedS ?? 0 };
  const style = progressStyle(args);
  const workers = args.workers;
  // A short range has fewer chunks than threads: only that many ever hash.
  const chunks = (count + CHUNK_SIZE - 1n) / CHUNK_SIZE;
  const threads = chunks < BigInt(workers) ? Math.max(1, Number(chunks)) : workers;
  let last: MineProgress = { attempts: 0, elapsed_s: 0, rate: 0, watermark: start, final: false };
  let statusFailing = false;
  let miner: Miner | undefined;

  const writeStatus = (state: StatusState, extra: { nonce_hex?: string; error?: string } = {}): void => {
    if (!status) return;
    try {
      status.write({
        state,
        job,
        nonce_width: request.nonceWidth,
        attempts: prior.attempts + last.attempts,
        rate_hs: Math.round(last.rate),
        elapsed_s: prior.elapsedS + last.elapsed_s,
        threads,
        ...(miner ? { backend: miner.backend } : {}),
        range: { start: range.start.toString(), count: range.count.toString() },
        whole: { start: whole.start.toString(), count: whole.count.toString() },
        ...(args.shard ? { shard: args.shard } : {}),
        watermark: last.watermark.toString(),
        ...extra,
      });
      statusFailing = false;
    } catch (err) {
      // A heartbeat that cannot be written must not cost the search its answer; one warning per
      // spell of failures, not one a second.
      if (!statusFailing) say(`cannot write the status file ${status.path}: ${(err as Error).message}`);
      statusFailing = true;
    }
  };
  const exhausted = async (): Promise<number> => {
    writeStatus('exhausted');
    const total = prior.attempts + last.attempts;
    if (!args.quiet) say(`exhausted: no valid nonce in nonces [${range.start}, ${end}) after ${total} attempts in ${(prior.elapsedS + last.elapsed_s).toFixed(1)} s`);
    await writeLine(formatExhausted());
    return EXIT.exhausted;
  };

  if (resumed?.saved?.state === 'found') return answerSaved(resumed.saved, request, status!.path);
  if (resumed?.saved?.state === 'exhausted' || count === 0n) {
    last = { ...last, watermark: end };
    return exhausted();
  }
  if (resumed?.saved && !args.quiet) say(`resuming ${status!.path}: nonces [${start}, ${end}) are left of [${range.start}, ${end})`);

  const running = new Miner({ threads: workers, headStart: true, throttle: args.throttle, backend: args.backend });
  miner = running;
  const controller = new AbortController();
  let signalCode: number | undefined;
  const onSignal = (code: number) => (): void => {
    if (signalCode !== undefined) return;
    signalCode = code;
    controller.abort();
    // The job rejects at once and threads stop within one batch; this is the backstop if anything hangs.
    setTimeout(() => process.exit(code), 400).unref();
  };
  // Replaces the early handlers that end the process at once while stdin is read.
  for (const [signal, code] of STOP_SIGNALS) process.removeAllListeners(signal).on(signal, onSignal(code));

  let lastStatus = 0;
  const onProgress = (p: MineProgress): void => {
    last = p;
    // The final report (made as the job settles) only updates the figures for the messages: frames stay periodic.
    if (p.final) return;
    if (style === 'json') process.stderr.write(jsonFrame(p));
    else if (style === 'human') process.stderr.write(`\r\x1b[2K${humanLine(p, hashingLabel(running.backendStatus, threads), count, request)}`);
    if (p.elapsed_s - lastStatus >= 1) {
      lastStatus = p.elapsed_s;
      writeStatus('mining');
    }
  };
  writeStatus('mining');

  try {
    const outcome = await running.search(request, { start, count, signal: controller.signal, onProgress }).finally(() => {
      if (style === 'human') process.stderr.write('\r\x1b[2K');
    });
    if (!outcome.found) return await exhausted();
    // The file's figures are the outcome's, so a resumed run answers the very same line.
    last = { ...last, attempts: outcome.attempts, elapsed_s: outcome.elapsedS };
    writeStatus('found', { nonce_hex: nonceToHex(outcome.nonce, request.nonceWidth) });
    const attempts = prior.attempts + outcome.attempts;
    const elapsedS = prior.elapsedS + outcome.elapsedS;
    if (style === 'human') say(`found and verified with ${outcome.check.sha256} after ${attempts} attempts in ${elapsedS.toFixed(2)} s`);
    await writeLine(formatHit({ nonce: outcome.nonce, nonceWidth: request.nonceWidth, attempts, elapsedS }));
    return EXIT.found;
  } catch (err) {
    if (signalCode !== undefined) {
      writeStatus('stopped');
      return signalCode;
    }
    writeStatus('error', { error: (err as Error).message });
    throw err;
  } finally {
    await running.close();
  }
}

/** A status file that says `found`: its nonce, re-verified with node:crypto, is the answer. */
async function answerSaved(saved: Status, request: MineRequest, path: string): Promise<number> {
  const nonce = await confirmedHit(saved, request);
  if (nonce === null) throw new StatusFileError(`cannot resume: ${path} says found nonce ${saved.nonce_hex}, but node:crypto does not confirm it in this range; nothing was printed`);
  await writeLine(formatHit({ nonce, nonceWidth: request.nonceWidth, attempts: saved.attempts, elapsedS: saved.elapsed_s }));
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
      case 'web': {
        // Loaded here only: mining never has node:http in the process.
        const { SHIPPED_PAGE, serveUntilStopped } = await import('./web-server.ts');
        return await serveUntilStopped({ root: SHIPPED_PAGE, port: args.port, host: args.host, say });
      }
      case 'merge': {
        const outcome = await merge(args);
        for (const note of outcome.notes) say(note);
        if (outcome.stdout !== null) await writeLine(outcome.stdout);
        return outcome.code;
      }
    }
  } catch (err) {
    if (err instanceof UsageError) say(`usage error: ${err.message}; see dmint-miner --help`);
    else if (err instanceof RequestError) say(`bad request: ${err.message}`);
    else if (err instanceof VerificationError || err instanceof StatusFileError) say(err.message);
    else if (err instanceof NoGpuError) say(`--backend webgpu: ${err.message}`);
    else say(`internal error: ${(err as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? String(err)}`);
    return EXIT.error;
  }
}
