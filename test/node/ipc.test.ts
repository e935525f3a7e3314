// The IPC transport: the message handler on its own (malformed messages get
// error replies), and the built child forked for real: a vector, progress,
// cancel, setThreads observed through status, a child killed mid-job, the
// child leaving when its parent disconnects, and Electron's parentPort shape.
import { fork, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createIpcServer, type FromChild } from '../../src/node/ipc-server.ts';
import { spawnMiner, type MinerProcess } from '../../src/node/spawn.ts';
import { abortedWithin } from '../support/budgets.ts';
import { requestJson } from '../support/cli.ts';
import { fixture } from '../support/vectors.ts';

const MAX = '7fffffffffffffff';
const vector = (id: string) => fixture.pow_vectors.find((p) => p.id === id)!;
const demo = vector('gen-w4-506');
const deep = vector('pyrxd-test-0cf3-fd362814');
const endless = vector('gen-w4-8403');
const IPC_CHILD = new URL('../../dist/node/ipc.cjs', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(get: () => T | undefined, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) {
    const v = get();
    if (v !== undefined) return v;
  }
  throw new Error('timed out');
}

describe('IPC message handler', () => {
  it('answers every malformed message with an error reply and keeps serving', async () => {
    const sent: FromChild[] = [];
    const server = createIpcServer((m) => sent.push(m), { threads: 1 });
    const bad: [unknown, RegExp, unknown][] = [
      [null, /object with a type/, null],
      ['mine', /object with a type/, null],
      [[1, 2], /object with a type/, null],
      [{ type: 'dig' }, /unknown message type "dig"/, null],
      [{ type: 'mine', request: {} }, /needs an id/, null],
      [{ type: 'mine', id: 7, request: 42 }, /request must be/, 7],
      [{ type: 'mine', id: 8, request: {}, options: { start: -1 } }, /options.start/, 8],
      [{ type: 'mine', id: 9, request: { preimage_hex: 'zz' } }, /preimage_hex|target_hex|nonce_width/, 9],
      [{ type: 'cancel', id: 'nope' }, /no running job "nope"/, 'nope'],
      [{ type: 'cancel' }, /needs the id/, null],
      [{ type: 'setThreads', threads: 0 }, /threads must be a whole number from 1 to 1024/, null],
      [{ type: 'setThrottle', percent: 0 }, /throttle must be a whole percent from 1 to 100/, null],
      [{ type: 'setThrottle', percent: '50' }, /throttle must be a whole percent/, null],
    ];
    for (const [message] of bad) server.handle(message);
    const errors = await until(() => (sent.length >= bad.length ? sent : undefined));
    for (const [message, pattern, id] of bad) {
      expect(errors.some((e) => e.type === 'error' && pattern.test(e.message) && e.id === id), JSON.stringify(message)).toBe(true);
    }
    server.handle({ type: 'mine', id: 'ok', request: requestJson(demo.preimage_hex, MAX, 4) });
    const result = await until(() => sent.find((m) => m.type === 'result'));
    expect(result).toMatchObject({ id: 'ok', response: { nonce_hex: demo.nonce_hex } });
    await server.close();
  });

  it('refuses a second job with an id that is still running', async () => {
    const sent: FromChild[] = [];
    const server = createIpcServer((m) => sent.push(m), { threads: 1 });
    server.handle({ type: 'mine', id: 1, request: requestJson(endless.preimage_hex, MAX, 4) });
    server.handle({ type: 'mine', id: 1, request: requestJson(endless.preimage_hex, MAX, 4) });
    expect(await until(() => sent.find((m) => m.type === 'error'))).toMatchObject({ id: 1, message: expect.stringMatching(/already running/) });
    server.handle({ type: 'cancel', id: 1 });
    expect(await until(() => sent.filter((m) => m.type === 'error')[1])).toMatchObject({ id: 1, name: 'AbortError' });
    await server.close();
  });
});

