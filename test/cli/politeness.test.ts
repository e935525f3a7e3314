// A polite miner: --throttle and --priority on the real CLI.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestJson, runCli } from '../support/cli.ts';
import { taskStats } from '../support/tasks.ts';
import { fixture } from '../support/vectors.ts';

const MAX = '7fffffffffffffff';
// No valid nonce in all of [0, 2^32): a search that runs until stopped.
const endless = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
const deep = fixture.pow_vectors.find((p) => p.id === 'pyrxd-test-0cf3-fd362814')!;

describe('--throttle and --priority', () => {
  it('refuse values outside their forms with a usage error naming the flag (exit 1, nothing on stdout)', async () => {
    for (const args of [['--throttle', '0'], ['--throttle', '101'], ['--throttle=half'], ['--throttle', '2.5'], ['--priority', 'high'], ['--priority=']]) {
      const r = await runCli(args, requestJson(deep.preimage_hex, MAX, 4));
      expect([r.code, r.stdout], args.join(' ')).toEqual([1, '']);
      const flag = args[0]!.split('=')[0]!;
      const form = flag === '--throttle' ? 'a whole percent from 1 to 100' : 'low or normal';
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`usage error: ${flag} (takes|needs a value:) ${form}`));
    }
  });

  it('a throttled search gives the same lowest nonce, every nonce below it searched', async () => {
    const start = deep.nonce_int_le - 1_500_000;
    const r = await runCli(['--throttle', '40', '--workers', '2', '--start', String(start), '--count', '1501000'], requestJson(deep.preimage_hex, MAX, 4));
    expect(r.code, r.stderr).toBe(0);
    const response = JSON.parse(r.stdout);
    expect(response.nonce_hex).toBe(deep.nonce_hex);
    expect(response.attempts).toBeGreaterThanOrEqual(1_500_001);
  });

  it.skipIf(process.platform !== 'linux')('--priority low: the threads that hash run at nice 19; normal leaves nice alone', async () => {
    const niceOfHashers = async (priority: string): Promise<{ main: number; busiest: number[] }> => {
      let seen: { main: number; busiest: number[] } | undefined;
      // The workers' threads (the GPU process's are checked in test/gpu/cli-gpu.test.ts).
      const r = await runCli(['--priority', priority, '--workers', '2', '--backend', 'wasm', '--progress', 'json'], requestJson(endless.preimage_hex, MAX, 4), {
        timeoutMs: 30_000,
        onSpawn: (child) => {
          let frames = 0;
          child.stderr!.on('data', (d: Buffer) => {
            frames += (d.toString().match(/"progress"/g) ?? []).length;
            // By the third frame both workers have hashed for about a second.
            if (frames >= 3 && seen === undefined) {
              const tasks = taskStats(child.pid!);
              const byTicks = [...tasks].sort((a, b) => b.ticks - a.ticks);
              seen = { main: tasks.find((t) => t.tid === child.pid)!.nice, busiest: byTicks.slice(0, 2).map((t) => t.nice) };
              child.kill('SIGTERM');
            }
          });
        },
      });
      expect(r.code, r.stderr).toBe(143);
      expect(r.stdout).toBe('');
      return seen!;
    };
    const base = readFileSync('/proc/self/stat', 'utf8');
    const ownNice = Number(base.slice(base.lastIndexOf(')') + 2).split(' ')[16]);
    expect(await niceOfHashers('low')).toEqual({ main: 19, busiest: [19, 19] });
    expect(await niceOfHashers('normal')).toEqual({ main: ownNice, busiest: [ownNice, ownNice] });
  });
});
