/**
 * Command-line parsing for `dmint-miner`: the default mining mode and the
 * `bench`, `doctor`, `merge` and `web` subcommands. Every mistake is a {@link UsageError}
 * (exit 1, one line on stderr naming the flag as typed), never a crash and
 * never output on stdout.
 */
import { availableParallelism } from 'node:os';
import { NONCE_TEXT_FORM, parseNonceText } from '../core/format.ts';
import { MAX_THREADS, checkRangeFields, defaultThreads, checkShard, parseThreadsText, parseThrottleText, type Shard } from '../core/range.ts';
import { UsageError, closest, readFlags, type FlagSpec, type GivenFlag, type ReadFlags } from './flags.ts';
import type { MergeArgs } from './merge.ts';
import { BACKENDS, isBackendChoice, type BackendChoice } from '../gpu/backend-choice.ts';

export { UsageError } from './flags.ts';

/** How progress is shown on stderr. */
export type ProgressStyle = 'json' | 'human' | 'none';

/** Options of the default mode (mine one request from stdin). */
export interface MineArgs {
  command: 'mine';
  workers: number;
  /** Explicit progress style, or undefined to pick by whether stderr is a terminal. */
  progress: ProgressStyle | undefined;
  quiet: boolean;
  start: bigint | undefined;
  count: bigint | undefined;
  statusFile: string | undefined;
  /** Continue the search the status file describes. */
  resume: boolean;
  /** Search only this part of the range. */
  shard: Shard | undefined;
  /** Percent of each thread's time spent hashing (100: full speed). */
  throttle: number;
  /** `low` lowers the process's scheduling priority before any thread starts. */
  priority: Priority;
  /** What hashes: the wasm workers, the GPU, or `auto` (the faster, measured on the job). */
  backend: BackendChoice;
}

/**
 * The CLI's backend when `--backend` is not given: `auto`, so a machine where
 * the GPU (or Mesa's software adapter) hashes faster than the workers uses it
 * without a flag, and one without a GPU loses nothing measurable (docs/gpu.md).
 */
export const DEFAULT_BACKEND: BackendChoice = 'auto';

/** The process's scheduling priority while mining. */
export type Priority = 'low' | 'normal';

/** Options of `dmint-miner bench`. */
export interface BenchArgs {
  command: 'bench';
  seconds: number;
  workers: number;
  json: boolean;
}

/** Options of `dmint-miner doctor`. */
export interface DoctorArgs {
  command: 'doctor';
  json: boolean;
  workers: number;
}

/** Options of `dmint-miner web`: serve the shipped mining page. */
export interface WebArgs {
  command: 'web';
  /** 0 picks any free port. */
  port: number;
  host: string;
}

/** Commands that print something and exit 0 at once. */
export interface InfoArgs {
  command: 'help' | 'version' | 'protocol-version';
}

/** Everything the command line can ask for. */
export type CliArgs = MineArgs | BenchArgs | DoctorArgs | InfoArgs | MergeArgs | WebArgs;

const THREADS_FORM = `a whole number of threads from 1 to ${MAX_THREADS}`;
const PROGRESS_FORM = 'json, human or none';
const SECONDS_FORM = 'a number of seconds above 0 and at most 600';
const SHARD_FORM = 'I/N (e.g. 2/4, or env:SLURM_ARRAY_TASK_ID/4)';
const THROTTLE_FORM = 'a whole percent from 1 to 100 (the share of each thread\'s time spent hashing)';
const PRIORITY_FORM = 'low or normal';
const BACKEND_FORM = BACKENDS.join(', ').replace(/, ([^,]*)$/, ' or $1');
const PORT_FORM = 'a port number from 0 to 65535 (0: any free port)';

const workerFlags: FlagSpec[] = [
  { name: 'workers', kind: 'value', form: THREADS_FORM },
  { name: 'threads', kind: 'value', form: THREADS_FORM },
];
const helpFlag: FlagSpec = { name: 'help', kind: 'switch', short: 'h' };
const jsonFlag: FlagSpec = { name: 'json', kind: 'switch' };

/** The subcommands, named by the first argument. */
export const SUBCOMMANDS = ['bench', 'doctor', 'merge', 'web'] as const;

