// The real `dmint-miner` (dist/node/dmint-miner.js) on the GPU, as pyrxd runs it (request on
// stdin, one response line on stdout), with `--backend webgpu` and with the default (auto): a
// hit verified with node:crypto (exit 0, exactly one stdout line), exhaustion (exit 2),
// `--progress json` frames and nothing else on stderr, `--quiet` silence, SIGTERM and SIGINT
// stopping within 0.5 s with exit 143/130 and no process left behind (the GPU process
// included), `--status-file` naming the backend, and `--workers 1` handing its thread count to
// the software adapter. Without an adapter (forced through the environment, so these run
// everywhere): `--backend webgpu` exits 1 with one stderr line saying what to install, and the
// default still answers on the workers. The GPU tests are skipped with one notice where Node
// has no WebGPU adapter.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { hexToBytes } from '../../src/core/bytes.ts';
import { MAX_TARGET } from '../../src/core/request.ts';
import { nonceFromHex } from '../../src/core/nonce.ts';
import { verifySolutionSync } from '../../src/core/verify.ts';
import { findDawn } from '../../src/node/gpu-process.ts';
import { PROMISES, measureMachine, withinPromise } from '../support/budgets.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { taskStats } from '../support/tasks.ts';
import { NO_ADAPTER_ENV, descendantsOf, environOf, isRunning, openGpuOrSkip, type ProcessEntry } from '../support/gpu.ts';
import { needs } from '../support/skips.ts';
import { nodeSha256, vectorById as vector, vectorRequest as request } from '../support/vectors.ts';

/** The note GPU tests skip with where there is no GPU; null where there is one. */
let noGpu: string | null = 'mesa: the GPU process was not opened';

beforeAll(async () => {
  const probe = await openGpuOrSkip('test/gpu/cli-gpu.test.ts');
  noGpu = probe.ok ? null : probe.note;
});

const needGpu = (ctx: TestContext): void => {
  if (noGpu !== null) ctx.skip(noGpu);
};

/** `--start/--count` of the window of `count` nonces ending at the vector's nonce (the lowest valid one from 0). */
const windowTo = (id: string, count: number): string[] => ['--start', String(vector(id).nonce_int_le - (count - 1)), '--count', String(count)];

// gen-w4-8403 has no valid nonce in all of [0, 2^32) at the largest target: a search that runs until its range ends or it is stopped.
const ENDLESS = request('gen-w4-8403');

/** The run answered the vector's nonce: exit 0, exactly one stdout line, a hit node:crypto confirms. */
function expectHit(r: CliRun, id: string, label: string): void {
  const v = vector(id);
  expect([r.code, r.signal], `${label}: ${r.stderr}`).toEqual([0, null]);
  expect(r.stdout.endsWith('\n') && r.stdout.indexOf('\n') === r.stdout.length - 1, label).toBe(true);
  const response = JSON.parse(r.stdout);
  expect(Object.keys(response)).toEqual(['nonce_hex', 'attempts', 'elapsed_s']);
  expect(response.nonce_hex, label).toBe(v.nonce_hex);
  expect(Number.isInteger(response.attempts) && response.attempts > 0).toBe(true);
  const job = { preimage: hexToBytes(v.preimage_hex), effectiveTarget: MAX_TARGET, nonceWidth: v.nonce_width };
  expect(verifySolutionSync(job, nonceFromHex(response.nonce_hex, v.nonce_width), nodeSha256).valid, label).toBe(true);
}

/** Follow a child's process tree until it exits: every descendant seen, and the GPU processes among them. */
function watchTree(child: ChildProcess): { seen: Map<number, ProcessEntry>; gpu(): ProcessEntry[] } {
  const seen = new Map<number, ProcessEntry>();
  const look = (): void => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    // The latest view of each: a child seen between fork and exec still shows its parent's command line.
    for (const p of descendantsOf(child.pid)) seen.set(p.pid, p);
  };
  const timer = setInterval(look, 20);
  child.once('exit', () => clearInterval(timer));
  look();
  return { seen, gpu: () => [...seen.values()].filter((p) => /gpu-child/.test(p.cmdline)) };
}

const BACKENDS = [['--backend webgpu', ['--backend', 'webgpu']], ['the default backend (auto)', []]] as const;

