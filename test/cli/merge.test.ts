// dmint-miner merge: the shards' status files combined into the answer of the
// whole range, every hit re-verified, and every gap or foreign shard refused.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestJson, runCli } from '../support/cli.ts';
import { fixture } from '../support/vectors.ts';

const vector = (id: string) => fixture.pow_vectors.find((p) => p.id.startsWith(id))!;

/** Run N shards of a window with status files in a fresh folder; return the folder, the request file and the shards' files. */
async function shardRun(request: string, start: number, count: number, n: number, only?: number[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dmint-merge-'));
  const requestFile = join(dir, 'request.json');
  writeFileSync(requestFile, request);
  const files = Array.from({ length: n }, (_, i) => join(dir, `shard-${i}.status`));
  // One worker each, all at once, as a cluster would run them.
  await Promise.all(files.map(async (file, i) => {
    if (only && !only.includes(i)) return;
    const r = await runCli(['--quiet', '--workers', '1', '--start', String(start), '--count', String(count), '--shard', `${i}/${n}`, '--status-file', file], request);
    expect([0, 2]).toContain(r.code);
  }));
  return { dir, requestFile, files };
}

describe('dmint-miner merge', () => {
  it('answers what one unsharded run answers: the lowest hit over 4 shards, or exhaustion', async () => {
    const v = vector('gen-w4-11127');
    const request = requestJson(v.preimage_hex, '7fffffffffffffff', 4);
    const [start, count] = [v.nonce_int_le - 700_000, 1_200_000];
    const { requestFile, files } = await shardRun(request, start, count, 4);
    const merged = await runCli(['merge', '--request', requestFile, ...files]);
    const single = await runCli(['--quiet', '--start', String(start), '--count', String(count)], request);
    expect([merged.code, merged.stderr]).toEqual([0, '']);
    expect(JSON.parse(merged.stdout).nonce_hex).toBe(JSON.parse(single.stdout).nonce_hex);
    expect(JSON.parse(merged.stdout).nonce_hex).toBe(v.nonce_hex);

    const endless = requestJson(vector('gen-w4-8403').preimage_hex, '0000000000000001', 4);
    const none = await shardRun(endless, 5000, 400_000, 3);
    const exhausted = await runCli(['merge', '--request', none.requestFile, ...none.files, none.files[1]!]); // a file twice counts once
    expect([exhausted.code, exhausted.stdout]).toEqual([2, '{"exhausted":true}\n']);
    const summary = await runCli(['merge', '--json', '--request', none.requestFile, ...none.files]);
    expect(summary.code).toBe(0);
    expect(JSON.parse(summary.stdout)).toEqual({ whole: { start: '5000', count: '400000' }, done: [{ start: '5000', end: '405000' }], pending: [], hits: [], lowest_certain: false });
  });

  it('lists missing or unfinished shards instead of answering exhaustion, and notes a hit that may not be the lowest', async () => {
    const endless = requestJson(vector('gen-w4-8403').preimage_hex, '0000000000000001', 4);
    const { requestFile, files } = await shardRun(endless, 0, 400_000, 4, [0, 2, 3]);
    const r = await runCli(['merge', '--request', requestFile, ...files.filter((_, i) => i !== 1)]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/\[100000, 200000\) missing or unfinished/);
    const json = JSON.parse((await runCli(['merge', '--json', '--request', requestFile, ...files.filter((_, i) => i !== 1)])).stdout);
    expect(json.pending).toEqual([{ start: '100000', end: '200000' }]);

    // A hit in shard 3 while shards 1 and 2 are missing: valid, answered, but flagged.
    const v = vector('gen-w4-11127');
    const request = requestJson(v.preimage_hex, '7fffffffffffffff', 4);
    const run = await shardRun(request, v.nonce_int_le - 300_000, 400_000, 4, [0, 3]);
    const flagged = await runCli(['merge', '--request', run.requestFile, run.files[0]!, run.files[3]!]);
    expect(flagged.code).toBe(0);
    expect(JSON.parse(flagged.stdout).nonce_hex).toBe(v.nonce_hex);
    expect(flagged.stderr).toMatch(/may not be the lowest: \[\d+, \d+\) below it not searched yet/);
  });

  it('refuses a lying status file, a shard of another job or range, and bad arguments: exit 1, stdout empty', async () => {
    const v = vector('gen-w4-506');
    const request = requestJson(v.preimage_hex, '7fffffffffffffff', 4);
    const { dir, requestFile, files } = await shardRun(request, 0, 600_000, 2);
    const lying = join(dir, 'lying.status');
    writeFileSync(lying, JSON.stringify({ ...JSON.parse(readFileSync(files[0]!, 'utf8')), state: 'found', nonce_hex: '01000000' }));
    const other = join(dir, 'other.json');
    writeFileSync(other, requestJson(v.preimage_hex, '7ffffffffffffffe', 4));
    const otherRange = (await shardRun(request, 0, 700_000, 2)).files[0]!;
    const cases: Array<[string[], RegExp]> = [
      [['merge', '--request', requestFile, lying, files[1]!], /does not confirm/],
      [['merge', '--request', other, ...files], /another job/],
      [['merge', '--request', requestFile, files[0]!, otherRange], /a shard of the range \[0, 700000\), not \[0, 600000\)/],
      [['merge', '--request', requestFile, join(dir, 'nope.status')], /does not exist/],
      [['merge', '--request', join(dir, 'nope.json'), ...files], /cannot use --request/],
      [['merge', ...files], /merge needs --request/],
      [['merge', '--request', requestFile], /status files/],
      [['merge', '--bogus', '--request', requestFile, ...files], /usage error: unknown option --bogus; see dmint-miner --help/],
    ];
    // Refusals read the files and write nothing: they can run at once.
    await Promise.all(cases.map(async ([args, why]) => {
      const r = await runCli(args);
      expect([r.code, r.stdout], args.join(' ')).toEqual([1, '']);
      expect(r.stderr, args.join(' ')).toMatch(why);
    }));
  });
});
