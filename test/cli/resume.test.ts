// Long searches that survive: --resume from the status file (through SIGKILL at
// random moments), its refusals, the lock, and --shard I/N.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from '../../src/core/tuning.ts';
import { UsageError, parseCli } from '../../src/node/args.ts';
import { measureMachine, nonceWindow, until } from '../support/budgets.ts';
import { BIN, requestJson, runCli } from '../support/cli.ts';
import { prng } from '../support/kernels.ts';
import { fixture } from '../support/vectors.ts';

const vector = (id: string) => fixture.pow_vectors.find((p) => p.id.startsWith(id))!;
const pxd = vector('pxd-mainnet');
const PXD = requestJson(pxd.preimage_hex, '7fffffffffffffff', 4);
const tempPath = (name = 's.json') => join(mkdtempSync(join(tmpdir(), 'dmint-resume-')), name);
const status = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * Start the CLI and SIGKILL it `ms` after its status file first shows a watermark above `above`
 * (some progress on disk, whatever the machine's rate); resolves with its exit (null code when
 * killed) and stdout.
 */
function runKilledAfterProgress(args: string[], input: string, path: string, above: bigint, ms: number): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stdin.end(input);
    const poll = setInterval(() => {
      try {
        const s = status(path);
        if (s.state !== 'mining' || BigInt(s.watermark) <= above) return;
      } catch {
        return; // not written yet
      }
      clearInterval(poll);
      timer = setTimeout(() => child.kill('SIGKILL'), ms);
    }, 10);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