describe('dmint-miner on the GPU', () => {
  for (const [name, flags] of BACKENDS) {
    it(`${name}: answers the lowest hit of a window ending at a vector's nonce, V1 and V2, one stdout line verified with node:crypto; --quiet writes nothing on stderr`, async (ctx) => {
      needGpu(ctx);
      for (const [id, count] of [['gen-w4-506', 1_500_001], ['gen-w8-1282', 1_994_602]] as const) {
        const r = await runCli([...flags, '--quiet', ...windowTo(id, count)], request(id));
        expectHit(r, id, `${name} ${id}`);
        expect(JSON.parse(r.stdout).attempts).toBeGreaterThanOrEqual(count);
        expect(r.stderr).toBe('');
      }
    });

    it(`${name}: exhausts a range with no hit (exit 2, {"exhausted":true}), silently with --quiet`, async (ctx) => {
      needGpu(ctx);
      const r = await runCli([...flags, '--quiet', '--count', '3000000'], ENDLESS);
      expect(r).toMatchObject({ code: 2, stdout: '{"exhausted":true}\n', stderr: '' });
    });

    it(`${name}: --progress json writes progress frames on stderr and nothing else but the exhaustion note`, async (ctx) => {
      needGpu(ctx);
      // Long enough for a few frames (every 0.5 s) on a software adapter.
      const r = await runCli([...flags, '--progress', 'json', '--count', '25000000'], ENDLESS);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('{"exhausted":true}\n');
      const lines = r.stderr.trimEnd().split('\n');
      const frames = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).progress as { attempts: number; elapsed_s: number });
      expect(frames.length).toBeGreaterThanOrEqual(1);
      for (const f of frames) expect(Object.keys(f)).toEqual(['attempts', 'elapsed_s']);
      for (let i = 1; i < frames.length; i++) {
        expect(frames[i].attempts).toBeGreaterThanOrEqual(frames[i - 1].attempts);
        expect(frames[i].elapsed_s).toBeGreaterThan(frames[i - 1].elapsed_s);
      }
      expect(frames.at(-1)!.attempts).toBeGreaterThan(0);
      expect(frames.at(-1)!.attempts).toBeLessThanOrEqual(25_000_000);
      const others = lines.filter((l) => !l.startsWith('{'));
      expect(others).toEqual([expect.stringMatching(/^dmint-miner: exhausted: no valid nonce in nonces \[0, 25000000\) after 25000000 attempts in [0-9.]+ s$/)]);
    });
  }

  const signals = [['SIGTERM', 143, ['--backend', 'webgpu']], ['SIGINT', 130, ['--backend', 'webgpu']], ['SIGTERM', 143, []]] as const;
  for (const [signal, code, flags] of signals) {
    it(`${signal} mid-search with ${flags.length ? flags.join(' ') : 'the default backend'} exits ${code} within 0.5 s, stdout empty, and no process is left behind, the GPU process included`, async (ctx) => {
      needGpu(ctx);
      let sentAt = 0;
      let tree: ReturnType<typeof watchTree> | undefined;
      let before: ProcessEntry[] = [];
      const r = await runCli([...flags, '--progress', 'json'], ENDLESS, {
        onSpawn: (child) => {
          tree = watchTree(child);
          let frames = 0;
          let gpuFrames = 0;
          child.stderr!.on('data', (d: string) => {
            frames += (d.match(/\{"progress":/g) ?? []).length;
            // Two frames after the GPU process is up: it has opened and is hashing.
            if (tree!.gpu().length > 0) gpuFrames += (d.match(/\{"progress":/g) ?? []).length;
            if (sentAt === 0 && gpuFrames >= 3) {
              before = [...tree!.seen.values()];
              sentAt = performance.now();
              child.kill(signal);
            }
          });
        },
        timeoutMs: 30_000,
      });
      const exitedAfter = performance.now() - sentAt;
      expect(sentAt, 'the GPU process was seen and progress followed').toBeGreaterThan(0);
      expect([r.code, r.signal]).toEqual([code, null]);
      expect(r.stdout).toBe('');
      // 'close' comes once the process is gone and its pipes are closed.
      const bound = withinPromise(PROMISES.stopMs, await measureMachine());
      expect(exitedAfter, `exited ${exitedAfter.toFixed(0)} ms after the signal (bound ${bound} ms)`).toBeLessThan(bound);
      expect(before.filter((p) => /gpu-child/.test(p.cmdline))).toHaveLength(1);
      const left = before.filter((p) => isRunning(p.pid));
      expect(left, 'processes of the miner still running after it exited').toEqual([]);
    });
  }

  it('--status-file records backend webgpu for --backend webgpu', async (ctx) => {
    needGpu(ctx);
    const path = join(mkdtempSync(join(tmpdir(), 'dmint-gpu-status-')), 'status.json');
    const r = await runCli(['--backend', 'webgpu', '--quiet', '--status-file', path, '--count', '3000000'], ENDLESS);
    expect(r).toMatchObject({ code: 2, stdout: '{"exhausted":true}\n', stderr: '' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ state: 'exhausted', backend: 'webgpu', attempts: 3_000_000 });
  });

  it('--priority low --backend webgpu: the GPU process, started after the priority was lowered, hashes at nice 19, every thread of it', needs('linux'), async (ctx) => {
    needGpu(ctx);
    let nices: number[] | undefined;
    const r = await runCli(['--priority', 'low', '--backend', 'webgpu', '--progress', 'json'], ENDLESS, {
      timeoutMs: 60_000,
      onSpawn: (child) => {
        const tree = watchTree(child);
        let framesWithGpu = 0;
        child.stderr!.on('data', () => {
          const gpu = tree.gpu()[0];
          if (gpu === undefined || nices !== undefined) return;
          let tasks: ReturnType<typeof taskStats>;
          try {
            tasks = taskStats(gpu.pid);
          } catch {
            return; // not there yet, or gone
          }
          // The GPU process by identity, not by the CPU time of its threads: at nice 19 on a saturated
          // machine they may not hash at all for a long while. Two progress frames after it appeared it
          // has opened its device and started its threads; every one of them is read.
          if (tasks.length < 2 || ++framesWithGpu < 2) return;
          nices = [...new Set(tasks.map((t) => t.nice))];
          child.kill('SIGTERM');
        });
      },
    });
    expect(r.code, r.stderr).toBe(143);
    expect(nices, 'the GPU process was seen with its threads').toEqual([19]);
  });

  it('--workers 1 --backend webgpu answers, and its GPU process hashes on one thread (LP_NUM_THREADS=1, surfaceless EGL)', async (ctx) => {
    needGpu(ctx);
    const id = 'pxd-mainnet-mint-c9fdcd34';
    let env: Record<string, string> | undefined;
    const r = await runCli(['--workers', '1', '--backend', 'webgpu', '--quiet', ...windowTo(id, 8_000_001)], request(id), {
      onSpawn: (child) => {
        const tree = watchTree(child);
        const timer = setInterval(() => {
          const gpu = tree.gpu()[0];
          if (gpu === undefined || env !== undefined) return;
          try {
            env = environOf(gpu.pid);
          } catch {
            // gone already
          }
        }, 20);
        child.once('exit', () => clearInterval(timer));
      },
    });
    expectHit(r, id, '--workers 1 --backend webgpu');
    expect(r.stderr).toBe('');
    expect(env, 'the GPU process was seen').toBeDefined();
    expect(env).toMatchObject({ LP_NUM_THREADS: '1', EGL_PLATFORM: 'surfaceless' });
  });
});

