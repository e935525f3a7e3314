// Usage and request errors of the real binary: exit 1, one line on stderr, and
// nothing at all on stdout. Each table is checked in full in-process (the
// parser the binary calls, and the line it prints around the message), and a
// few rows of each through the real binary: a process start per row would cost
// the shared machine most of a minute for the same rule.
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { RequestError } from '../../src/core/errors.ts';
import { parseRequest } from '../../src/core/request.ts';
import { COMMAND_FLAGS, USAGE, UsageError, parseCli } from '../../src/node/args.ts';
import { STDIN_TIMEOUT_MS, readRequestBytes, stdinTimeout } from '../../src/node/stdin.ts';
import { PROMISES, measureMachine, withinPromise } from '../support/budgets.ts';
import { requestJson, runCli, type CliRun } from '../support/cli.ts';

const PRE = 'ab'.repeat(64);
const GOOD = requestJson(PRE, '7fffffffffffffff', 4);

/** Every request rule of docs/protocol.md, with the reason stderr must give. */
const BAD_REQUESTS: Array<[string, string | Uint8Array, RegExp]> = [
  ['more than 4096 bytes', JSON.stringify({ preimage_hex: PRE, target_hex: '1', nonce_width: 4, pad: 'x'.repeat(5000) }), /4096-byte limit/],
  ['4097 bytes exactly', (() => { const base = requestJson(PRE, '1', 4, { pad: '' }); return base.replace('"pad":""', `"pad":"${'x'.repeat(4097 - base.length)}"`); })(), /4096-byte limit/],
  ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
  ['a byte-order mark before the JSON', '\ufeff' + GOOD, /byte-order mark/],
  ['not JSON', '{preimage_hex: ab}', /not valid JSON/],
  ['an array', '[1,2]', /JSON object/],
  ['null', 'null', /JSON object/],
  ['missing preimage_hex', JSON.stringify({ target_hex: '1', nonce_width: 4 }), /"preimage_hex"/],
  ['missing target_hex', JSON.stringify({ preimage_hex: PRE, nonce_width: 4 }), /"target_hex"/],
  ['missing nonce_width', JSON.stringify({ preimage_hex: PRE, target_hex: '1' }), /"nonce_width"/],
  ['protocol null', requestJson(PRE, '1', 4, { protocol: null }), /protocol/],
  ['protocol true', requestJson(PRE, '1', 4, { protocol: true }), /protocol/],
  ['protocol "1"', requestJson(PRE, '1', 4, { protocol: '1' }), /protocol/],
  ['protocol 2', requestJson(PRE, '1', 4, { protocol: 2 }), /protocol/],
  ['preimage of 63 bytes', requestJson('ab'.repeat(63), '1', 4), /preimage_hex/],
  ['preimage of odd length', requestJson(PRE + 'a', '1', 4), /preimage_hex/],
  ['preimage with a non-hex character', requestJson('zz' + PRE.slice(2), '1', 4), /preimage_hex/],
  ['preimage not a string', JSON.stringify({ preimage_hex: 12, target_hex: '1', nonce_width: 4 }), /preimage_hex/],
  ['target 0', requestJson(PRE, '0000000000000000', 4), /target_hex/],
  ['target with 0x', requestJson(PRE, '0x10', 4), /target_hex/],
  ['target with a space', requestJson(PRE, ' 10', 4), /target_hex/],
  ['target empty', requestJson(PRE, '', 4), /target_hex/],
  ['target as a number', JSON.stringify({ preimage_hex: PRE, target_hex: 16, nonce_width: 4 }), /target_hex/],
  ['nonce_width 2', requestJson(PRE, '1', 2 as 4), /nonce_width/],
  ['nonce_width "4"', JSON.stringify({ preimage_hex: PRE, target_hex: '1', nonce_width: '4' }), /nonce_width/],
  ['nonce_width true', JSON.stringify({ preimage_hex: PRE, target_hex: '1', nonce_width: true }), /nonce_width/],
];

/**
 * The binary with stdin left open, started before every other case so its 10 s
 * wait overlaps them; and a `--version` run beside it, how long starting the
 * binary takes now.
 */
