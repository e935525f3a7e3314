// The running miner: progress frames, quiet, signals, and the status file.
// Searches run until the test has seen what it waits for (a frame, a state in
// the status file) and then stopped by a signal, so no case depends on how many
// nonces the machine hashes in a given time.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRESS_INTERVAL_MS } from '../../src/core/tuning.ts';
import { PROMISES, measureMachine, until, withinPromise } from '../support/budgets.ts';
import { requestJson, runCli, type CliRun } from '../support/cli.ts';
import { taskStats } from '../support/tasks.ts';
import { fixture } from '../support/vectors.ts';

// gen-w4-8403 has no valid nonce in all of [0, 2^32): a search that runs until stopped.
const endless = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
const ENDLESS = requestJson(endless.preimage_hex, '7fffffffffffffff', 4);

/** A run stopped by `signal` once `ready(stderr so far)` holds; when the signal was sent (performance.now()). */
async function runUntil(args: string[], input: string, ready: (stderr: string) => boolean, signal: NodeJS.Signals = 'SIGTERM'): Promise<CliRun & { sentAt: number }> {
  let sentAt = 0;
  const r = await runCli(args, input, {
    onSpawn: (child) => {
      let stderr = '';
      child.stderr!.on('data', (d: Buffer | string) => {
        stderr += d.toString();
        if (sentAt === 0 && ready(stderr)) {
          sentAt = performance.now();
          child.kill(signal);
        }
      });
    },
  });
  return { ...r, sentAt };
}

/** Progress frames in stderr text. */
const framesIn = (stderr: string): number => (stderr.match(/\{"progress":/g) ?? []).length;

describe('progress on stderr', () => {
  it('writes {"progress":...} frames about every 0.5 s when stderr is not a terminal, the first within ~1 s and counting real attempts', async () => {
    const t = await measureMachine();
    const r = await runUntil(['--workers', '2'], ENDLESS, (e) => framesIn(e) >= 4);
    expect(r.code).toBe(143);
    const frames = r.stderr.trim().split('\n').filter((l) => l.startsWith('{'));
    expect(frames.length).toBeGreaterThanOrEqual(4);
    const parsed = frames.map((l) => JSON.parse(l).progress as { attempts: number; elapsed_s: number });
    for (const f of parsed) expect(Object.keys(f)).toEqual(['attempts', 'elapsed_s']);
    // Frames are due every PROGRESS_INTERVAL_MS; one may come late by up to an interval, stretched
    // by the machine's load as a promise is (the bounds are 1.2 s and 1.0 s on a machine that is not saturated).
    const late = withinPromise(PROGRESS_INTERVAL_MS, t) / 1000;
    expect(parsed[0].elapsed_s).toBeGreaterThan(0.3);
    expect(parsed[0].elapsed_s).toBeLessThan(0.7 + late);
    expect(parsed.at(-1)!.attempts).toBeGreaterThan(0);
    for (let i = 1; i < parsed.length; i++) {
      expect(parsed[i].attempts).toBeGreaterThanOrEqual(parsed[i - 1].attempts);
      expect(parsed[i].elapsed_s - parsed[i - 1].elapsed_s).toBeGreaterThan(0.3);
      expect(parsed[i].elapsed_s - parsed[i - 1].elapsed_s).toBeLessThan(0.5 + late);
    }
    // Every frame is one compact object on its own line, and nothing else is written.
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('{'))).toEqual([]);
  });

  it('--quiet and --progress=none silence progress (--quiet also the exhaustion note)', async () => {
    // Searches stopped after two progress intervals, and short searches run to their end.
    const dir = mkdtempSync(join(tmpdir(), 'dmint-quiet-'));
    const silent = async (flag: string): Promise<CliRun> => {
      const path = join(dir, `${flag}.json`);
      let child: import('node:child_process').ChildProcess | undefined;
      const run = runCli([flag, '--status-file', path], ENDLESS, { onSpawn: (c) => (child = c) });
      // The status file counts attempts once the search has run a second: two frames were due by then.
      await until(() => { try { return JSON.parse(readFileSync(path, 'utf8')).attempts > 0; } catch { return false; } }, `${flag}: a second of searching`);
      child!.kill('SIGTERM');
      return run;
    };
    const [quiet, none, quietEnd, noneEnd] = await Promise.all([
      silent('--quiet'),
      silent('--progress=none'),
      runCli(['--quiet', '--count', '100000'], ENDLESS),
      runCli(['--progress=none', '--count', '100000'], ENDLESS),
    ]);
    expect(quiet).toMatchObject({ code: 143, stderr: '', stdout: '' });
    expect(none).toMatchObject({ code: 143, stderr: '', stdout: '' });
    expect(quietEnd).toMatchObject({ code: 2, stderr: '', stdout: '{"exhausted":true}\n' });
    expect(noneEnd.code).toBe(2);
    expect(noneEnd.stderr).toMatch(/^dmint-miner: exhausted[^\n]*\n$/);
  });

  it('--progress=human writes a live line with rate, share swept and time to a hit', async () => {
    const line = /[0-9.]+ [kMG]?h\/s on \d+ threads \| [0-9.]+% of the V1 space swept \| [^|]+ elapsed \| time to a hit: p50 [^,]+, p90 /;
    const r = await runUntil(['--progress=human'], ENDLESS, (e) => line.test(e));
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(line);
    expect(r.stdout).toBe('');
  });
});

