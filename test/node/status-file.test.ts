// The status file's rename, retried while another process (a reader on Windows) holds the file for
// a moment: the real write, with the rename injected to fail a given number of times.
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENAME_RETRY_MS, StatusFile } from '../../src/node/status-file.ts';

const STATUS = {
  state: 'mining' as const,
  job: 'ab'.repeat(32),
  nonce_width: 4 as const,
  attempts: 1000,
  rate_hs: 500,
  elapsed_s: 2,
  threads: 1,
  range: { start: '0', count: '4294967296' },
  whole: { start: '0', count: '4294967296' },
  watermark: '1000',
};

/** A rename that fails with `code` the first `failures` times, then renames for real. */
function flakyRename(code: string, failures: number): { rename: (from: string, to: string) => void; calls: () => number } {
  let calls = 0;
  return {
    rename: (from, to) => {
      calls++;
      if (calls <= failures) throw Object.assign(new Error(`${code}: operation not permitted, rename '${from}' -> '${to}'`), { code });
      renameSync(from, to);
    },
    calls: () => calls,
  };
}

function statusIn(fresh: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), `dmint-${fresh}-`));
  return { dir, path: join(dir, 'status.json') };
}

const allRetries = RENAME_RETRY_MS.reduce((a, b) => a + b, 0);

describe('StatusFile.write: the rename is retried on EPERM, EBUSY and EACCES', () => {
  it.each(['EPERM', 'EBUSY', 'EACCES'])('%s a few times: retried until it passes, and the file holds the status', (code) => {
    const { dir, path } = statusIn('retry');
    const flaky = flakyRename(code, 3);
    const file = new StatusFile(path, { rename: flaky.rename });
    const started = performance.now();
    file.write(STATUS);
    const ms = performance.now() - started;
    expect(flaky.calls()).toBe(4);
    expect(ms).toBeGreaterThanOrEqual(RENAME_RETRY_MS[0] + RENAME_RETRY_MS[1] + RENAME_RETRY_MS[2] - 2);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ schema: 1, pid: process.pid, ...STATUS });
    expect(readdirSync(dir)).toEqual(['status.json']);
  });

  it(`persistently: gives up after ${RENAME_RETRY_MS.length} retries and about ${allRetries} ms with the last error, and unlock removes the temporary file`, () => {
    const { dir, path } = statusIn('stuck');
    const flaky = flakyRename('EBUSY', Infinity);
    const file = new StatusFile(path, { rename: flaky.rename });
    file.lock();
    const started = performance.now();
    expect(() => file.write(STATUS)).toThrow(/^EBUSY/);
    const ms = performance.now() - started;
    expect(flaky.calls()).toBe(RENAME_RETRY_MS.length + 1);
    expect(ms).toBeGreaterThanOrEqual(allRetries - 2);
    expect(ms).toBeLessThan(allRetries + 400);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toHaveLength(2); // the temporary file and the lock
    file.unlock();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('any other error is not retried', () => {
    const { path } = statusIn('other');
    const flaky = flakyRename('ENOSPC', 1);
    const file = new StatusFile(path, { rename: flaky.rename });
    expect(() => file.write(STATUS)).toThrow(/^ENOSPC/);
    expect(flaky.calls()).toBe(1);
  });
});
