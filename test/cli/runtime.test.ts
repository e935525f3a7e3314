// The running miner: progress frames, quiet, signals, and the status file.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestJson, runCli } from '../support/cli.ts';
import { fixture } from '../support/vectors.ts';

// gen-w4-8403 has no valid nonce in all of [0, 2^32): a search that runs until stopped.
const endless = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;
const ENDLESS = requestJson(endless.preimage_hex, '7fffffffffffffff', 4);

describe('progress on stderr', () => {
  it('writes {"progress":...} frames about every 0.5 s when stderr is not a terminal, the first within ~1 s and counting real attempts', async () => {
    const r = await runCli(['--count', '12000000'], ENDLESS, { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    const frames = r.stderr.trim().split('\n').filter((l) => l.startsWith('{'));
    expect(frames.length).toBeGreaterThanOrEqual(1);
    const parsed = frames.map((l) => JSON.parse(l).progress as { attempts: number; elapsed_s: number });
    for (const f of parsed) expect(Object.keys(f)).toEqual(['attempts', 'elapsed_s']);
    expect(parsed[0].elapsed_s).toBeGreaterThan(0.3);
    expect(parsed[0].elapsed_s).toBeLessThan(1.2);
    expect(parsed[0].attempts).toBeGreaterThan(0);
    for (let i = 1; i < parsed.length; i++) {
      expect(parsed[i].attempts).toBeGreaterThanOrEqual(parsed[i - 1].attempts);
      expect(parsed[i].elapsed_s - parsed[i - 1].elapsed_s).toBeGreaterThan(0.3);
      expect(parsed[i].elapsed_s - parsed[i - 1].elapsed_s).toBeLessThan(1.0);
    }
    // Every frame is one compact object on its own line; nothing but frames and the exhaustion note.
    const others = r.stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(/^dmint-miner: exhausted/);
  });

  it('--quiet and --progress=none silence progress (--quiet also the exhaustion note)', async () => {
    const quiet = await runCli(['--quiet', '--count', '6000000'], ENDLESS);
    expect(quiet).toMatchObject({ code: 2, stderr: '', stdout: '{"exhausted":true}\n' });
    const none = await runCli(['--progress=none', '--count', '6000000'], ENDLESS);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^dmint-miner: exhausted[^\n]*\n$/);
  });

  it('--progress=human writes a live line with rate, share swept and time to a hit', async () => {
    const r = await runCli(['--progress=human', '--count', '8000000'], ENDLESS);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/[0-9.]+ [kMG]?h\/s on \d+ threads \| [0-9.]+% of the V1 space swept \| [^|]+ elapsed \| time to a hit: p50 [^,]+, p90 /);
    expect(r.stdout).toBe('{"exhausted":true}\n');
  });
});

describe('signals', () => {
  it.each([['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const)('%s mid-search stops every worker and exits %i within 0.5 s, stdout empty', async (signal, code) => {
    let sentAt = 0;
    const r = await runCli(['--quiet'], ENDLESS, {
      onSpawn: (child) => setTimeout(() => { sentAt = performance.now(); child.kill(signal); }, 1500),
    });
    const exitedAfter = performance.now() - sentAt;
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    // 'close' fires after the process is gone and its pipes are closed: no thread or helper outlived it.
    expect(exitedAfter).toBeLessThan(500);
  });

  it.each([['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s while stdin is still being read exits %i at once', async (signal, code) => {
    const r = await runCli([], '', { keepStdinOpen: true, onSpawn: (child) => setTimeout(() => child.kill(signal), 500) });
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.ms).toBeLessThan(3000);
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
    const r = await runCli(['--quiet', '--status-file', path], ENDLESS, { onSpawn: (c) => setTimeout(() => c.kill('SIGTERM'), 3500) });
    expect(r.code).toBe(143);
    expect(r.stdout).toBe('');
    const warnings = r.stderr.split('\n').filter((l) => l.includes('cannot write the status file'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^dmint-miner: cannot write the status file .*taken: /);
    expect(readdirSync(dir)).toEqual(['taken']); // neither the temporary file nor the lock is left
  });

  it('is replaced atomically: a reader polling it in a tight loop never sees invalid JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmint-status-'));
    const path = join(dir, 'status.json');
    let reads = 0;
    let bad = 0;
    const states = new Set<string>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        if (existsSync(path)) {
          try {
            const s = JSON.parse(readFileSync(path, 'utf8'));
            states.add(s.state);
            reads++;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') bad++;
          }
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const r = await runCli(['--quiet', '--status-file', path, '--count', '10000000'], ENDLESS);
    polling = false;
    await poll;
    expect(r.code).toBe(2);
    expect(bad).toBe(0);
    expect(reads).toBeGreaterThan(50);
    expect(states.has('mining')).toBe(true);
    const final = JSON.parse(readFileSync(path, 'utf8'));
    expect(final).toMatchObject({ schema: 1, state: 'exhausted', attempts: 10_000_000, range: { start: '0', count: '10000000' }, watermark: '10000000' });
    expect(final.pid).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual(['status.json']); // no temp files left behind
  });

  it('records the nonce when found and the watermark of a stopped search', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmint-status-'));
    const path = join(dir, 's.json');
    const v = fixture.pow_vectors.find((p) => p.id === 'gen-w4-506')!;
    const found = await runCli(['--quiet', '--status-file', path], requestJson(v.preimage_hex, '7fffffffffffffff', 4));
    expect(found.code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ state: 'found', nonce_hex: v.nonce_hex });

    const stopped = await runCli(['--quiet', '--status-file', path], ENDLESS, { onSpawn: (c) => setTimeout(() => c.kill('SIGTERM'), 1500) });
    expect(stopped.code).toBe(143);
    const s = JSON.parse(readFileSync(path, 'utf8'));
    expect(s.state).toBe('stopped');
    expect(BigInt(s.watermark)).toBeGreaterThan(0n);
    expect(BigInt(s.watermark)).toBeLessThanOrEqual(BigInt(s.attempts));
  });
});