/** The flags each command takes: the default mining mode (`mine`) and each subcommand. */
export const COMMAND_FLAGS: Record<'mine' | (typeof SUBCOMMANDS)[number], readonly FlagSpec[]> = {
  mine: [
    ...workerFlags,
    { name: 'quiet', kind: 'switch', short: 'q' },
    { name: 'progress', kind: 'value', form: PROGRESS_FORM },
    { name: 'start', kind: 'value', form: NONCE_TEXT_FORM },
    { name: 'count', kind: 'value', form: NONCE_TEXT_FORM },
    { name: 'status-file', kind: 'value', form: 'a path' },
    { name: 'resume', kind: 'switch' },
    { name: 'shard', kind: 'value', form: SHARD_FORM },
    { name: 'throttle', kind: 'value', form: THROTTLE_FORM },
    { name: 'priority', kind: 'value', form: PRIORITY_FORM },
    { name: 'backend', kind: 'value', form: BACKEND_FORM },
    { name: 'protocol-version', kind: 'switch' },
    { name: 'version', kind: 'switch', short: 'V' },
    helpFlag,
  ],
  bench: [{ name: 'seconds', kind: 'value', form: SECONDS_FORM }, ...workerFlags, jsonFlag, helpFlag],
  doctor: [...workerFlags, jsonFlag, helpFlag],
  merge: [{ name: 'request', kind: 'value', form: 'the path of the request the shards mined' }, jsonFlag, helpFlag],
  web: [{ name: 'port', kind: 'value', form: PORT_FORM }, { name: 'host', kind: 'value', form: 'an address to listen on, e.g. 127.0.0.1' }, helpFlag],
};

const shown = (text: string): string => JSON.stringify(text.slice(0, 40));

/** `--start`/`--count`: the core's nonce text, its mistakes as usage errors naming the flag. */
function parseNonceArg(given: GivenFlag): bigint {
  try {
    return parseNonceText(given.typed, given.value as string);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--workers N` or its alias `--threads N` (not both), named as typed; all cores when neither is given. */
function parseWorkers(flags: ReadFlags['flags']): number {
  const workers = flags.get('workers');
  const threads = flags.get('threads');
  if (workers && threads) throw new UsageError('give --workers or --threads, not both');
  const given = workers ?? threads;
  if (given === undefined) return defaultThreads(availableParallelism());
  const text = given.value as string;
  let count: number | undefined;
  try {
    count = parseThreadsText(text);
  } catch {
    /* the core's rule, in the CLI's words below */
  }
  if (count === undefined || text !== text.trim()) throw new UsageError(`${given.typed} takes ${THREADS_FORM}, got ${shown(text)}`);
  return count;
}

function parseProgress(given: GivenFlag | undefined): ProgressStyle | undefined {
  if (given === undefined) return undefined;
  const text = given.value as string;
  if (text !== 'json' && text !== 'human' && text !== 'none') throw new UsageError(`${given.typed} takes ${PROGRESS_FORM}, got ${shown(text)}`);
  return text;
}

function parseThrottle(given: GivenFlag | undefined): number {
  if (given === undefined) return 100;
  const text = given.value as string;
  const percent = parseThrottleText(text);
  if (percent === undefined) throw new UsageError(`${given.typed} takes ${THROTTLE_FORM}, got ${shown(text)}`);
  return percent;
}

function parsePriority(given: GivenFlag | undefined): Priority {
  if (given === undefined) return 'normal';
  const text = given.value as string;
  if (text !== 'low' && text !== 'normal') throw new UsageError(`${given.typed} takes ${PRIORITY_FORM}, got ${shown(text)}`);
  return text;
}

function parseBackend(given: GivenFlag | undefined): BackendChoice {
  if (given === undefined) return DEFAULT_BACKEND;
  const text = given.value as string;
  if (!isBackendChoice(text)) throw new UsageError(`${given.typed} takes ${BACKEND_FORM}, got ${shown(text)}`);
  return text;
}

function parseSeconds(given: GivenFlag | undefined): number {
  if (given === undefined) return 3;
  const text = given.value as string;
  const s = Number(text);
  if (!/^[0-9.]+$/.test(text) || !(s > 0 && s <= 600)) throw new UsageError(`${given.typed} takes ${SECONDS_FORM}, got ${shown(text)}`);
  return s;
}

/**
 * `--shard I/N`: the I-th of N parts, numbered from 0. I may be `env:NAME`, read
 * from that environment variable (a Kubernetes Indexed Job's
 * `JOB_COMPLETION_INDEX`, a Slurm array's `SLURM_ARRAY_TASK_ID`).
 */
export function parseShard(text: string, env: Record<string, string | undefined>): Shard {
  const shown = JSON.stringify(text.slice(0, 60));
  const m = /^(.*)\/([^/]*)$/.exec(text);
  if (!m) throw new UsageError(`--shard takes ${SHARD_FORM}, got ${shown}`);
  const [, indexText, countText] = m;
  if (!/^[0-9]+$/.test(countText!) || !Number.isSafeInteger(Number(countText))) {
    throw new UsageError(`--shard: the number of shards N must be a whole number of at least 1, got ${shown}`);
  }
  let index = indexText!;
  if (index.startsWith('env:')) {
    const name = index.slice(4);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--shard: ${JSON.stringify(name)} is not an environment variable name`);
    const value = env[name];
    if (value === undefined || value === '') throw new UsageError(`--shard: the environment variable ${name} is not set`);
    index = value.trim();
  }
  if (!/^[0-9]+$/.test(index) || !Number.isSafeInteger(Number(index))) {
    throw new UsageError(`--shard: the shard index must be a whole number from 0, got ${JSON.stringify(index.slice(0, 40))} (in ${shown})`);
  }
  try {
    return checkShard({ index: Number(index), count: Number(countText) });
  } catch (err) {
    throw new UsageError(`--shard: ${(err as Error).message}`);
  }
}

