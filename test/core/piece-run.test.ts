import { describe, expect, it } from 'vitest';
import { PieceCells, Rest, restAfter } from '../../src/core/piece-run.ts';

describe('the throttle\'s rest between batches', () => {
  it('rests so that a thread hashes duty % of its time, and not at all at 100 %', () => {
    expect(restAfter(10, 100)).toBe(0);
    expect(restAfter(10, 50)).toBe(10);
    expect(restAfter(10, 25)).toBe(30);
    expect(restAfter(10, 1)).toBe(990);
    for (const duty of [1, 7, 33, 50, 99]) {
      const busy = 12.5;
      expect(busy / (busy + restAfter(busy, duty))).toBeCloseTo(duty / 100, 10);
    }
  });

  it('Rest.sleep ends on its own, or at once on wake()', async () => {
    const rest = new Rest();
    let t = performance.now();
    await rest.sleep(30);
    expect(performance.now() - t).toBeGreaterThanOrEqual(25);
    t = performance.now();
    const long = rest.sleep(10_000);
    setTimeout(() => rest.wake(), 20);
    await long;
    expect(performance.now() - t).toBeLessThan(1000);
    rest.wake(); // no rest running: nothing to end
  });

  it('PieceCells.rest blocks for its time, and not at all once the piece is halted', () => {
    const cells = PieceCells.create();
    let t = performance.now();
    cells.rest(30);
    expect(performance.now() - t).toBeGreaterThanOrEqual(25);
    cells.halt();
    expect(cells.halted).toBe(true);
    t = performance.now();
    cells.rest(5000);
    expect(performance.now() - t).toBeLessThan(1000);
    // The halt flag and the progress count live in separate cells.
    cells.searched = 2 ** 40;
    expect([cells.searched, cells.halted]).toEqual([2 ** 40, true]);
    expect(PieceCells.attach(cells.buffer).searched).toBe(2 ** 40);
  });
});
