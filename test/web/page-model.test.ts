// The mining page's model (web/page-model.ts) in Node, without a browser: a real
// Node Miner drives it through whole jobs (a hit checked against node:crypto and
// against a scalar scan of the window, an exhaustion, Stop and the resume offer,
// pauses that really stop the hashing, thread changes), and a fake Miner stands in
// where the test must decide when each report comes (pause timing, the backend
// choice, errors the browser Miner raises, a hit whose check fails).
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SupportError } from '../../src/browser/errors.ts';
import { checkThreads } from '../../src/core/range.ts';
import type { HitCheck, JobOptions, MineProgress, SearchOutcome } from '../../src/core/job-api.ts';
import type { MineRequest } from '../../src/core/request.ts';
import type { BackendChoice, BackendStatus } from '../../src/gpu/backend-choice.ts';
import { Miner } from '../../src/node/miner.ts';
import { formatRate } from '../../web/format.ts';
import { PageModel, type PageMiner, type PageMinerOptions, type PageModelOptions } from '../../web/page-model.ts';
import type { KeyValueStore } from '../../web/store.ts';
import { PROMISES, measureMachine, until, withinPromise } from '../support/budgets.ts';
import { vectorById, vectorRequest } from '../support/vectors.ts';

const MAX_TARGET = 0x7fffffffffffffffn;
/** Nothing in the V1 space meets target 1: only Stop ends a search for it. */
const ENDLESS = vectorRequest('gen-w4-8403', '0000000000000001');

/** A store in memory, as localStorage behaves. */
function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, String(value)),
    removeItem: (key) => void map.delete(key),
  };
}

/** sha256d(preimage || nonce bytes) by node:crypto, and whether it meets `target` (the protocol's rule, written out here). */
function check(preimageHex: string, nonceBytes: Buffer, target: bigint): boolean {
  const once = createHash('sha256').update(Buffer.concat([Buffer.from(preimageHex, 'hex'), nonceBytes])).digest();
  const digest = createHash('sha256').update(once).digest();
  if (digest.readUInt32BE(0) !== 0) return false;
  return digest.readBigUInt64BE(4) < (target < MAX_TARGET ? target : MAX_TARGET);
}

/** The valid nonces of `[start, start + count)`, one by one with node:crypto. */
function scan(preimageHex: string, width: 4 | 8, target: bigint, start: number, count: number): number[] {
  const hits: number[] = [];
  const bytes = Buffer.alloc(width);
  for (let n = start; n < start + count; n++) {
    bytes.fill(0);
    bytes.writeUIntLE(n, 0, Math.min(width, 6));
    if (check(preimageHex, bytes, target)) hits.push(n);
  }
  return hits;
}


let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

/** A model over real Node Miners (the workers' wasm backend), with a memory store and the real clock. */
function realModel(over: Partial<PageModelOptions<Miner>> = {}) {
  const store = memoryStore();
  const model = new PageModel<Miner>({
    makeMiner: (o) => new Miner({ threads: o.threads, throttle: o.throttle, backend: 'wasm', onBackendChange: o.onBackendChange }),
    store,
    now: () => performance.now(),
    defaultThreads: 2,
    ...over,
  });
  cleanup.push(() => model.close());
  model.open();
  return { model, store };
}