/** What an argument the mining mode does not take was probably meant as. */
function strayHint(arg: string): string {
  if ((SUBCOMMANDS as readonly string[]).includes(arg)) return ` (a subcommand comes first: dmint-miner ${arg} ...)`;
  const guess = closest(arg, SUBCOMMANDS);
  if (guess !== undefined) return ` (did you mean dmint-miner ${guess}?)`;
  if (/\.json$/i.test(arg)) return ` (the request is read from stdin: dmint-miner < ${arg})`;
  return '';
}

/** A value flag's text, or undefined when it was not given. */
const valueOf = (given: GivenFlag | undefined): string | undefined => given?.value as string | undefined;

/** Parse `process.argv.slice(2)`; `env` answers `--shard env:NAME/N`. */
export function parseCli(argv: string[], env: Record<string, string | undefined> = process.env): CliArgs {
  const [first, ...rest] = argv;
  if (first === 'bench') {
    const { flags } = readFlags(rest, COMMAND_FLAGS.bench);
    if (flags.has('help')) return { command: 'help' };
    return { command: 'bench', seconds: parseSeconds(flags.get('seconds')), workers: parseWorkers(flags), json: flags.has('json') };
  }
  if (first === 'merge') {
    const { flags, positionals } = readFlags(rest, COMMAND_FLAGS.merge, { positionals: true });
    if (flags.has('help')) return { command: 'help' };
    const request = valueOf(flags.get('request'));
    if (request === undefined) throw new UsageError('merge needs --request request.json (the request the shards mined)');
    if (positionals.length === 0) throw new UsageError('merge needs the shards\' status files: dmint-miner merge --request request.json STATUS_FILES...');
    return { command: 'merge', request, files: positionals, json: flags.has('json') };
  }
  if (first === 'doctor') {
    const { flags } = readFlags(rest, COMMAND_FLAGS.doctor);
    if (flags.has('help')) return { command: 'help' };
    return { command: 'doctor', json: flags.has('json'), workers: parseWorkers(flags) };
  }
  if (first === 'web') {
    const { flags } = readFlags(rest, COMMAND_FLAGS.web);
    if (flags.has('help')) return { command: 'help' };
    const portFlag = flags.get('port');
    const port = valueOf(portFlag) ?? '8080';
    if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError(`${portFlag?.typed ?? '--port'} takes ${PORT_FORM}, got ${shown(port)}`);
    const host = valueOf(flags.get('host')) ?? '127.0.0.1';
    if (host === '') throw new UsageError('--host needs an address to listen on, e.g. 127.0.0.1');
    return { command: 'web', port: Number(port), host };
  }
  const { flags } = readFlags(argv, COMMAND_FLAGS.mine, { stray: strayHint });
  if (flags.has('help')) return { command: 'help' };
  if (flags.has('version')) return { command: 'version' };
  if (flags.has('protocol-version')) return { command: 'protocol-version' };
  const start = flags.get('start');
  const count = flags.get('count');
  const countValue = count === undefined ? undefined : parseNonceArg(count);
  try {
    checkRangeFields(undefined, countValue, { start: start?.typed ?? '--start', count: count?.typed ?? '--count' });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (flags.has('resume') && !flags.has('status-file')) throw new UsageError('--resume continues the search a status file describes: give --status-file PATH');
  const shard = valueOf(flags.get('shard'));
  return {
    command: 'mine',
    workers: parseWorkers(flags),
    progress: parseProgress(flags.get('progress')),
    quiet: flags.has('quiet'),
    start: start === undefined ? undefined : parseNonceArg(start),
    count: countValue,
    statusFile: valueOf(flags.get('status-file')),
    resume: flags.has('resume'),
    shard: shard === undefined ? undefined : parseShard(shard, env),
    throttle: parseThrottle(flags.get('throttle')),
    priority: parsePriority(flags.get('priority')),
    backend: parseBackend(flags.get('backend')),
  };
}

/** The `--help` text. */
export const USAGE = `Usage: dmint-miner [options] < request.json
       dmint-miner bench [--seconds S] [--workers N] [--json]
       dmint-miner doctor [--workers N] [--json]
       dmint-miner merge --request request.json [--json] STATUS_FILES...
       dmint-miner web [--port N] [--host H]

Mines one Radiant Glyph dMint proof of work (pyrxd external-miner protocol v1):
reads one JSON request from stdin (to EOF, at most 4096 bytes), searches nonces
upwards on all cores, re-verifies the answer with node:crypto and writes exactly
one JSON line to stdout. The answer is the lowest valid nonce of the range,
whatever the number of workers. A pipe must deliver the request within 10 s; on
a terminal, type or paste it and finish with Ctrl-D (Ctrl-Z then Enter on
Windows), at any pace.

Request (stdin):
  {"preimage_hex": "<128 hex chars>", "target_hex": "<hex u64>",
   "nonce_width": 4 | 8, "protocol": 1}          (protocol optional; extra keys ignored)
  hit iff sha256d(preimage || nonce_le)[0:4] == 0 and
          big-endian u64 of bytes 4..12 < min(target, 0x7fffffffffffffff)

Response (stdout, one line):
  {"nonce_hex":"<2*width hex, little-endian bytes>","attempts":N,"elapsed_s":F}   exit 0
  {"exhausted":true}                                                            exit 2

Options:
  --workers N, --threads N  worker threads (default: available parallelism; more
                            than the cores is allowed)
  --start N, --count N      search only [start, start+count) of the nonce space
                            (decimal or 0x-hex): shards for several machines
  --progress STYLE          json: {"progress":{"attempts":N,"elapsed_s":F}} lines on
                            stderr every 0.5 s (default when stderr is not a terminal);
                            human: a live status line (default on a terminal); none
  -q, --quiet               no progress and no exhaustion message
  --throttle P              keep each thread hashing about P % of the time (1 to
                            100, default 100): it rests between batches, so the
                            machine stays usable; the answer is the same
  --priority low|normal     low: lower the process's scheduling priority before
                            any thread starts (nice 19; the idle class on
                            Windows); where the OS refuses, a note and normal
                            priority (default: normal)
  --backend B               what hashes: wasm (the worker threads), webgpu (the
                            GPU through Dawn, the optional 'webgpu' package;
                            Mesa's software adapter where there is no GPU) or
                            auto (default: the workers hash while the GPU opens,
                            then both are measured on the job and the faster
                            keeps it; no GPU: the workers). --workers caps a
                            software adapter's threads; --throttle rests between
                            GPU dispatches. webgpu without a GPU: exit 1
  --shard I/N               search only the I-th of N equal parts of the range
                            (numbered from 0; the last takes the remainder); I may be
                            env:NAME, e.g. env:JOB_COMPLETION_INDEX or
                            env:SLURM_ARRAY_TASK_ID
  --status-file PATH        keep a JSON heartbeat at PATH (replaced atomically about
                            once a second and at the end); one process per file
  --resume                  continue the search PATH describes from its watermark
                            (same request and range; a found or exhausted search is
                            answered at once; no file yet: start from the beginning)
  --protocol-version        print "dmint-miner protocol v1"
  -V, --version             print the version
  -h, --help                print this help (also after bench, doctor or merge)

merge: reads the status files of the shards of one search (--shard I/N with
--status-file), re-verifies every hit with node:crypto and prints one response:
the lowest hit (exit 0; a note on stderr if lower shards are unfinished) or
{"exhausted":true} (exit 2) once every shard is exhausted; otherwise exit 1 with
the missing ranges on stderr. --json prints a coverage summary instead.

web: serves the mining page shipped in the package (dist/web/) on http://H:N/
(default 127.0.0.1:8080; --port 0 picks a free port) with the headers it needs
(COOP/COEP, a CSP allowing 'wasm-unsafe-eval'); prints the URL on stdout and
runs until Ctrl-C or SIGTERM (exit 0). A port in use or a bad flag: exit 1.

Exit codes:
  0    a valid nonce was found and printed
  1    usage error, bad request, no GPU for --backend webgpu, or internal error
       (one line on stderr, stdout empty)
  2    the range was searched to its end without a valid nonce ({"exhausted":true})
  129  stopped by SIGHUP; 130 by SIGINT; 143 by SIGTERM (stdout empty; a status
       file says "stopped")

Mining opens no network connection: the preimage never leaves this machine (only
"dmint-miner web" listens, to serve the page).
`;
