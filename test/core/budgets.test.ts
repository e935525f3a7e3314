// The budgets every timed test uses: the rule that scales a promise, the nonce
// windows sized by the rate, and the poll that replaces fixed sleeps.
import { describe, expect, it } from 'vitest';
import { BATCH_SIZE } from '../../src/core/tuning.ts';
import { LAG_NOISE_MS, PROMISES, REFERENCE_BATCH_MS, measureMachine, nonceWindow, until, withinPromise, type MachineTime } from '../support/budgets.ts';

const quiet: MachineTime = { batchMs: 10, rateHs: (BATCH_SIZE / 10) * 1000, lagMs: 1 };

describe('budgets', () => {
  it('states the promises once', () => {
    expect(PROMISES).toEqual({ abortMs: 200, stopMs: 500 });
  });

  it('measures the machine once per process, with numbers that agree with each other', async () => {
    const a = await measureMachine();
    expect(a.batchMs).toBeGreaterThan(0);
    expect(a.rateHs * a.batchMs / 1000).toBeCloseTo(BATCH_SIZE, 0);
    expect(a.lagMs).toBeGreaterThanOrEqual(0);
    expect(await measureMachine()).toBe(a);
  });

  it('a promise is itself on a machine that is not saturated, and stretches by the slowdown under load', () => {
    expect(withinPromise(PROMISES.abortMs, quiet)).toBe(200);
    expect(withinPromise(PROMISES.abortMs, { ...quiet, batchMs: REFERENCE_BATCH_MS, lagMs: LAG_NOISE_MS })).toBe(200);
    // Batches three times slower than the reference: three times the promise.
    expect(withinPromise(PROMISES.abortMs, { ...quiet, batchMs: 3 * REFERENCE_BATCH_MS })).toBe(600);
    // A lagging event loop adds its lag, once.
    expect(withinPromise(PROMISES.stopMs, { ...quiet, lagMs: 40 })).toBe(540);
    expect(withinPromise(PROMISES.abortMs, { ...quiet, batchMs: 2 * REFERENCE_BATCH_MS, lagMs: 25 })).toBe(425);
  });

  it('a nonce window lasts about the time asked at the rate, per thread, never under a batch', () => {
    expect(nonceWindow(2, { rateHs: 1_000_000 })).toBe(2_000_000n);
    expect(nonceWindow(0.5, { rateHs: 1_000_000 }, 4)).toBe(2_000_000n);
    expect(nonceWindow(1e-9, quiet)).toBe(BigInt(BATCH_SIZE));
    expect(() => nonceWindow(0, quiet)).toThrow(RangeError);
  });

  it('until returns the first truthy probe, and names what it waited for when it never comes', async () => {
    let n = 0;
    expect(await until(() => ++n >= 3 && n, 'three probes')).toBe(3);
    expect(await until(async () => 'yes', 'an async probe')).toBe('yes');
    await expect(until(() => false, 'a state that never comes', 50)).rejects.toThrow(/timed out after 50 ms waiting for a state that never comes/);
  });
});