let stdinOpen: Promise<[CliRun, CliRun]>;
beforeAll(() => {
  stdinOpen = Promise.all([runCli([], '', { keepStdinOpen: true, timeoutMs: 3 * STDIN_TIMEOUT_MS }), runCli(['--version'])]);
});

/** The binary's line for a usage error whose message is `message` (what main() prints). */
const usageLine = (message: string): string => `dmint-miner: usage error: ${message}; see dmint-miner --help\n`;

/** What the binary would print for `args` before reading stdin: the usage-error line, or null if parseCli accepts them. */
function usageLineOf(args: string[]): string | null {
  try {
    parseCli(args, {});
    return null;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageLine(err.message);
  }
}

/** Rows of {@link BAD_REQUESTS} also run through the binary: the byte-level rules (size, UTF-8, BOM), JSON, shape and each field. */
const BAD_REQUESTS_SPAWNED = ['4097 bytes exactly', 'not UTF-8', 'a byte-order mark before the JSON', 'not JSON', 'missing target_hex', 'protocol 2', 'target 0', 'nonce_width "4"'];

/** A bad request as the CLI must give it: exit 1, stdout empty, one stderr line `bad request: REASON`. */
function expectBadRequest(r: CliRun, reason: RegExp, label: string): void {
  expect([r.code, r.stdout], label).toEqual([1, '']);
  expect(r.stderr, label).toMatch(reason);
  expect(r.stderr.trimEnd().split('\n'), label).toHaveLength(1);
  expect(r.stderr, label).toMatch(/^dmint-miner: bad request: /);
}

describe('bad requests: exit 1, reason on stderr, stdout empty', () => {
  it('every rule: the binary\'s own pipeline (stdin reader, then parser) rejects it with the reason, on one line', async () => {
    for (const [name, input, reason] of BAD_REQUESTS) {
      const stdin = new PassThrough();
      stdin.end(typeof input === 'string' ? Buffer.from(input) : input);
      let message = '(accepted)';
      try {
        parseRequest(await readRequestBytes(stdin, null));
      } catch (err) {
        message = err instanceof RequestError ? err.message : `not a RequestError: ${String(err)}`;
      }
      expect(`dmint-miner: bad request: ${message}\n`, name).toMatch(reason);
      expect(message, name).not.toContain('\n');
    }
  });

  it.concurrent.each(BAD_REQUESTS.filter(([name]) => BAD_REQUESTS_SPAWNED.includes(name)))('the binary: %s', async (name, input, reason) => {
    expectBadRequest(await runCli([], input), reason, name);
  });
});

describe('usage errors: exit 1, stdout empty', () => {
  // Rejected by parseCli before stdin is read.
  const parsed: Array<[string[], RegExp]> = [
    [['--bogus'], /unknown option --bogus/],
    [['extra'], /unexpected argument/],
    [['--workers', '0'], /--workers/],
    [['--workers', 'two'], /--workers/],
    [['--threads', '-1'], /--threads takes a whole number/],
    [['--workers', '1', '--threads', '1'], /not both/],
    [['--count', '0'], /--count must be at least 1/],
    [['--count', 'ten'], /--count takes/],
    [['--start', '-5'], /--start takes a decimal or 0x-hex/],
    [['--progress', 'loud'], /--progress takes json, human or none/],
    [['bench', '--seconds', 'abc'], /--seconds/],
    [['doctor', '--bogus'], /unknown option/],
  ];
  it('in-process, every one: the line the binary prints', () => {
    for (const [args, reason] of parsed) {
      const line = usageLineOf(args);
      expect(line, args.join(' ')).toMatch(reason);
      expect(line, args.join(' ')).toMatch(/^dmint-miner: usage error: .*; see dmint-miner --help\n$/);
    }
  });

  // Through the binary: one rejected by parseCli per command, and the range rules, which need the request's width.
  const spawned: Array<[string[], string, RegExp]> = [
    [['--workers', '1', '--threads', '1'], GOOD, /not both/],
    [['bench', '--seconds', 'abc'], GOOD, /--seconds/],
    [['doctor', '--bogus'], GOOD, /unknown option/],
    [['--start', '0x100000000'], GOOD, /outside the 4-byte nonce space/],
    [['--start', '0xffffffff', '--count', '2'], GOOD, /runs past the end/],
    [['--start', '0xffffffffffffff00', '--count', '0x200'], requestJson(PRE, '1', 8), /runs past the end of the 8-byte nonce space/],
  ];
  it.concurrent.each(spawned)('the binary: %j', async (args, input, reason) => {
    const r = await runCli(args, input);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toMatch(/^dmint-miner: usage error: .*; see dmint-miner --help\n$/);
  });

  it('stdin that stays open without EOF is an error once the limit passes, not a hang', async () => {
    // A pipe's limit is 10 s, a terminal has none; the rule is timed on a short limit here,
    // and once end to end on the binary below.
    expect(stdinTimeout(false)).toBe(STDIN_TIMEOUT_MS);
    expect(stdinTimeout(true)).toBeNull();
    const t0 = performance.now();
    await expect(readRequestBytes(new PassThrough(), 100)).rejects.toThrow('no request: stdin stayed open 0.1 s without EOF');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
  });
});