/**
 * stderr of `--backend webgpu` without an adapter: one line saying what to install. On a loaded
 * machine opening the GPU may outlast the first progress interval: frames then come first, and
 * must count nothing hashed (the workers never take over).
 */
function expectNoGpuError(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  for (const f of lines.filter((l) => l.startsWith('{"progress":'))) expect(JSON.parse(f).progress.attempts, f).toBe(0);
  expect(lines.filter((l) => !l.startsWith('{"progress":'))).toEqual([expect.stringMatching(/^dmint-miner: --backend webgpu: [^\n]*install/)]);
}

// Hiding every adapter through the environment works for Mesa's EGL and the Vulkan loader: Linux only.
describe('dmint-miner without a WebGPU adapter (forced through the environment)', needs('linux'), () => {
  it('--backend webgpu exits 1 with one stderr line saying what to install, nothing on stdout, and no process left', async () => {
    let tree: ReturnType<typeof watchTree> | undefined;
    const r = await runCli(['--backend', 'webgpu', ...windowTo('gen-w4-506', 1_500_001)], request('gen-w4-506'), {
      env: NO_ADAPTER_ENV,
      onSpawn: (child) => (tree = watchTree(child)),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectNoGpuError(r.stderr);
    if (process.platform === 'linux') {
      // Dawn there: the Mesa packages; no Dawn: the webgpu package.
      expect(r.stderr).toContain(findDawn() === null ? 'npm install webgpu' : 'apt-get install libegl-mesa0 libgl1-mesa-dri libegl-dev');
    }
    expect([...tree!.seen.values()].filter((p) => isRunning(p.pid))).toEqual([]);
  });

  it('--backend webgpu exits 1 even where the hit is in the first nonces (no head start on the CPU answers for the GPU)', async () => {
    for (const count of [100_001, 1]) {
      const r = await runCli(['--backend', 'webgpu', ...windowTo('gen-w4-506', count)], request('gen-w4-506'), { env: NO_ADAPTER_ENV });
      expect([r.code, r.stdout], `a window of ${count} ending at the hit`).toEqual([1, '']);
      expectNoGpuError(r.stderr);
    }
  });

  it('the default backend still answers on the workers (exit 0, the right nonce), and the status file says wasm', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dmint-nogpu-status-')), 'status.json');
    const id = 'gen-w4-506';
    const r = await runCli(['--quiet', '--status-file', path, ...windowTo(id, 1_500_001)], request(id), { env: NO_ADAPTER_ENV });
    expectHit(r, id, 'default backend, no adapter');
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ state: 'found', backend: 'wasm', nonce_hex: vector(id).nonce_hex });
  });
});
