// A polite miner: --throttle and --priority on the real CLI.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError, parseCli } from '../../src/node/args.ts';
import { until } from '../support/budgets.ts';
import { requestJson, runCli } from '../support/cli.ts';
import { needs } from '../support/skips.ts';
import { taskStats } from '../support/tasks.ts';
import { fixture } from '../support/vectors.ts';

const MAX = '7fffffffffffffff';
// No valid nonce in all of [0, 2^32): a search that runs until stopped.
const endless = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
const deep = fixture.pow_vectors.find((p) => p.id === 'pyrxd-test-0cf3-fd362814')!;

describe('--throttle and --priority', () => {
  it('refuse values outside their forms with a usage error naming the flag (exit 1, nothing on stdout)', async () => {
    const form = (flag: string): string => (flag === '--throttle' ? 'a whole percent from 1 to 100' : 'low or normal');
    for (const args of [['--throttle', '0'], ['--throttle', '101'], ['--throttle=half'], ['--throttle', '2.5'], ['--priority', 'high'], ['--priority=']]) {
      const flag = args[0]!.split('=')[0]!;
      expect(() => parseCli(args, {}), args.join(' ')).toThrow(UsageError);
      expect(() => parseCli(args, {}), args.join(' ')).toThrow(new RegExp(`^${flag} (takes|needs a value:) ${form(flag)}`));
    }
    // One through the binary: the message reaches stderr as a usage error.
    const r = await runCli(['--throttle', '101'], requestJson(deep.preimage_hex, MAX, 4));
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(new RegExp(`^dmint-miner: usage error: --throttle takes ${form('--throttle')}`));
  });

  it('a throttled search gives the same lowest nonce, every nonce below it searched', async () => {
    const start = deep.nonce_int_le - 1_500_000;
    const r = await runCli(['--throttle', '40', '--workers', '2', '--start', String(start), '--count', '1501000'], requestJson(deep.preimage_hex, MAX, 4));
    expect(r.code, r.stderr).toBe(0);
    const response = JSON.parse(r.stdout);
    expect(response.nonce_hex).toBe(deep.nonce_hex);
    expect(response.attempts).toBeGreaterThanOrEqual(1_500_001);
  });

  // The hashing threads are known by identity, not by rank: they are the threads created after
  // the process had set its own priority and was waiting for the request. (On a loaded machine
  // nice-19 workers may be starved, and a nice-0 V8 thread started with the process can have more
  // CPU time than either.)
  it('--priority low: the main thread and every thread made to mine run at nice 19; normal leaves nice alone', needs('linux'), async () => {
    const base = readFileSync('/proc/self/stat', 'utf8');
    const ownNice = Number(base.slice(base.lastIndexOf(')') + 2).split(' ')[16]);
    const mined = async (priority: 'low' | 'normal'): Promise<{ main: number; made: number[]; all: number[] }> => {
      let seen: Promise<{ main: number; made: number[]; all: number[] }> | undefined;
      const r = await runCli(['--priority', priority, '--workers', '2', '--backend', 'wasm', '--progress', 'json'], '', {
        keepStdinOpen: true,
        timeoutMs: 60_000,
        onSpawn: (child) => {
          seen = (async () => {
            const pid = child.pid!;
            const mainNice = (): number | undefined => {
              try {
                return taskStats(pid).find((t) => t.tid === pid)?.nice;
              } catch {
                return undefined; // not started yet
              }
            };
            // Before the request: once the main thread has its priority, every thread of the start-up exists.
            // (With normal there is nothing to wait for; a start-up thread counted as made only loosens that case.)
            await until(() => mainNice() === (priority === 'low' ? 19 : ownNice), 'the miner to set its priority');
            const before = new Set(taskStats(pid).map((t) => t.tid));
            const frames: string[] = [];
            child.stderr!.on('data', (d: Buffer) => frames.push(...(d.toString().match(/"attempts":\d+/g) ?? [])));
            child.stdin!.end(requestJson(endless.preimage_hex, MAX, 4));
            // The search has begun (a progress frame) and its threads exist; nice-19 workers on a loaded
            // machine may not have hashed yet, which does not matter to their priority.
            const tasks = await until(() => {
              const now = taskStats(pid);
              return frames.length > 0 && now.filter((t) => !before.has(t.tid)).length >= 2 && now;
            }, 'a progress frame and the search\'s threads', 60_000);
            child.kill('SIGTERM');
            return { main: tasks.find((t) => t.tid === pid)!.nice, made: tasks.filter((t) => !before.has(t.tid)).map((t) => t.nice), all: tasks.map((t) => t.nice) };
          })();
          seen.catch(() => child.kill('SIGKILL'));
        },
      });
      expect(r.code, r.stderr).toBe(143);
      expect(r.stdout).toBe('');
      return seen!;
    };
    const low = await mined('low');
    expect(low.main).toBe(19);
    // At least the two workers; libuv's pool may add threads, made by a nice-19 thread too.
    expect(low.made.length).toBeGreaterThanOrEqual(2);
    expect(low.made.every((n) => n === 19), `nice of the threads made to mine: ${low.made}`).toBe(true);
    const normal = await mined('normal');
    expect(normal.made.length).toBeGreaterThanOrEqual(2);
    expect(normal.all.every((n) => n === ownNice), `nice of every thread: ${normal.all}`).toBe(true);
  });
});