/** Phrases of node:util's parseArgs that must never reach the user. */
const NODE_WORDING = ['argument missing', '<value>', 'ERR_PARSE_ARGS', "Option '", 'ambiguous', 'Unknown option', 'Unexpected argument'];

/** A usage error as the CLI must give it: exit 1, stdout empty, one stderr line in the project's words. */
function expectUsageError(r: CliRun, args: string[]): void {
  const label = args.join(' ');
  expect([r.code, r.stdout], label).toEqual([1, '']);
  expect(r.stderr, label).toMatch(/^dmint-miner: usage error: [^\n]+; see dmint-miner --help\n$/);
  for (const phrase of NODE_WORDING) expect(r.stderr, label).not.toContain(phrase);
}

describe('argument errors name the flag as typed and what it expects', () => {
  const required: Array<[string[], string]> = [
    [['--start'], 'usage error: --start needs a value: a decimal or 0x-hex unsigned integer;'],
    [['--count', '10', '--start'], '--start needs a value: a decimal or 0x-hex unsigned integer;'],
    [['--threads', '-1'], '--threads takes a whole number of threads from 1 to 1024, got "-1"'],
    [['--workers', '-1'], '--workers takes a whole number of threads from 1 to 1024, got "-1"'],
    [['--threads=abc'], '--threads takes a whole number of threads from 1 to 1024, got "abc"'],
    [['--threads', '--quiet'], '--threads needs a value: a whole number of threads from 1 to 1024;'],
    [['--thread', '2'], 'unknown option --thread (did you mean --threads?)'],
    [['--worker=2'], 'unknown option --worker (did you mean --workers?)'],
    [['--qiuet'], 'unknown option --qiuet (did you mean --quiet?)'],
    [['--Progress=json'], 'unknown option --Progress (did you mean --progress?)'],
    [['-w', '2'], 'unknown option -w (did you mean --workers?)'],
    [['--bogus'], 'usage error: unknown option --bogus;'],
    [['--s', '1'], 'usage error: unknown option --s;'],
    [['-x'], 'usage error: unknown option -x;'],
    [['-qx'], 'usage error: unknown option -x;'],
    [['--quiet=yes'], '--quiet is a switch and takes no value, got "yes" (write --quiet alone)'],
    [['-q=yes'], '-q is a switch and takes no value, got "yes" (write -q alone)'],
    [['--status-file', '-s.json'], '--status-file needs a value: a path (for a value that starts with -, write --status-file=-s.json)'],
    [['--start', '-5'], '--start takes a decimal or 0x-hex unsigned integer, got "-5"'],
    [['extra'], 'usage error: unexpected argument "extra";'],
    [['--quiet', '--', 'extra'], 'usage error: unexpected argument "extra";'],
    [['request.json'], 'unexpected argument "request.json" (the request is read from stdin: dmint-miner < request.json)'],
    [['bnech'], 'unexpected argument "bnech" (did you mean dmint-miner bench?)'],
    [['--quiet', 'doctor'], 'unexpected argument "doctor" (a subcommand comes first: dmint-miner doctor ...)'],
    [['bench', '--thread', '2'], 'unknown option --thread (did you mean --threads?)'],
    [['bench', '--threads', '-1'], '--threads takes a whole number of threads from 1 to 1024, got "-1"'],
    [['bench', '--workers=abc'], '--workers takes a whole number of threads from 1 to 1024, got "abc"'],
    [['bench', '--seconds'], '--seconds needs a value: a number of seconds above 0 and at most 600;'],
    [['bench', '--secnods', '2'], 'unknown option --secnods (did you mean --seconds?)'],
    [['bench', '--count', '2'], 'usage error: unknown option --count;'],
    [['doctor', '--threads'], '--threads needs a value: a whole number of threads from 1 to 1024;'],
    [['doctor', '--workers=0'], '--workers takes a whole number of threads from 1 to 1024, got "0"'],
    [['doctor', '--jsno'], 'unknown option --jsno (did you mean --json?)'],
    [['doctor', '--workers', '1', '--threads', '1'], 'give --workers or --threads, not both'],
    [['merge', '--bogus'], 'usage error: unknown option --bogus;'],
    [['merge', '--requst', 'r.json', 's.status'], 'unknown option --requst (did you mean --request?)'],
    [['merge', 's.status', '--request'], '--request needs a value: the path of the request the shards mined;'],
    [['merge', '--json=1'], '--json is a switch and takes no value, got "1" (write --json alone)'],
  ];
  it('in-process, every one: the line the binary prints names the flag as typed', () => {
    for (const [args, message] of required) {
      const line = usageLineOf(args);
      expect(line, args.join(' ')).not.toBeNull();
      expectUsageError({ code: 1, signal: null, stdout: '', stderr: line!, ms: 0 }, args);
      expect(line, args.join(' ')).toContain(message);
    }
  });

  // Through the binary: a suggestion, bundled short switches, `--` and a subcommand's own flags.
  const spawned = required.filter(([args]) => ['--thread 2', '-qx', '--quiet -- extra', 'merge --requst r.json s.status'].includes(args.join(' ')));
  it.concurrent.each(spawned)('the binary: %j', async (args, message) => {
    const r = await runCli(args, GOOD);
    expectUsageError(r, args);
    expect(r.stderr).toContain(message);
  });

  /**
   * Every flag of every command, each way it can be given wrong: a value flag with nothing after it,
   * followed by another flag, or `=` and nothing; with a value it does not take; a switch given a
   * value; each flag misspelt. The message must name the flag exactly as typed.
   */
  function everyMistake(): Array<{ args: string[]; names: string; says: string }> {
    const cases: Array<{ args: string[]; names: string; says: string }> = [];
    for (const [command, specs] of Object.entries(COMMAND_FLAGS)) {
      const prefix = command === 'mine' ? [] : [command];
      // A flag to follow a value flag: another switch of the command, or --help where it has no other.
      const aSwitch = specs.find((s) => s.kind === 'switch' && s.name !== 'help') ?? specs.find((s) => s.name === 'help')!;
      for (const spec of specs) {
        const flag = `--${spec.name}`;
        if (spec.kind === 'value') {
          cases.push({ args: [...prefix, flag], names: flag, says: `${flag} needs a value: ${spec.form}` });
          cases.push({ args: [...prefix, flag, `--${aSwitch.name}`], names: flag, says: `${flag} needs a value: ${spec.form}` });
          cases.push({ args: [...prefix, `${flag}=`], names: flag, says: `${flag} needs a value: ${spec.form}` });
          // Paths and listen addresses take any text (the system judges them); every other value has a form that "x/y" is not.
          if (!/path|address/.test(spec.form!)) cases.push({ args: [...prefix, `${flag}=x/y`], names: flag, says: `${flag}` });
        } else {
          cases.push({ args: [...prefix, `${flag}=yes`], names: flag, says: `${flag} is a switch and takes no value, got "yes"` });
          if (spec.short) cases.push({ args: [...prefix, `-${spec.short}=1`], names: `-${spec.short}`, says: `-${spec.short} is a switch and takes no value, got "1"` });
        }
        const cut = `--${spec.name.slice(0, -1)}`;
        cases.push({ args: [...prefix, cut], names: cut, says: `unknown option ${cut} (did you mean ${flag}?)` });
        const swapped = `--${spec.name[0]}${spec.name[2]}${spec.name[1]}${spec.name.slice(3)}`;
        cases.push({ args: [...prefix, swapped], names: swapped, says: `unknown option ${swapped} (did you mean ${flag}?)` });
      }
    }
    return cases;
  }

  // The real binary prints parseCli's message as `dmint-miner: usage error: MESSAGE; see dmint-miner --help`
  // (the cases above run it for every subcommand and every kind of mistake); the table runs in-process,
  // since a hundred-odd process starts would cost the shared machine most of a minute.
  it('every flag of every command, given wrong each way, is one message in the project\'s words naming it as typed', () => {
    const cases = everyMistake();
    expect(cases.length).toBeGreaterThan(100);
    const failures: string[] = [];
    for (const c of cases) {
      let message = '(no error)';
      try {
        parseCli(c.args, {});
      } catch (err) {
        message = err instanceof UsageError ? err.message : `not a UsageError: ${String(err)}`;
      }
      const wrong = [
        !message.includes(c.says) && `does not say ${JSON.stringify(c.says)}`,
        !message.startsWith(c.says.startsWith('unknown option') ? `unknown option ${c.names}` : c.names) && `does not start with ${c.names}`,
        message.includes('\n') && 'is more than one line',
        ...NODE_WORDING.filter((phrase) => message.includes(phrase)).map((phrase) => `has Node's ${JSON.stringify(phrase)}`),
        // --workers and --threads are aliases: a message names the one typed, never the other.
        c.names === '--workers' && message.includes('--threads') && 'names --threads',
        c.names === '--threads' && message.includes('--workers') && 'names --workers',
      ].filter(Boolean);
      if (wrong.length > 0) failures.push(`${c.args.join(' ')} -> ${JSON.stringify(message)}: ${wrong.join(', ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('--help lists every flag of every command', () => {
    for (const specs of Object.values(COMMAND_FLAGS)) {
      for (const spec of specs) {
        expect(USAGE).toContain(`--${spec.name}`);
        if (spec.short) expect(USAGE).toContain(`-${spec.short}, --${spec.name}`);
      }
    }
  });
});

describe('empty stdin', () => {
  it.concurrent.each([['nothing', ''], ['a newline', '\n'], ['spaces, tabs and CRLF', ' \t \r\n  ']])('%s: "no request on stdin" and how to give one, exit 1, stdout empty', async (_name, input) => {
    const r = await runCli([], input);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe('dmint-miner: usage error: no request on stdin: give one JSON request on stdin and close it, e.g. dmint-miner < request.json; see dmint-miner --help\n');
  });

  it('anything else is judged as a request by the protocol\'s rules', async () => {
    const r = await runCli([], ' \u00a0 ');
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/^dmint-miner: bad request: .*not valid JSON/);
  });
});

describe('stdin left open', () => {
  it('the binary ends with a usage error after 10 s without EOF, not a hang', async () => {
    const [r, start] = await stdinOpen;
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(usageLine('no request: stdin stayed open 10 s without EOF (write the JSON request and close stdin)'));
    expect(r.ms).toBeGreaterThanOrEqual(STDIN_TIMEOUT_MS - 100);
    // The limit, plus starting the process and stopping it (a stop's promise), on the machine as it is now.
    expect(r.ms).toBeLessThan(STDIN_TIMEOUT_MS + start.ms + withinPromise(PROMISES.stopMs, await measureMachine()));
  });
});

describe('information flags', () => {
  it('--protocol-version', async () => {
    const r = await runCli(['--protocol-version']);
    expect(r).toMatchObject({ code: 0, stdout: 'dmint-miner protocol v1\n', stderr: '' });
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dmint-miner \d+\.\d+\.\d+\n$/);
  });

  it('--help shows usage, request and response shapes, and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const text of ['Usage: dmint-miner', 'preimage_hex', 'nonce_hex', '"exhausted":true', '--workers', '--start', '--status-file', 'Exit codes', '129', '143']) {
      expect(r.stdout).toContain(text);
    }
  });

  it('bench, doctor and merge --help print the same help and run nothing', async () => {
    const [help, ...subs] = await Promise.all([runCli(['--help']), ...['bench', 'doctor', 'merge'].map((command) => runCli([command, '--help', '--json']))]);
    expect(help.stdout).toContain('Usage: dmint-miner');
    for (const sub of subs) expect(sub).toMatchObject({ code: 0, stderr: '', stdout: help.stdout });
  });
});