describe('IPC child (forked)', () => {
  let miner: MinerProcess | undefined;
  afterEach(async () => {
    await miner?.close();
    miner = undefined;
  });

  it('mines a vector with progress, cancels a job and keeps serving, and applies setThreads and setThrottle to a running job', async () => {
    miner = spawnMiner({ threads: 2, throttle: 80 });
    expect(await miner.status()).toMatchObject({ throttle: 80 });
    const progress: number[] = [];
    const mp = miner;
    // The abort promise across the process boundary, through the shared check, once progress has come back.
    const { error } = await abortedWithin(
      (signal) => mp.mine(requestJson(endless.preimage_hex, MAX, 4), { signal, onProgress: (p) => progress.push(p.attempts) }),
      // Progress that counts hashing has come back (the first report may come before any, on a loaded machine).
      () => progress.some((a) => a > 0),
      'a job in the miner process',
    );
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(Math.max(...progress)).toBeGreaterThan(0);

    const running = miner.mine(requestJson(deep.preimage_hex, MAX, 4), { start: deep.nonce_int_le - 8_000_000, count: 8_001_000 });
    running.catch(() => {}); // awaited below; a failed expectation must not also report an unhandled rejection
    const m = miner;
    // Threads start, surplus ones hand back, and the cancelled job's pieces come home at their own pace on a
    // loaded machine: poll rather than guess.
    const statusWhen = async (ok: (s: Awaited<ReturnType<MinerProcess['status']>>) => boolean) => {
      for (const end = Date.now() + 5000; ; await sleep(10)) {
        const s = await m.status();
        if (ok(s) || Date.now() > end) return s;
      }
    };
    expect(await statusWhen((s) => s.activeThreads === 2 && s.jobs === 1)).toMatchObject({ threads: 2, activeThreads: 2, jobs: 1 });
    miner.setThreads(1);
    expect(await statusWhen((s) => s.activeThreads <= 1)).toMatchObject({ threads: 1, activeThreads: 1 });
    miner.setThrottle(30);
    expect(await statusWhen((s) => s.throttle === 30)).toMatchObject({ throttle: 30, jobs: 1 });
    miner.pause();
    expect(await statusWhen((s) => s.activeThreads === 0)).toMatchObject({ paused: true, activeThreads: 0 });
    miner.resume();
    miner.setThreads(2);
    miner.setThrottle(100);
    await expect(running).resolves.toMatchObject({ nonce_hex: deep.nonce_hex });
  });

  it('rejects the jobs of a child that dies mid-job instead of hanging', async () => {
    miner = spawnMiner({ threads: 1 });
    let reports = 0;
    const job = miner.mine(requestJson(endless.preimage_hex, MAX, 4), { onProgress: () => reports++ });
    job.catch(() => {}); // awaited below
    await until(() => (reports > 0 ? true : undefined)); // mid-job
    miner.child.kill('SIGKILL');
    await expect(job).rejects.toThrow(/miner process was killed by SIGKILL/);
    await expect(miner.mine(requestJson(demo.preimage_hex, MAX, 4))).rejects.toThrow(/killed/);
  });

  it('a child with nothing to do exits when its parent disconnects; a parent with an idle child exits by itself', async () => {
    const child = fork(IPC_CHILD, ['--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const replies: FromChild[] = [];
    child.on('message', (m: FromChild) => replies.push(m));
    child.send({ type: 'mine', id: 'a', request: requestJson(endless.preimage_hex, MAX, 4) });
    // Disconnected mid-job: once the child says it has the job.
    await until(() => {
      child.send({ type: 'status' });
      return replies.some((m) => m.type === 'status' && m.jobs === 1) ? true : undefined;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Replies still on their way as the parent goes: the child must not crash on them (EPIPE).
    for (let i = 0; i < 20; i++) child.send({ type: 'status' });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = performance.now();
    child.disconnect();
    expect([await exited, stderr]).toEqual([0, '']);
    expect(performance.now() - t).toBeLessThan(2000);

    const lib = new URL('../../dist/node/index.js', import.meta.url).href;
    const script = `
      import { spawnMiner } from ${JSON.stringify(lib)};
      const m = spawnMiner({ threads: 1 });
      const r = await m.mine(${JSON.stringify(requestJson(demo.preimage_hex, MAX, 4))});
      console.log(r.nonce_hex);`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe(demo.nonce_hex);
    expect(out.status).toBe(0);
  });

  it("speaks through Electron's process.parentPort ({data} events, postMessage) when it is present", async () => {
    // Plain Node has no utilityProcess: a preload gives the child the same parentPort shape, bridged to the fork channel.
    const preload = join(tmpdir(), `parent-port-${process.pid}.cjs`);
    writeFileSync(preload, `
      const { EventEmitter } = require('node:events');
      const port = new EventEmitter();
      process.on('message', (m) => port.emit('message', { data: { ...m, viaPort: true } }));
      port.postMessage = (m) => process.send({ ...m, viaPort: true });
      process.parentPort = port;
      process.on('disconnect', () => process.exit(0));`);
    const child = fork(IPC_CHILD, ['--threads=1'], { execArgv: ['-r', preload], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const replies: (FromChild & { viaPort?: boolean })[] = [];
    child.on('message', (m: FromChild) => replies.push(m));
    child.send({ type: 'mine', id: 3, request: requestJson(demo.preimage_hex, MAX, 4) });
    child.send({ type: 'bogus' });
    const result = await until(() => replies.find((m) => m.type === 'result'));
    expect(result).toMatchObject({ id: 3, viaPort: true, response: { nonce_hex: demo.nonce_hex } });
    expect(replies.find((m) => m.type === 'error')).toMatchObject({ viaPort: true, message: expect.stringMatching(/unknown message type/) });
    const exited = new Promise((r) => child.once('exit', r));
    child.disconnect();
    await exited;
  });

  it('refuses to start without an IPC channel, and refuses a bad --threads or --throttle (exit 1, stderr, nothing on stdout)', () => {
    const alone = spawnSync(process.execPath, [IPC_CHILD], { encoding: 'utf8' });
    expect([alone.status, alone.stdout]).toEqual([1, '']);
    expect(alone.stderr).toMatch(/IPC channel/);
    const bad = spawnSync(process.execPath, [IPC_CHILD, '--threads', '0'], { encoding: 'utf8' });
    expect([bad.status, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toMatch(/--threads must be a whole number from 1 to 1024/);
    for (const throttle of ['0', '101', 'half']) {
      const refused = spawnSync(process.execPath, [IPC_CHILD, '--throttle', throttle], { encoding: 'utf8' });
      expect([refused.status, refused.stdout], throttle).toEqual([1, '']);
      expect(refused.stderr).toMatch(/--throttle must be a whole percent from 1 to 100/);
    }
  });
});