describe('signals', () => {
  // One at a time: each measures a stop promise, which two miners at once on two cores would only blur.
  it.each([['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const)('%s mid-search stops every worker and exits %i within 0.5 s, stdout empty', async (signal, code) => {
    const bound = withinPromise(PROMISES.stopMs, await measureMachine());
    // Mid-search: after the first progress frame.
    const r = await runUntil(['--progress', 'json'], ENDLESS, (e) => framesIn(e) >= 1, signal);
    const exitedAfter = performance.now() - r.sentAt;
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    // 'close' fires after the process is gone and its pipes are closed: no thread or helper outlived it.
    expect(exitedAfter, `ms from the signal to the exit (bound ${bound})`).toBeLessThan(bound);
  });

  it.concurrent.each([['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s while stdin is still being read exits %i at once', async (signal, code) => {
    const bound = withinPromise(PROMISES.stopMs, await measureMachine());
    let sentAt = 0;
    const r = await runCli(['--priority', 'low'], '', {
      keepStdinOpen: true,
      onSpawn: (child) => {
        // The priority is set after the signal handlers and just before stdin is read: then it is reading.
        void until(() => { try { return taskStats(child.pid!).find((t) => t.tid === child.pid)?.nice === 19; } catch { return false; } }, 'the miner to read stdin')
          .then(() => { sentAt = performance.now(); child.kill(signal); }, () => child.kill('SIGKILL'));
      },
    });
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(performance.now() - sentAt).toBeLessThan(bound);
  });

  it('SIGHUP after the first progress frame stops the search like SIGTERM: exit 129, stdout empty, the status file says stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmint-hup-'));
    const path = join(dir, 'status.json');
    // Target 1: no nonce of the V1 space can meet it, so only the signal ends this search.
    const impossible = requestJson(endless.preimage_hex, '0000000000000001', 4);
    let framesBeforeSignal = 0;
    const r = await runCli(['--start', '0', '--progress', 'json', '--status-file', path], impossible, {
      onSpawn: (child) => {
        child.stderr!.on('data', (d: string) => {
          if (framesBeforeSignal === 0 && d.includes('{"progress":')) child.kill('SIGHUP');
          framesBeforeSignal += (d.match(/\{"progress":/g) ?? []).length;
        });
      },
    });
    expect(framesBeforeSignal).toBeGreaterThanOrEqual(1);
    expect(r.code).toBe(129);
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe('');
    const s = JSON.parse(readFileSync(path, 'utf8'));
    expect(s.state).toBe('stopped');
    expect(BigInt(s.watermark)).toBeGreaterThan(0n);
  });
});

describe('--status-file', () => {
  it('that cannot be written warns once, not every second, and the search goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmint-status-'));
    // A folder with something in it where the file should go: every rename over it fails.
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), '');
    // The file is written at the start and at a frame each second: five frames is three failed writes.
    const r = await runUntil(['--progress', 'json', '--status-file', path], ENDLESS, (e) => framesIn(e) >= 5);
    expect(r.code).toBe(143);
    expect(r.stdout).toBe('');
    const warnings = r.stderr.split('\n').filter((l) => l.includes('cannot write the status file'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^dmint-miner: cannot write the status file .*taken: /);
    expect(framesIn(r.stderr), 'the search went on').toBeGreaterThanOrEqual(5);
    expect(readdirSync(dir)).toEqual(['taken']); // neither the temporary file nor the lock is left
  });

  it('is replaced atomically: a reader polling it in a tight loop never sees invalid JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmint-status-'));
    const path = join(dir, 'status.json');
    let reads = 0;
    let bad = 0;
    const attempts = new Set<number>();
    let child: import('node:child_process').ChildProcess | undefined;
    const run = runCli(['--quiet', '--status-file', path], ENDLESS, { onSpawn: (c) => (child = c) });
    // Read as fast as the loop turns until the file has been replaced with three different counts.
    await until(() => {
      if (existsSync(path)) {
        try {
          const s = JSON.parse(readFileSync(path, 'utf8'));
          if (s.state === 'mining') attempts.add(s.attempts);
          reads++;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') bad++;
        }
      }
      return attempts.size >= 3;
    }, 'three versions of the status file', 30_000);
    child!.kill('SIGTERM');
    const r = await run;
    expect(r.code).toBe(143);
    expect(bad).toBe(0);
    expect(reads).toBeGreaterThan(50);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ schema: 1, state: 'stopped', range: { start: '0', count: '4294967296' } });
    expect(readdirSync(dir)).toEqual(['status.json']); // no temp files left behind
  });

  it('records the nonce when found, the whole range when exhausted, and the watermark of a stopped search', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmint-status-'));
    const path = join(dir, 's.json');
    const v = fixture.pow_vectors.find((p) => p.id === 'gen-w4-506')!;
    const found = await runCli(['--quiet', '--status-file', path], requestJson(v.preimage_hex, '7fffffffffffffff', 4));
    expect(found.code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ state: 'found', nonce_hex: v.nonce_hex });

    const exhausted = await runCli(['--quiet', '--status-file', path, '--count', '300000'], ENDLESS);
    expect(exhausted.code).toBe(2);
    const final = JSON.parse(readFileSync(path, 'utf8'));
    expect(final).toMatchObject({ schema: 1, state: 'exhausted', attempts: 300_000, range: { start: '0', count: '300000' }, watermark: '300000' });
    expect(final.pid).toBeGreaterThan(0);

    // Stopped once the file shows hashing past nonce 0.
    let child: import('node:child_process').ChildProcess | undefined;
    const run = runCli(['--quiet', '--status-file', path], ENDLESS, { onSpawn: (c) => (child = c) });
    await until(() => { try { const s = JSON.parse(readFileSync(path, 'utf8')); return s.state === 'mining' && BigInt(s.watermark) > 0n; } catch { return false; } }, 'a watermark in the status file');
    child!.kill('SIGTERM');
    expect((await run).code).toBe(143);
    const s = JSON.parse(readFileSync(path, 'utf8'));
    expect(s.state).toBe('stopped');
    expect(BigInt(s.watermark)).toBeGreaterThan(0n);
    expect(BigInt(s.watermark)).toBeLessThanOrEqual(BigInt(s.attempts));
  });
});
