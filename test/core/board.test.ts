// The chunk board's rules, single-threaded: claims in order, the best hit only
// ever goes down, chunks above it are refused, and the watermark never runs ahead.
import { describe, expect, it } from 'vitest';
import { ChunkBoard } from '../../src/core/board.ts';

describe('ChunkBoard', () => {
  it('hands out chunks in order until the range is used up', () => {
    const board = ChunkBoard.create(2, 10n, 35n);
    expect(board.chunkCount).toBe(4n);
    expect([board.claim(0), board.claim(1), board.claim(0), board.claim(1)]).toEqual([0n, 1n, 2n, 3n]);
    expect(board.claim(0)).toBeNull();
    expect(board.claim(1)).toBeNull();
  });

  it('keeps the lowest reported hit chunk and refuses chunks above it', () => {
    const board = ChunkBoard.create(3, 100n, 10_000n);
    for (let i = 0; i < 6; i++) board.claim(i % 3);
    board.reportHit(4n);
    board.reportHit(5n);
    expect(board.bestHitChunk).toBe(4n);
    board.reportHit(2n);
    expect(board.bestHitChunk).toBe(2n);
    expect(board.shouldContinue(1n)).toBe(true);
    expect(board.shouldContinue(2n)).toBe(true);
    expect(board.shouldContinue(3n)).toBe(false);
    expect(board.claim(0)).toBeNull(); // chunk 6 is above the best hit
  });

  it('stop() ends claims and work at the next check', () => {
    const board = ChunkBoard.create(1, 10n, 100n);
    expect(board.claim(0)).toBe(0n);
    board.stop();
    expect(board.stopped).toBe(true);
    expect(board.shouldContinue(0n)).toBe(false);
    expect(board.claim(0)).toBeNull();
  });

  it('tracks attempts and a watermark that trails every working thread', () => {
    const board = ChunkBoard.create(2, 10n, 100n);
    expect(board.watermark).toBe(0n);
    board.claim(0); // chunk 0: [0, 10)
    board.claim(1); // chunk 1: [10, 20)
    board.setPosition(1, 17n);
    board.addAttempts(7);
    expect(board.watermark).toBe(0n);
    board.setPosition(0, 10n);
    board.addAttempts(10);
    expect(board.watermark).toBe(10n);
    expect(board.attempts).toBe(17n);
    board.setPosition(1, 20n);
    expect(board.watermark).toBe(10n);
    board.claim(0); // chunk 2: slot 0 first publishes the frontier (20)
    expect(board.watermark).toBe(20n);
  });

  it('holds a whole V2 space of 2^64 nonces', () => {
    const board = ChunkBoard.create(1, 1n << 18n, 1n << 64n);
    expect(board.count).toBe(1n << 64n);
    expect(board.chunkCount).toBe(1n << 46n);
    expect(board.claim(0)).toBe(0n);
    board.setPosition(0, (1n << 64n) - 1n);
    expect(board.watermark).toBeLessThanOrEqual(1n << 64n);
  });

  it('is shared: a board attached to the same buffer sees the same state', () => {
    const a = ChunkBoard.create(2, 10n, 50n);
    const b = ChunkBoard.attach(a.buffer);
    expect(b.slots).toBe(2);
    expect(a.claim(0)).toBe(0n);
    expect(b.claim(1)).toBe(1n);
    b.reportHit(1n);
    expect(a.bestHitChunk).toBe(1n);
    expect(() => ChunkBoard.create(0, 1n, 1n)).toThrow(RangeError);
    expect(() => ChunkBoard.create(1, 1n, 0n)).toThrow(RangeError);
  });
});
