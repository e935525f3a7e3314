/**
 * Command-line parsing for `dmint-miner`: the default mining mode and the
 * `bench` and `doctor` subcommands. Every mistake is a {@link UsageError}
 * (exit 1, one line on stderr), never a crash and never output on stdout.
 */
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseNonceText } from '../core/format.ts';

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
}

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

/** Commands that print something and exit 0 at once. */
export interface InfoArgs {
  command: 'help' | 'version' | 'protocol-version';
}

/** Everything the command line can ask for. */
export type CliArgs = MineArgs | BenchArgs | DoctorArgs | InfoArgs;

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

function parseSeconds(text: string | undefined): number {
  if (text === undefined) return 3;
  const s = Number(text);
  if (!/^[0-9.]+$/.test(text) || !(s > 0 && s <= 600)) {
    throw new UsageError(`--seconds takes a number of seconds above 0 and at most 600, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return s;
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

/** Parse `process.argv.slice(2)`. */
export function parseCli(argv: string[]): CliArgs {
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
  if (first === 'doctor') {
    const { values } = parse(rest, { json: { type: 'boolean' }, workers: { type: 'string' }, threads: { type: 'string' } });
    return { command: 'doctor', json: values.json === true, workers: parseWorkers(str(values, 'workers') ?? str(values, 'threads')) };
  }
  const { values } = parse(argv, {
    workers: { type: 'string' },
    threads: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    progress: { type: 'string' },
    start: { type: 'string' },
    count: { type: 'string' },
    'status-file': { type: 'string' },
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
  return {
    command: 'mine',
    workers: parseWorkers(str(values, 'workers') ?? str(values, 'threads')),
    progress: parseProgress(str(values, 'progress')),
    quiet: values.quiet === true,
    start: values.start === undefined ? undefined : parseNonceArg('--start', str(values, 'start')!),
    count,
    statusFile: str(values, 'status-file'),
  };
}

/** The `--help` text. */
export const USAGE = `Usage: dmint-miner [options] < request.json
       dmint-miner bench [--seconds S] [--workers N] [--json]
       dmint-miner doctor [--workers N] [--json]

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
  --status-file PATH        keep a JSON heartbeat at PATH (replaced atomically about
                            once a second and at the end)
  --protocol-version        print "dmint-miner protocol v1"
  -V, --version             print the version
  -h, --help                print this help

Exit codes:
  0    a valid nonce was found and printed
  1    usage error, bad request, or internal error (one line on stderr, stdout empty)
  2    the range was searched to its end without a valid nonce ({"exhausted":true})
  130  interrupted by SIGINT; 143 terminated by SIGTERM (stdout empty)

The miner opens no network connection: the preimage never leaves this machine.
`;
