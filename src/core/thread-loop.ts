/**
 * The loop each search thread runs (Node worker threads and Web Workers alike):
 * claim chunks from the shared {@link ChunkBoard} in order, search each in short
 * batches, publish attempts and position after every batch, and stop at a batch
 * boundary when the board says so.
 */
import type { ChunkBoard } from './board.ts';
import type { Kernel } from './kernel.ts';
import { searchRange } from './search.ts';

/** What one thread found. */
export interface ThreadResult {
  /** The lowest hit this thread found, or null. */
  hit: bigint | null;
  /** Nonces this thread hashed. */
  attempts: number;
}

/**
 * Work on `board` as thread `slot` until no chunk is left for it. The kernel
 * must hold the job; `start` is the nonce at offset 0 of the board's range.
 */
export function runSearchThread(kernel: Kernel, board: ChunkBoard, slot: number, start: bigint, batch: number): ThreadResult {
  const chunkSize = board.chunkSize;
  const count = board.count;
  let attempts = 0;
  let hit: bigint | null = null;
  for (let k = board.claim(slot); k !== null; k = board.claim(slot)) {
    const offset = k * chunkSize;
    const n = count - offset < chunkSize ? count - offset : chunkSize;
    let published = 0;
    const r = searchRange(kernel, start + offset, n, {
      batch,
      onBatch: (searched) => {
        board.addAttempts(searched - published);
        board.setPosition(slot, offset + BigInt(searched));
        published = searched;
        return board.shouldContinue(k);
      },
    });
    board.addAttempts(r.searched - published);
    attempts += r.searched;
    if (r.hit !== null) {
      board.reportHit(k);
      // Claims only ever grow, so every later chunk of this thread is above k.
      hit = r.hit;
      break;
    }
    if (r.stopped) break;
  }
  // The slot keeps its position after a stop or a hit (its chunk is unfinished), so
  // the watermark stays true; a claim that found nothing left has cleared it.
  return { hit, attempts };
}
