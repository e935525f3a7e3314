/**
 * The job a reload, a closed tab or Stop interrupted: its request, its range and
 * its watermark (every nonce below it searched), kept in `localStorage` with
 * every progress report, so that the page can offer to go on from there. Only
 * the same job over the rest of the same range is offered.
 * @module
 */
import { storage } from './history.ts';

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
export function loadInterrupted(): InterruptedJob | undefined {
  try {
    const j = JSON.parse(storage()?.getItem(KEY) ?? 'null') as InterruptedJob | null;
    if (!j || typeof j.preimage_hex !== 'string' || ![j.start, j.count, j.watermark].every((v) => DECIMAL.test(String(v)))) return undefined;
    const [start, end, watermark] = [BigInt(j.start), BigInt(j.start) + BigInt(j.count), BigInt(j.watermark)];
    return watermark > start && watermark < end ? j : undefined;
  } catch {
    return undefined;
  }
}

/** Keep `job` as the one to offer after an interruption. */
export function saveInterrupted(job: InterruptedJob): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(job));
  } catch {
    /* full or blocked: nothing to offer later, nothing fails now */
  }
}

/** Forget it: the job ended with its answer, or was resumed. */
export function clearInterrupted(): void {
  try {
    storage()?.removeItem(KEY);
  } catch {
    /* nothing to do */
  }
}
