// Usage and request errors of the real binary: exit 1, one line on stderr, and
// nothing at all on stdout.
import { describe, expect, it } from 'vitest';
import { requestJson, runCli } from '../support/cli.ts';

const PRE = 'ab'.repeat(64);
const GOOD = requestJson(PRE, '7fffffffffffffff', 4);

/** Every request rule of docs/protocol.md, with the reason stderr must give. */
const BAD_REQUESTS: Array<[string, string | Uint8Array, RegExp]> = [
  ['more than 4096 bytes', JSON.stringify({ preimage_hex: PRE, target_hex: '1', nonce_width: 4, pad: 'x'.repeat(5000) }), /4096-byte limit/],
  ['4097 bytes exactly', (() => { const base = requestJson(PRE, '1', 4, { pad: '' }); return base.replace('"pad":""', `"pad":"${'x'.repeat(4097 - base.length)}"`); })(), /4096-byte limit/],
  ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
  ['a byte-order mark before the JSON', '\ufeff' + GOOD, /byte-order mark/],
  ['not JSON', '{preimage_hex: ab}', /not valid JSON/],
  ['empty stdin', '', /not valid JSON/],
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

describe('bad requests: exit 1, reason on stderr, stdout empty', () => {
  it.each(BAD_REQUESTS)('%s', async (_name, input, reason) => {
    const r = await runCli([], input);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(reason);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^dmint-miner: bad request: /);
  });
});

describe('usage errors: exit 1, stdout empty', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /unknown option --bogus/],
    [['extra'], /unexpected argument/],
    [['--workers', '0'], /--workers/],
    [['--workers', 'two'], /--workers/],
    [['--threads', '-1'], /--threads|--workers|option/],
    [['--workers', '1', '--threads', '1'], /not both/],
    [['--count', '0'], /--count must be at least 1/],
    [['--count', 'ten'], /--count takes/],
    [['--start', '-5'], /--start|option/],
    [['--start', '0x100000000'], /outside the 4-byte nonce space/],
    [['--start', '0xffffffff', '--count', '2'], /runs past the end/],
    [['--progress', 'loud'], /--progress takes json, human or none/],
    [['bench', '--seconds', 'abc'], /--seconds/],
    [['doctor', '--bogus'], /unknown option/],
  ];
  it.each(cases)('%j', async (args, reason) => {
    const r = await runCli(args, GOOD);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toMatch(/^dmint-miner: usage error: .*\n$/);
  });

  it('a V2 range past 2^64 is a usage error too', async () => {
    const r = await runCli(['--start', '0xffffffffffffff00', '--count', '0x200'], requestJson(PRE, '1', 8));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/runs past the end of the 8-byte nonce space/);
  });

  it('stdin that stays open 10 s without EOF is a usage error, not a hang', async () => {
    const r = await runCli([], '', { keepStdinOpen: true, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/stdin stayed open 10 s without EOF/);
    expect(r.ms).toBeGreaterThanOrEqual(9_900);
    expect(r.ms).toBeLessThan(15_000);
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
    for (const text of ['Usage: dmint-miner', 'preimage_hex', 'nonce_hex', '"exhausted":true', '--workers', '--start', '--status-file', 'Exit codes', '143']) {
      expect(r.stdout).toContain(text);
    }
  });
});