describe('the page model on a real Node Miner', () => {
  for (const id of ['gen-w4-506', 'gen-w8-1282'] as const) {
    it(`finds the lowest valid nonce of a window around ${id}, shows it as one response line, and keeps it (node:crypto agrees)`, async () => {
      const v = vectorById(id);
      const [start, count] = [v.nonce_int_le - 3000, 6000];
      const { model, store } = realModel();
      model.edit({ request: vectorRequest(id), start: String(start), count: String(count), threads: '2' });
      expect(model.snapshot.controls.start).toBe(true);
      model.start();
      expect(model.snapshot.state).toBe('mining');
      expect(model.snapshot.controls).toMatchObject({ start: false, pause: true, stop: true, locked: true });
      await model.whenSettled();

      const s = model.snapshot;
      expect(s.state).toBe('found');
      const line = JSON.parse(s.result.line) as { nonce_hex: string; attempts: number; elapsed_s: number };
      expect(Object.keys(line)).toEqual(['nonce_hex', 'attempts', 'elapsed_s']);
      expect(s.result.line).toBe(`{"nonce_hex":"${line.nonce_hex}","attempts":${line.attempts},"elapsed_s":${JSON.stringify(line.elapsed_s).replace(/^(\d+)$/, '$1.0')}}`);
      // The nonce on the line is the nonce's bytes as hashed: node:crypto confirms it, and finds nothing valid below it in the window.
      const nonceBytes = Buffer.from(line.nonce_hex, 'hex');
      expect(nonceBytes.length).toBe(v.nonce_width);
      expect(check(v.preimage_hex, nonceBytes, MAX_TARGET)).toBe(true);
      const nonce = Number(nonceBytes.readUIntLE(0, Math.min(6, v.nonce_width)));
      expect(scan(v.preimage_hex, v.nonce_width, MAX_TARGET, start, nonce - start + 1)).toEqual([nonce]);
      expect(line.attempts).toBeGreaterThanOrEqual(nonce - start + 1);
      expect(line.attempts).toBeLessThanOrEqual(count);

      expect(s.result.verified).toMatch(/^Verified with node:crypto SHA-256, independently of the kernel: sha256d 00000000[0-9a-f]{16}… meets the target\.$/);
      expect(s.message).toEqual({ text: expect.stringMatching(/^Found the lowest valid nonce of the range after [\d,]+ attempts in /), tone: 'ok' });
      expect(s.live.attempts).toBe(line.attempts.toLocaleString('en-US'));
      expect(s.history[0]).toMatchObject({ response: s.result.line, verified_with: 'node:crypto', start: String(start), count: String(count), nonce_width: v.nonce_width });
      expect(JSON.parse(store.map.get('dmint-miner:results')!)[0].response).toBe(s.result.line);
      expect(store.map.has('dmint-miner:interrupted')).toBe(false); // answered: nothing to resume
      expect(s.log.map((e) => e.text)).toEqual([
        `Started: nonces ${start.toLocaleString('en-US')} to ${(start + count - 1).toLocaleString('en-US')} on 2 workers, difficulty 1`,
        expect.stringMatching(new RegExp(`^Found nonce ${line.nonce_hex}, the lowest valid nonce of the range, after `)),
        expect.stringMatching(new RegExp(`^Verified nonce ${line.nonce_hex} with node:crypto SHA-256`)),
      ]);
      expect(line.nonce_hex).toBe(v.nonce_hex);
    });
  }

  it('ends exhausted over a window with no valid nonce (node:crypto finds none either), with the CLI\'s exhaustion line', async () => {
    const v = vectorById('gen-w4-8403');
    const count = 50_000;
    const { model } = realModel();
    model.edit({ request: vectorRequest('gen-w4-8403'), start: '0', count: String(count) });
    model.start();
    await model.whenSettled();
    const s = model.snapshot;
    expect(s.state).toBe('exhausted');
    expect(s.result).toEqual({ line: '{"exhausted":true}', verified: undefined });
    expect(s.live).toMatchObject({ attempts: '50,000', percent: '100 %', progress: 1000 });
    expect(s.message.text).toBe('Exhausted: no valid nonce in nonces 0 to 49,999. Build a new preimage and mine again.');
    expect(s.history[0]).toMatchObject({ response: '{"exhausted":true}' });
    expect(s.history[0].verified_with).toBeUndefined();
    expect(scan(v.preimage_hex, 4, MAX_TARGET, 0, count)).toEqual([]);
  });

  it('after Stop keeps the watermark and offers the rest of the range, which resumes to the same lowest nonce', async () => {
    const v = vectorById('gen-w4-506');
    // Slowed to a tenth so that Stop comes well before the hit.
    const { model, store } = realModel({ throttle: 10 });
    const [start, count] = [0, v.nonce_int_le + 1];
    model.edit({ request: vectorRequest('gen-w4-506'), start: '', count: String(count), threads: '1' });
    model.start();
    const kept = () => JSON.parse(store.map.get('dmint-miner:interrupted') ?? 'null') as { watermark: string; start: string; count: string } | null;
    await until(() => BigInt(kept()?.watermark ?? '0') > 0n, 'a watermark is kept');
    model.stop();
    expect(model.snapshot.controls).toMatchObject({ pause: false, stop: false }); // off at once
    await model.whenSettled();
    const stopped = model.snapshot;
    expect(stopped.state).toBe('stopped');
    expect(stopped.result.line).toBe('');
    expect(stopped.stopMs).toBeGreaterThanOrEqual(0);
    expect(stopped.stopMs).toBeLessThan(withinPromise(PROMISES.stopMs, await measureMachine()));
    const watermark = BigInt(kept()!.watermark);
    expect(kept()).toMatchObject({ start: String(start), count: String(count) });
    expect(watermark).toBeLessThan(BigInt(count));
    const left = BigInt(count) - watermark;
    expect(stopped.resumeOffer).toBe(`An interrupted search can go on from nonce ${watermark.toLocaleString('en-US')}: ${left.toLocaleString('en-US')} of its ${count.toLocaleString('en-US')} nonces are left.`);
    expect(stopped.log.at(-1)!.text).toMatch(/^Stopped after [\d,]+ attempts$/);

    // A fresh page over the same store offers it too, and takes it at full speed.
    const again = realModel({ store });
    expect(again.model.snapshot.resumeOffer).toBe(stopped.resumeOffer);
    again.model.setThrottle(100);
    again.model.resumeInterrupted();
    expect(again.model.snapshot.fields).toMatchObject({ start: String(watermark), count: String(left) });
    expect(again.model.snapshot.resumeOffer).toBeUndefined();
    await again.model.whenSettled();
    const s = again.model.snapshot;
    expect(s.state).toBe('found');
    expect(JSON.parse(s.result.line).nonce_hex).toBe(v.nonce_hex);
    expect(JSON.parse(s.result.line).attempts).toBe(Number(left)); // the hit is the range's last nonce: all of the rest, once
    expect(store.map.has('dmint-miner:interrupted')).toBe(false);
  });

  it('pauses really stop the hashing, and each reason resumes only its own pause', async () => {
    const { model } = realModel();
    model.edit({ request: ENDLESS, threads: '2' });
    model.start();
    const attempts = () => Number(model.snapshot.live.attempts.replace(/,/g, ''));
    await until(() => attempts() > 0, 'attempts are reported');

    model.pauseFor('hidden');
    expect(model.snapshot).toMatchObject({ state: 'paused', pausedFor: ['hidden'], badge: 'Paused (tab hidden)' });
    expect(model.miner!.paused).toBe(true);
    // The batches in flight end, then a report shows their count (a paused report adds a zero to
    // the chart's samples); until the next report nothing moves.
    const reports = () => model.snapshot.live.samples.length;
    const afterReports = async (n: number) => {
      const seen = reports();
      await until(() => reports() >= seen + n, `${n} more progress reports`);
    };
    await until(() => model.miner!.activeThreads === 0, 'every thread stops');
    await afterReports(1);
    const frozen = attempts();
    await afterReports(1);
    expect(attempts()).toBe(frozen);
    expect(model.snapshot.live.rate).toBe('paused');
    expect(model.snapshot.outlook.otherwise).toBe('paused');

    model.togglePause(); // the button while hidden: the user's Resume lifts every reason
    expect(model.snapshot.state).toBe('mining');
    await until(() => attempts() > frozen, 'attempts grow again');

    model.togglePause(); // the user's Pause
    model.pauseFor('battery');
    expect(model.snapshot.pausedFor).toEqual(['button', 'battery']);
    model.resumeFrom('battery');
    expect(model.snapshot).toMatchObject({ state: 'paused', pausedFor: ['button'], badge: 'Paused' });
    expect(model.miner!.paused).toBe(true);
    model.stop();
    await model.whenSettled();
    expect(model.snapshot.state).toBe('stopped');
    expect(model.miner!.paused).toBe(false); // the next job hashes
    expect(model.snapshot.log.map((e) => e.text).slice(1, -1)).toEqual(['Paused (tab hidden)', 'Resumed (button)', 'Paused (button)']);
  });

  it('applies a thread count while mining, and refuses one outside 1 to 1024 with the count in use kept', async () => {
    const { model } = realModel({ defaultThreads: 3 });
    model.edit({ request: ENDLESS, threads: '' });
    model.start();
    expect(model.snapshot.fields.threads).toBe('3'); // the empty field's default, now shown
    expect(model.miner!.threads).toBe(3);
    for (const bad of ['0', '', '1025', '2.5']) {
      model.applyThreads(bad);
      expect(model.snapshot.message.text, bad).toMatch(/^Threads takes a whole number from 1 to 1024, got .+\. Still mining on 3 workers\.$/);
      expect(model.snapshot.fields.threads).toBe('3');
      expect(model.miner!.threads).toBe(3);
    }
    model.applyThreads('1');
    expect(model.miner!.threads).toBe(1);
    expect(model.snapshot.message.text).toMatch(/^Mining on 1 worker \(/);
    expect(model.snapshot.log.at(-1)!.text).toBe('Threads: 3 → 1');
    await until(() => model.miner!.activeThreads === 1, 'one thread hashes');
    expect(model.snapshot.workers).toBe('1 allowed, 1 hashing now (Threads applies at once while mining)');
    model.stop();
    await model.whenSettled();

    // Between jobs Start reads the field, and refuses a bad one with the same rule.
    model.edit({ threads: '2000' });
    model.start();
    expect(model.snapshot).toMatchObject({ state: 'error', message: { text: 'Threads takes a whole number from 1 to 1024, got "2000".', tone: 'error' } });
  });
});

describe('the page model\'s form check', () => {
  const formModel = () => new PageModel({ makeMiner: () => new FakeMiner(), store: undefined, now: () => 0, defaultThreads: 1 });

  it('puts each problem under its field, in the core\'s words, and keeps Start off until the job can start', () => {
    const model = formModel();
    model.open();
    expect(model.snapshot.problems).toEqual({}); // an empty box is not pointed out
    expect(model.snapshot.controls.start).toBe(false);
    const good = vectorRequest('gen-w4-506');
    const cases: Array<[Record<string, string>, 'start' | 'count', string]> = [
      [{ start: 'abc', count: '' }, 'start', 'Start takes a decimal or 0x-hex unsigned integer, got "abc".'],
      [{ start: '', count: '0' }, 'count', 'Count must be at least 1.'],
      [{ start: '0x100000000', count: '' }, 'start', 'Start 4294967296 is outside the 4-byte nonce space [0, 2^32).'],
      [{ start: '4294967000', count: '1000' }, 'count', 'Start 4294967000 + count 1000 runs past the end of the 4-byte nonce space (2^32).'],
    ];
    for (const [fields, field, text] of cases) {
      model.edit({ request: good, ...fields });
      expect(model.snapshot.problems).toEqual({ range: { field, text } });
      expect(model.snapshot.controls.start).toBe(false);
    }
    // The syntax of a bound is checked while the request is bad too; each problem keeps its field.
    model.edit({ request: JSON.stringify({ preimage_hex: 'ab', target_hex: '7fffffffffffffff', nonce_width: 4 }), start: '', count: 'x' });
    expect(model.snapshot.problems).toEqual({
      request: 'Bad request: preimage_hex must be 128 hex characters (64 bytes), got 2.',
      range: { field: 'count', text: 'Count takes a decimal or 0x-hex unsigned integer, got "x".' },
    });
    // Start says the request's problem first, as the CLI does.
    model.start();
    expect(model.snapshot).toMatchObject({ state: 'error', message: { text: 'Bad request: preimage_hex must be 128 hex characters (64 bytes), got 2.' } });
    model.edit({ request: good, start: '4294967295', count: '1' });
    expect(model.snapshot.problems).toEqual({});
    expect(model.snapshot.controls.start).toBe(true);
    expect(model.snapshot.outlook.job?.count).toBe(1n);
  });

  it('builds the link to the form\'s job: the request compacted, the backend only when not automatic', () => {
    const model = formModel();
    model.edit({ request: ' { "a" : 1 } ', threads: ' 3 ', start: '0x10', count: '' });
    expect(model.linkHash()).toBe(`#job=${encodeURIComponent('{"a":1}')}&threads=3&start=0x10`);
    model.applyLink({ backend: 'wasm', autostart: false, scalar: false });
    expect(model.linkHash()).toMatch(/&backend=wasm$/);
  });
});

// ---- a fake Miner: the test decides when reports come and how a search ends ----

interface FakeJob {
  request: MineRequest;
  options: JobOptions;
  resolve(outcome: SearchOutcome): void;
  reject(err: unknown): void;
}

const IDLE_STATUS = (choice: BackendChoice): BackendStatus => ({ choice, active: 'wasm', calibrating: false, adapter: null, rates: { webgpu: null, wasm: null }, gpuProblem: null });

class FakeMiner implements PageMiner {
  readonly build = 'simd' as const;
  readonly mode = 'shared' as const;
  threads: number;
  paused = false;
  closed = false;
  throttle: number;
  backendStatus: BackendStatus;
  jobs: FakeJob[] = [];

  constructor(readonly options: Partial<PageMinerOptions> = {}) {
    this.threads = options.threads ?? 1;
    this.throttle = options.throttle ?? 100;
    this.backendStatus = IDLE_STATUS(options.backend ?? 'wasm');
  }

  get activeThreads(): number {
    return this.paused || this.jobs.length === 0 ? 0 : this.threads;
  }

  search(request: MineRequest, options: JobOptions = {}): Promise<SearchOutcome> {
    return new Promise((resolve, reject) => {
      const job: FakeJob = { request, options, resolve, reject };
      this.jobs.push(job);
      options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true });
    });
  }

  /** A progress report of the latest job. */
  report(p: Partial<MineProgress>): void {
    this.jobs.at(-1)!.options.onProgress?.({ attempts: 0, elapsed_s: 0, rate: 0, watermark: 0n, final: false, ...p });
  }

  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; }
  setThreads(threads: number): void { this.threads = checkThreads(threads); }
  setThrottle(percent: number): void { this.throttle = percent; }
  async close(): Promise<void> { this.closed = true; }
}

