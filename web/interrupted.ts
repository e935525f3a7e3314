/**
 * The job a reload, a closed tab or Stop interrupted: its request, its range and
 * its watermark (every nonce below it searched), kept with every progress
 * report, so that the page can offer to go on from there. Only the same job
 * over the rest of the same range is offered.
 * @module
 */
import { readKey, writeKey, type KeyValueStore } from './store.ts';

/** An interrupted job (nonces as decimal strings). */
export interface InterruptedJob {
  preimage_hex: string;
  target_hex: string;
  nonce_width: number;
  /** The job's range, as it was started. */
  start: string;
  count: string;
  watermark: string;
}

const KEY = 'dmint-miner:interrupted';
const DECIMAL = /^[0-9]{1,20}$/;

/** The interrupted job, if one is kept and its fields make sense. */
export function loadInterrupted(store: KeyValueStore | undefined): InterruptedJob | undefined {
  try {
    const j = JSON.parse(readKey(store, KEY) ?? 'null') as InterruptedJob | null;
    if (!j || typeof j.preimage_hex !== 'string' || ![j.start, j.count, j.watermark].every((v) => DECIMAL.test(String(v)))) return undefined;
    const [start, end, watermark] = [BigInt(j.start), BigInt(j.start) + BigInt(j.count), BigInt(j.watermark)];
    return watermark > start && watermark < end ? j : undefined;
  } catch {
    return undefined;
  }
}

/** Keep `job` as the one to offer after an interruption (full or blocked storage: nothing to offer later, nothing fails now). */
export function saveInterrupted(store: KeyValueStore | undefined, job: InterruptedJob): void {
  writeKey(store, KEY, JSON.stringify(job));
}

/** Forget it: the job ended with its answer, or was resumed. */
export function clearInterrupted(store: KeyValueStore | undefined): void {
  writeKey(store, KEY, null);
}

/** The nonces an interrupted job has left: from its watermark to the end of its range. */
export function remainingRange(job: InterruptedJob): { start: bigint; count: bigint; of: bigint } {
  const watermark = BigInt(job.watermark);
  const end = BigInt(job.start) + BigInt(job.count);
  return { start: watermark, count: end - watermark, of: BigInt(job.count) };
}
