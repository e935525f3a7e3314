// The piece schedule's rules: fresh chunks in order, handed-back pieces first
// and lowest first, nothing above a hit, and (property) the lowest hit of the
// range under any interleaving of threads that yield at random points.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PieceSchedule, type Piece } from '../../src/core/schedule.ts';

const span = (p: Piece | null) => (p === null ? null : [p.chunk, p.from, p.to]);

describe('PieceSchedule', () => {
  it('hands out whole chunks in order, the last one cut at the count', () => {
    const s = new PieceSchedule(25n, 10n);
    expect(s.chunkCount).toBe(3n);
    const taken = [s.take(), s.take(), s.take()];
    expect(taken.map(span)).toEqual([[0n, 0n, 10n], [1n, 10n, 20n], [2n, 20n, 25n]]);
    expect(s.take()).toBeNull();
    expect(s.finished).toBe(false);
    for (const p of taken) s.settle(p!, { hit: null, searched: p!.to - p!.from });
    expect(s.finished).toBe(true);
    expect(s.hit).toBeNull();
  });

  it('hands a yielded rest out again before fresh chunks, lowest chunk first', () => {
    const s = new PieceSchedule(100n, 10n);
    const [a, b, c] = [s.take()!, s.take()!, s.take()!];
    s.settle(c, { hit: null, searched: 4n });
    s.settle(a, { hit: null, searched: 7n });
    expect(s.waiting.map(span)).toEqual([[0n, 7n, 10n], [2n, 24n, 30n]]);
    expect(span(s.take())).toEqual([0n, 7n, 10n]);
    expect(span(s.take())).toEqual([2n, 24n, 30n]);
    expect(span(s.take())).toEqual([3n, 30n, 40n]);
    s.settle(b, { hit: null, searched: 10n });
  });

  it('after a hit in chunk k hands out nothing above k, drops waiting pieces above it, and finishes pieces below', () => {
    const s = new PieceSchedule(100n, 10n);
    const pieces = [0, 1, 2, 3].map(() => s.take()!);
    s.settle(pieces[3]!, { hit: null, searched: 2n }); // chunk 3 waits
    expect(s.settle(pieces[2]!, { hit: 25n, searched: 6n })).toBe(true);
    expect(s.bestChunk).toBe(2n);
    expect(s.waiting).toEqual([]);
    // A higher hit reported later does not replace it.
    s.settle(pieces[1]!, { hit: null, searched: 3n });
    expect(span(s.take())).toEqual([1n, 13n, 20n]);
    expect(s.take()).toBeNull();
    expect(s.finished).toBe(false);
    s.settle(pieces[0]!, { hit: null, searched: 10n });
    expect(s.finished).toBe(false);
  });

  it('keeps only the lowest chunk hit, whatever order they come back in', () => {
    const s = new PieceSchedule(100n, 10n);
    const [a, b] = [s.take()!, s.take()!];
    expect(s.settle(b, { hit: 12n, searched: 3n })).toBe(true);
    expect(s.settle(a, { hit: 9n, searched: 10n })).toBe(true);
    expect([s.bestChunk, s.hit, s.finished]).toEqual([0n, 9n, true]);
    const t = new PieceSchedule(100n, 10n);
    const [c, d] = [t.take()!, t.take()!];
    t.settle(c, { hit: 3n, searched: 4n });
    expect(t.settle(d, { hit: 11n, searched: 2n })).toBe(false);
    expect(t.hit).toBe(3n);
  });

  it('refuses reports that cannot be true', () => {
    const s = new PieceSchedule(100n, 10n);
    const p = s.take()!;
    expect(() => s.settle(p, { hit: 10n, searched: 10n })).toThrow(RangeError);
    expect(() => s.settle(p, { hit: null, searched: 11n })).toThrow(RangeError);
    s.settle(p, { hit: null, searched: 10n });
    expect(() => s.settle(p, { hit: null, searched: 10n })).toThrow(/not out/);
    expect(() => new PieceSchedule(0n, 10n)).toThrow(RangeError);
    expect(() => new PieceSchedule(10n, 0n)).toThrow(RangeError);
  });

  it('stop hands nothing more out and finishes once the pieces out are back', () => {
    const s = new PieceSchedule(100n, 10n);
    const p = s.take()!;
    s.stop();
    expect(s.take()).toBeNull();
    expect(s.finished).toBe(false);
    s.settle(p, { hit: null, searched: 5n });
    expect(s.waiting).toEqual([]);
    expect(s.finished).toBe(true);
  });

  it('keeps the watermark at the lowest unsearched nonce of waiting pieces, pieces out and fresh chunks', () => {
    const s = new PieceSchedule(35n, 10n);
    expect(s.watermark()).toBe(0n);
    const [a, b] = [s.take()!, s.take()!];
    expect(s.watermark((p) => (p === a ? 4n : 9n))).toBe(4n);
    s.settle(a, { hit: null, searched: 6n });
    expect(s.watermark((p) => (p === b ? 9n : 0n))).toBe(6n);
    s.settle(s.take()!, { hit: null, searched: 4n });
    s.settle(b, { hit: null, searched: 10n });
    expect(s.watermark()).toBe(20n);
    const [c, d] = [s.take()!, s.take()!];
    expect(s.watermark((p) => (p === c ? 2n : 5n))).toBe(22n);
    s.settle(c, { hit: null, searched: 10n });
    expect(s.watermark((p) => (p === d ? 3n : 0n))).toBe(33n);
    s.settle(d, { hit: null, searched: 5n });
    expect([s.finished, s.watermark()]).toEqual([true, 35n]);
  });

  it('caps the watermark at the hit, so a search resumed from it finds the hit again', () => {
    const s = new PieceSchedule(35n, 10n);
    const [a, b, c] = [s.take()!, s.take()!, s.take()!];
    s.settle(b, { hit: 13n, searched: 4n });
    expect(s.watermark((p) => (p === a ? 7n : 2n))).toBe(7n);
    s.settle(c, { hit: null, searched: 1n });
    s.settle(a, { hit: null, searched: 10n });
    expect([s.finished, s.hit, s.watermark()]).toEqual([true, 13n, 13n]);
  });

  it('hands a fast thread several chunks as one piece, cuts a long rest at a chunk boundary, and ranks a hit by its own chunk', () => {
    const s = new PieceSchedule(100n, 10n);
    const wide = s.take(3)!;
    expect(span(wide)).toEqual([0n, 0n, 30n]);
    expect(span(s.take())).toEqual([3n, 30n, 40n]);
    // Handed back after 4 nonces: its rest goes out whole to a fast thread, cut to one chunk for another.
    s.settle(wide, { hit: null, searched: 4n });
    expect(s.waiting.map(span)).toEqual([[0n, 4n, 30n]]);
    const one = s.take()!;
    expect(span(one)).toEqual([0n, 4n, 10n]);
    expect(s.waiting.map(span)).toEqual([[1n, 10n, 30n]]);
    const rest = s.take(5)!;
    expect(span(rest)).toEqual([1n, 10n, 30n]);
    // A hit in the piece's third chunk makes that chunk the best, not the piece's first.
    expect(s.settle(rest, { hit: 25n, searched: 16n })).toBe(true);
    expect(s.bestChunk).toBe(2n);
    expect(s.take(4)).toBeNull();
    // A wide take stops at the best hit's chunk.
    const t = new PieceSchedule(100n, 10n);
    const [a, b] = [t.take()!, t.take()!];
    t.settle(b, { hit: 15n, searched: 6n });
    t.settle(a, { hit: null, searched: 3n });
    expect(span(t.take(4))).toEqual([0n, 3n, 10n]);
    expect(() => t.take(0)).toThrow(RangeError);
  });

  it('finds the lowest hit of the range under any interleaving of threads that yield at random points', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 399 }), { maxLength: 6 }),
        // Each move's last value is how many chunks a take asks for: threads of mixed speed.
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 400 }),
        (count, chunkSize, hitList, moves) => {
          const hits = hitList.filter((h) => h < count).sort((x, y) => x - y);
          const s = new PieceSchedule(BigInt(count), BigInt(chunkSize));
          const out: Piece[] = [];
          const searched = new Uint8Array(count);
          let step = 0;
          // Each move: take a piece (when threads are free) or settle one out, searching a random prefix.
          const move = (pick: number, share: number, take: boolean, chunks: number): void => {
            if (take && out.length < 4) {
              const p = s.take(chunks);
              if (p !== null) out.push(p);
              return;
            }
            if (out.length === 0) return;
            const p = out.splice(pick % out.length, 1)[0]!;
            const size = Number(p.to - p.from);
            const stopAt = share % 3 === 0 ? size : share % (size + 1);
            const hit = hits.find((h) => h >= Number(p.from) && h < Number(p.from) + stopAt);
            const n = hit === undefined ? stopAt : hit - Number(p.from) + 1;
            for (let i = 0; i < n; i++) searched[Number(p.from) + i]! += 1;
            s.settle(p, { hit: hit === undefined ? null : BigInt(hit), searched: BigInt(n) });
          };
          for (const [pick, share, take, chunks] of moves) move(pick, share, take, chunks);
          // Then drain: every piece runs to its end.
          while (!s.finished && step++ < 10_000) {
            const p = out.pop() ?? s.take();
            if (p === null) continue;
            const hit = hits.find((h) => h >= Number(p.from) && h < Number(p.to));
            const n = hit === undefined ? Number(p.to - p.from) : hit - Number(p.from) + 1;
            for (let i = 0; i < n; i++) searched[Number(p.from) + i]! += 1;
            s.settle(p, { hit: hit === undefined ? null : BigInt(hit), searched: BigInt(n) });
          }
          expect(s.finished).toBe(true);
          const lowest = hits[0] ?? null;
          expect(s.hit).toBe(lowest === null ? null : BigInt(lowest));
          // Every nonce below the answer searched exactly once; none searched twice anywhere.
          const end = lowest ?? count;
          for (let i = 0; i < end; i++) expect(searched[i]).toBe(1);
          expect(searched.every((x) => x <= 1)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