function fakeModel(over: Partial<PageModelOptions<FakeMiner>> = {}) {
  const made: FakeMiner[] = [];
  const store = memoryStore();
  let clock = 0;
  const model = new PageModel<FakeMiner>({
    makeMiner: (o) => {
      const m = new FakeMiner(o);
      made.push(m);
      return m;
    },
    store,
    now: () => clock,
    date: () => new Date(0),
    defaultThreads: 2,
    ...over,
  });
  return { model, made, store, tick: (ms: number) => void (clock += ms) };
}

const hitCheck = (nonce: bigint, valid = true): HitCheck => ({ nonce, valid, digestHex: '00000000'.padEnd(64, 'a'), sha256: 'node:crypto' });

describe('the page model with a fake Miner', () => {
  it('leaves the paused time out of the average rate, and shows no rate while paused', async () => {
    const { model, made, tick } = fakeModel();
    model.open();
    model.edit({ request: ENDLESS });
    model.start();
    const m = made[0];
    m.report({ attempts: 1000, elapsed_s: 1 });
    m.report({ attempts: 2000, elapsed_s: 2 });
    expect(model.snapshot.live.rate).toBe(formatRate(1000));
    expect(model.snapshot.title.rate).toBe(1000);
    model.togglePause();
    tick(3000); // 3 s paused, by the model's clock
    m.report({ attempts: 2000, elapsed_s: 5 });
    expect(model.snapshot.live).toMatchObject({ rate: 'paused', samples: [1000, 0] });
    model.togglePause();
    expect(model.snapshot.live.rate).toBe('—'); // measured afresh from the resume
    m.report({ attempts: 3000, elapsed_s: 6 });
    m.report({ attempts: 3000, elapsed_s: 6, final: true });
    m.jobs[0].resolve({ found: false, attempts: 3000, elapsedS: 6 });
    await model.whenSettled();
    // 3000 attempts over 6 s, 3 of them paused: 1000/s.
    expect(model.snapshot.live.rate).toBe(`${formatRate(1000)} average`);
  });

  it('starts paused for every automatic reason that holds, and lifts only its own', () => {
    const holding = new Set<'hidden' | 'battery'>(['battery']);
    const { model, made } = fakeModel({ holding: () => [...holding] });
    model.open();
    model.edit({ request: ENDLESS });
    model.start();
    expect(model.snapshot).toMatchObject({ state: 'paused', pausedFor: ['battery'], badge: 'Paused (on battery)' });
    expect(made[0].paused).toBe(true);
    model.pauseFor('hidden');
    expect(model.snapshot.badge).toBe('Paused (on battery, tab hidden)');
    model.resumeFrom('battery');
    expect(model.snapshot.state).toBe('paused');
    model.resumeFrom('hidden');
    expect(model.snapshot.state).toBe('mining');
    expect(made[0].paused).toBe(false);
    expect(model.snapshot.log.map((e) => e.text).slice(1)).toEqual(['Paused (on battery)', 'Resumed (tab visible again)']);
  });

  it('makes a Miner for the backend chosen, only between jobs, remembering the user\'s choice and not a link\'s', async () => {
    const { model, made, store } = fakeModel();
    model.applyLink({ backend: 'webgpu', autostart: false, scalar: false }); // before open: the first Miner's backend
    model.open();
    expect(made.map((m) => m.options.backend)).toEqual(['webgpu']);
    expect(store.map.has('dmint-miner:backend')).toBe(false);
    model.chooseBackend('wasm');
    expect(made.map((m) => m.options.backend)).toEqual(['webgpu', 'wasm']);
    expect(made[0].closed).toBe(true);
    expect(store.map.get('dmint-miner:backend')).toBe('wasm');
    expect(model.snapshot.log.at(-1)!.text).toBe('Hashing on: CPU (WebAssembly workers)');

    model.edit({ request: ENDLESS });
    model.start();
    model.chooseBackend('auto');
    expect(made).toHaveLength(2);
    expect(model.snapshot.backend.choice).toBe('wasm');
    expect(model.snapshot.controls.locked).toBe(true);
    model.stop();
    await model.whenSettled();
    model.chooseBackend('auto');
    expect(made).toHaveLength(3);
    expect(store.map.has('dmint-miner:backend')).toBe(false); // the default is not stored

    // A later visit starts from what the user chose.
    const later = new PageModel({ makeMiner: (o) => new FakeMiner(o), store, now: () => 0, defaultThreads: 1 });
    later.open();
    expect(later.snapshot.backend.choice).toBe('auto');
  });

  it('offers the CPU when the GPU is missing, and stays blocked after a CSP refusal', async () => {
    const { model, made } = fakeModel();
    model.open();
    model.edit({ request: ENDLESS });
    model.start();
    made[0].jobs[0].reject(new SupportError('no-webgpu', 'this browser has no WebGPU'));
    await model.whenSettled();
    expect(model.snapshot).toMatchObject({ state: 'error', offerCpu: true, message: { text: 'This browser has no WebGPU.', tone: 'error' } });
    model.useCpu();
    expect(model.snapshot).toMatchObject({ state: 'idle', offerCpu: false, backend: { choice: 'wasm' } });
    expect(made.at(-1)!.options.backend).toBe('wasm');

    model.start();
    made.at(-1)!.jobs[0].reject(new SupportError('csp', "this page's Content Security Policy blocks WebAssembly"));
    await model.whenSettled();
    expect(model.snapshot).toMatchObject({ state: 'error', blocked: true, controls: { start: false } });
    model.start();
    expect(made.at(-1)!.jobs).toHaveLength(1); // no second search
  });

  it('shows no nonce that its independent check did not confirm', async () => {
    const { model, made, store } = fakeModel();
    model.open();
    model.edit({ request: vectorRequest('gen-w4-506') });
    model.start();
    made[0].jobs[0].resolve({ found: true, nonce: 5n, attempts: 6, elapsedS: 0.1, check: hitCheck(6n) });
    await model.whenSettled();
    expect(model.snapshot).toMatchObject({ state: 'error', result: { line: '' }, history: [] });
    expect(model.snapshot.message.text).toBe('Internal error: the miner returned nonce 05000000 without its independent check');
    expect(store.map.has('dmint-miner:results')).toBe(false);
  });

  it('passes the parsed request and range to search, keeps the watermark, and formats a hit once from the bigint', async () => {
    const { model, made, store } = fakeModel();
    model.open();
    model.edit({ request: vectorRequest('gen-w8-1282'), start: '0x10', count: '100' });
    model.start();
    const job = made[0].jobs[0];
    expect(job.request.nonceWidth).toBe(8);
    expect([job.options.start, job.options.count]).toEqual([16n, 100n]);
    made[0].report({ attempts: 40, elapsed_s: 1, watermark: 56n });
    expect(JSON.parse(store.map.get('dmint-miner:interrupted')!)).toMatchObject({ start: '16', count: '100', watermark: '56', nonce_width: 8 });
    expect(model.snapshot.live).toMatchObject({ attempts: '40', percent: '40 %', progress: 400, label: 'Range searched' });
    const nonce = 0x0102030405060708n;
    job.resolve({ found: true, nonce, attempts: 77, elapsedS: 2, check: hitCheck(nonce) });
    await model.whenSettled();
    expect(model.snapshot.result.line).toBe('{"nonce_hex":"0807060504030201","attempts":77,"elapsed_s":2.0}');
    expect(model.snapshot.history[0]).toMatchObject({ at: new Date(0).toISOString(), verified_with: 'node:crypto' });
    expect(store.map.has('dmint-miner:interrupted')).toBe(false);
  });
});