describe('--resume', () => {
  it('survives SIGKILL at random moments: the resumed search answers the uninterrupted run\'s nonce, redoing only what was in flight', async () => {
    const path = tempPath();
    // The window ends 1000 nonces past the mainnet nonce, the lowest valid one from 0: about 6 s of work for two
    // workers at the rate measured now (pinned: a GPU may sweep it before a status is written), enough for three
    // kills or more (each after a second of progress on disk, plus up to 0.8 s); the loop stops at four.
    const below = Math.min(Number(nonceWindow(6, await measureMachine(), 2)), pxd.nonce_int_le);
    const start = BigInt(pxd.nonce_int_le - below);
    const range = ['--start', String(start), '--count', String(below + 1000)];
    const args = ['--quiet', '--workers', '2', '--backend', 'wasm', '--status-file', path, '--resume', ...range];
    const rnd = prng(99);
    let kills = 0;
    const watermarks: bigint[] = [];
    for (; kills < 4; kills++) {
      // The status is written as the search starts and then about once a second: kill at a random moment
      // within 0.8 s after it first shows progress beyond the last kill's.
      const r = await runKilledAfterProgress(args, PXD, path, watermarks.at(-1) ?? start, rnd.below(800));
      if (r.code !== null) break; // it finished before the kill
      expect(r.stdout).toBe('');
      const s = status(path);
      expect(s.state).toBe('mining');
      watermarks.push(BigInt(s.watermark));
    }
    // The watermark on disk only moves up between kills, and never past the hit.
    for (let i = 1; i < watermarks.length; i++) expect(watermarks[i]).toBeGreaterThanOrEqual(watermarks[i - 1]);
    for (const w of watermarks) expect(w).toBeLessThanOrEqual(BigInt(pxd.nonce_int_le));
    expect(watermarks.length, 'at least one kill came mid-search').toBeGreaterThan(0);
    expect(watermarks.at(-1)!, 'the kills came after some progress was on disk').toBeGreaterThan(start);
    const last = await runCli(args, PXD);
    expect(last.code, last.stderr).toBe(0);
    const answer = JSON.parse(last.stdout);
    expect(answer.nonce_hex).toBe(pxd.nonce_hex);
    // Attempts add up over the runs: the nonces below the hit, plus what was redone after each kill.
    const redone = answer.attempts - (below + 1);
    console.log(`resume: ${kills} kills, watermarks ${watermarks.join(', ')}; ${redone} nonces searched twice in all`);
    expect(redone).toBeGreaterThanOrEqual(0);
    expect(redone).toBeLessThanOrEqual(kills * 4 * Number(CHUNK_SIZE));
    expect(status(path)).toMatchObject({ state: 'found', nonce_hex: pxd.nonce_hex, watermark: String(pxd.nonce_int_le) });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('starts from the beginning when the status file does not exist yet, and answers a found or exhausted one without searching', async () => {
    const path = tempPath();
    const v = vector('gen-w4-506');
    const request = requestJson(v.preimage_hex, '7fffffffffffffff', 4);
    const first = await runCli(['--quiet', '--status-file', path, '--resume', '--count', '2000000'], request);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).nonce_hex).toBe(v.nonce_hex);
    expect(status(path)).toMatchObject({ state: 'found', nonce_hex: v.nonce_hex, range: { start: '0', count: '2000000' }, whole: { start: '0', count: '2000000' } });
    const again = await runCli(['--status-file', path, '--resume', '--count', '2000000'], request);
    expect([again.code, again.stdout, again.stderr]).toEqual([0, first.stdout, '']); // no progress frame: nothing was searched

    const endless = requestJson(vector('gen-w4-8403').preimage_hex, '0000000000000001', 4);
    const exhausted = tempPath();
    expect((await runCli(['--quiet', '--status-file', exhausted, '--count', '300000'], endless)).code).toBe(2);
    const answered = await runCli(['--status-file', exhausted, '--resume', '--count', '300000'], endless);
    expect([answered.code, answered.stdout]).toEqual([2, '{"exhausted":true}\n']);
    expect(answered.stderr).toMatch(/^dmint-miner: exhausted: no valid nonce in nonces \[0, 300000\) after 300000 attempts/);
  });

  it('refuses another request, width, range or shard, a lying found nonce, and damaged files, with stdout empty and the file kept', async () => {
    const path = tempPath();
    const v = vector('gen-w4-506');
    const request = requestJson(v.preimage_hex, '7fffffffffffffff', 4);
    expect((await runCli(['--quiet', '--status-file', path, '--count', '2000000', '--shard', '0/2'], request)).code).toBe(2);
    const kept = readFileSync(path, 'utf8');
    const refusals: Array<[string[], string, RegExp]> = [
      [['--count', '2000000', '--shard', '0/2'], requestJson(v.preimage_hex, '7ffffffffffffffe', 4), /another request/],
      [['--count', '2000000', '--shard', '0/2'], requestJson(v.preimage_hex, '7fffffffffffffff', 8), /a 4-byte nonce search, not 8-byte/],
      [['--count', '3000000', '--shard', '0/2'], request, /the range \[0, 2000000\), not \[0, 3000000\)/],
      [['--count', '2000000', '--shard', '1/2'], request, /shard 0\/2, not 1\/2/],
      [['--count', '2000000'], request, /shard 0\/2, not none/],
    ];
    for (const [args, input, why] of refusals) {
      const r = await runCli(['--status-file', path, '--resume', ...args], input);
      expect([r.code, r.stdout], args.join(' ')).toEqual([1, '']);
      expect(r.stderr).toMatch(why);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readFileSync(path, 'utf8')).toBe(kept);
    }

    const lying = tempPath();
    writeFileSync(lying, JSON.stringify({ ...JSON.parse(kept), state: 'found', nonce_hex: '00000001' }));
    const lie = await runCli(['--status-file', lying, '--resume', '--count', '2000000', '--shard', '0/2'], request);
    expect([lie.code, lie.stdout]).toEqual([1, '']);
    expect(lie.stderr).toMatch(/node:crypto does not confirm it/);

    await Promise.all(([['{"state":', /not JSON/], ['{"schema":1,"state":"mining"}', /no job fingerprint/]] as const).map(async ([content, why]) => {
      const damaged = tempPath();
      writeFileSync(damaged, content);
      const r = await runCli(['--status-file', damaged, '--resume'], request);
      expect([r.code, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toMatch(why);
      expect(readFileSync(damaged, 'utf8')).toBe(content);
    }));
    const usage = await runCli(['--resume'], request);
    expect([usage.code, usage.stdout]).toEqual([1, '']);
    expect(usage.stderr).toMatch(/--resume .* give --status-file PATH/);
  });

  it('refuses a second process on the same status file while the first runs, and takes over the lock of a killed one', async () => {
    const path = tempPath();
    const endless = requestJson(vector('gen-w4-8403').preimage_hex, '0000000000000001', 4);
    let second: Awaited<ReturnType<typeof runCli>> | undefined;
    const first = runCli(['--quiet', '--workers', '1', '--status-file', path], endless, {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (!existsSync(path) || second !== undefined) return;
          clearInterval(poll);
          void runCli(['--quiet', '--status-file', path, '--resume'], endless).then((r) => {
            second = r;
            child.kill('SIGKILL');
          });
        }, 50);
      },
    });
    expect((await first).signal).toBe('SIGKILL');
    expect([second!.code, second!.stdout]).toEqual([1, '']);
    expect(second!.stderr).toMatch(/is in use by process \d+/);
    expect(existsSync(`${path}.lock`)).toBe(true); // left by the killed process
    const after = await runCli(['--quiet', '--status-file', path, '--resume', '--count', '100000'], endless);
    expect(after.stderr).toMatch(/describes the range/); // the lock was taken over; the range differs
    // Stopped once it has taken the file over (its own pid in it) and is mining.
    const resumed = await runCli(['--quiet', '--status-file', path, '--resume', '--workers', '2'], endless, {
      onSpawn: (c) => void until(() => { try { const s = status(path); return s.pid === c.pid && s.state === 'mining'; } catch { return false; } }, 'the resumed run to take the file over')
        .then(() => c.kill('SIGTERM'), () => c.kill('SIGKILL')),
    });
    expect(resumed.code).toBe(143);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe('--shard I/N', () => {
  it('searches the I-th of N parts: the shard holding the hit answers it, the ones below exhaust', async () => {
    const v = vector('gen-w4-11127');
    const request = requestJson(v.preimage_hex, '7fffffffffffffff', 4);
    const whole = { start: v.nonce_int_le - 1_500_000, count: 2_000_000 };
    const size = whole.count / 4;
    await Promise.all([0, 1, 2, 3].map(async (i) => {
      const path = tempPath();
      const r = await runCli(['--quiet', '--start', String(whole.start), '--count', String(whole.count), '--shard', i === 3 ? 'env:JOB_COMPLETION_INDEX/4' : `${i}/4`, '--status-file', path], request, {
        env: { JOB_COMPLETION_INDEX: '3' },
      });
      const holdsHit = v.nonce_int_le < whole.start + (i + 1) * size;
      expect(r.code, `shard ${i}`).toBe(i < 3 ? 2 : holdsHit ? 0 : 2);
      expect(status(path)).toMatchObject({ range: { start: String(whole.start + i * size), count: String(size) }, shard: { index: i, count: 4 } });
      if (i === 3) expect(JSON.parse(r.stdout).nonce_hex).toBe(v.nonce_hex);
    }));
  });

  it('refuses bad specs with a clear usage error (exit 1, stdout empty)', async () => {
    const request = requestJson(vector('gen-w4-506').preimage_hex, '7fffffffffffffff', 4);
    const cases: Array<[string, RegExp]> = [
      ['4/4', /index 4 is not below 4/], ['1/0', /at least 1/], ['-1/4', /whole number from 0/], ['x/4', /whole number from 0/],
      ['2', /takes I\/N/], ['env:DMINT_UNSET_VARIABLE/4', /DMINT_UNSET_VARIABLE is not set/], ['1/8 --count 3', /cannot be cut into 8 shards/],
    ];
    // Every spec the parser judges, in-process; a range too small to cut is judged once the request's width is known.
    for (const [spec, why] of cases.slice(0, -1)) {
      expect(() => parseCli([`--shard=${spec}`], {}), spec).toThrow(UsageError);
      expect(() => parseCli([`--shard=${spec}`], {}), spec).toThrow(why);
    }
    // Through the binary: one the parser refuses, and the range that cannot be cut.
    await Promise.all([cases[0], cases.at(-1)!].map(async ([spec, why]) => {
      const [value, ...more] = spec.split(' ');
      const r = await runCli([`--shard=${value}`, ...more], request);
      expect([r.code, r.stdout], spec).toEqual([1, '']);
      expect(r.stderr, spec).toMatch(new RegExp(`^dmint-miner: usage error: .*${why.source}`));
    }));
  });
});
