/**
 * Command-line parsing for `dmint-miner`: the default mining mode and the
 * `bench` and `doctor` subcommands. Every mistake is a {@link UsageError}
 * (exit 1, one line on stderr), never a crash and never output on stdout.
 */
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseNonceText } from '../core/format.ts';
import type { Shard } from '../core/range.ts';
import type { MergeArgs } from './merge.ts';

/** A command-line mistake; the CLI prints its message and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

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
}

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

/** `--start`/`--count`: the core's nonce text, its mistakes as usage errors. */
function parseNonceArg(flag: string, text: string): bigint {
  try {
    return parseNonceText(flag, text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 1024) {
    throw new UsageError(`--workers takes a whole number of threads from 1 to 1024, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(text);
}

function parseProgress(text: string | undefined): ProgressStyle | undefined {
  if (text === undefined) return undefined;
  if (text !== 'json' && text !== 'human' && text !== 'none') {
    throw new UsageError(`--progress takes json, human or none, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return text;
}

function parseThrottle(text: string | undefined): number {
  if (text === undefined) return 100;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 100) {
    throw new UsageError(`--throttle takes a whole percent from 1 to 100 (the share of each thread's time spent hashing), got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(text);
}

function parsePriority(text: string | undefined): Priority {
  if (text === undefined) return 'normal';
  if (text !== 'low' && text !== 'normal') throw new UsageError(`--priority takes low or normal, got ${JSON.stringify(text.slice(0, 40))}`);
  return text;
}

function parseSeconds(text: string | undefined): number {
  if (text === undefined) return 3;
  const s = Number(text);
  if (!/^[0-9.]+$/.test(text) || !(s > 0 && s <= 600)) {
    throw new UsageError(`--seconds takes a number of seconds above 0 and at most 600, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return s;
}

const SHARD_FORM = 'I/N (e.g. 2/4, or env:SLURM_ARRAY_TASK_ID/4)';

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
  if (!/^[0-9]+$/.test(countText!) || Number(countText) < 1 || !Number.isSafeInteger(Number(countText))) {
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
  const shard = { index: Number(index), count: Number(countText) };
  if (shard.index >= shard.count) throw new UsageError(`--shard: index ${shard.index} is not below ${shard.count} (shards are numbered 0 to ${shard.count - 1})`);
  return shard;
}

type Values = Record<string, string | boolean | undefined>;

/** node:util's parseArgs, with its multi-sentence errors turned into one usage line. */
function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Values } {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    return { values: values as Values };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    const flag = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${flag ?? ''}`.trim());
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`.trim());
    // e.g. "--threads -1": the value looks like an option; say so on one line.
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${message.split('\n')[0]} (write ${flag ?? '--option'}=VALUE)`);
    throw new UsageError(message.split('\n')[0]);
  }
}

const str = (v: Values, key: string): string | undefined => v[key] as string | undefined;

/** Parse `process.argv.slice(2)`; `env` answers `--shard env:NAME/N`. */
export function parseCli(argv: string[], env: Record<string, string | undefined> = process.env): CliArgs {
  const [first, ...rest] = argv;
  if (first === 'bench') {
    const { values } = parse(rest, {
      seconds: { type: 'string' },
      workers: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
    });
    return { command: 'bench', seconds: parseSeconds(str(values, 'seconds')), workers: parseWorkers(str(values, 'workers') ?? str(values, 'threads')), json: values.json === true };
  }
  if (first === 'merge') {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { request: { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: true });
    } catch (err) {
      throw new UsageError(`merge: ${(err as Error).message.split('\n')[0]}`);
    }
    const request = parsed.values.request;
    if (request === undefined || request === '') throw new UsageError('merge needs --request request.json (the request the shards mined)');
    if (parsed.positionals.length === 0) throw new UsageError('merge needs the shards\' status files: dmint-miner merge --request request.json STATUS_FILES...');
    return { command: 'merge', request, files: parsed.positionals, json: parsed.values.json === true };
  }
  if (first === 'doctor') {
    const { values } = parse(rest, { json: { type: 'boolean' }, workers: { type: 'string' }, threads: { type: 'string' } });
    return { command: 'doctor', json: values.json === true, workers: parseWorkers(str(values, 'workers') ?? str(values, 'threads')) };
  }
  if (first === 'web') {
    const { values } = parse(rest, { port: { type: 'string' }, host: { type: 'string' } });
    const port = str(values, 'port') ?? '8080';
    if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) {
      throw new UsageError(`--port takes a port number from 0 to 65535 (0: any free port), got ${JSON.stringify(port.slice(0, 40))}`);
    }
    const host = str(values, 'host') ?? '127.0.0.1';
    if (host === '') throw new UsageError('--host needs an address to listen on, e.g. 127.0.0.1');
    return { command: 'web', port: Number(port), host };
  }
  const { values } = parse(argv, {
    workers: { type: 'string' },
    threads: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    progress: { type: 'string' },
    start: { type: 'string' },
    count: { type: 'string' },
    'status-file': { type: 'string' },
    resume: { type: 'boolean' },
    shard: { type: 'string' },
    throttle: { type: 'string' },
    priority: { type: 'string' },
    'protocol-version': { type: 'boolean' },
    version: { type: 'boolean', short: 'V' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  if (values['protocol-version']) return { command: 'protocol-version' };
  if (values.workers !== undefined && values.threads !== undefined) throw new UsageError('give --workers or --threads, not both');
  const count = values.count === undefined ? undefined : parseNonceArg('--count', str(values, 'count')!);
  if (count === 0n) throw new UsageError('--count must be at least 1');
  if (values['status-file'] === '') throw new UsageError('--status-file needs a path');
  if (values.resume && values['status-file'] === undefined) throw new UsageError('--resume continues the search a status file describes: give --status-file PATH');
  return {
    command: 'mine',
    workers: parseWorkers(str(values, 'workers') ?? str(values, 'threads')),
    progress: parseProgress(str(values, 'progress')),
    quiet: values.quiet === true,
    start: values.start === undefined ? undefined : parseNonceArg('--start', str(values, 'start')!),
    count,
    statusFile: str(values, 'status-file'),
    resume: values.resume === true,
    shard: values.shard === undefined ? undefined : parseShard(str(values, 'shard')!, env),
    throttle: parseThrottle(str(values, 'throttle')),
    priority: parsePriority(str(values, 'priority')),
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
whatever the number of workers.

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
  -h, --help                print this help

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
  1    usage error, bad request, or internal error (one line on stderr, stdout empty)
  2    the range was searched to its end without a valid nonce ({"exhausted":true})
  130  interrupted by SIGINT; 143 terminated by SIGTERM (stdout empty)

Mining opens no network connection: the preimage never leaves this machine (only
"dmint-miner web" listens, to serve the page).
`;
