/**
 * The last results, kept in `localStorage` so that a reload (or a closed tab)
 * does not lose a found nonce. Storage may be missing or full (private modes):
 * then nothing is kept and nothing fails.
 * @module
 */

/** One kept result. */
export interface SavedResult {
  /** ISO time of the result. */
  at: string;
  /** The request's fields. */
  preimage_hex: string;
  target_hex: string;
  nonce_width: number;
  /** The searched range, decimal. */
  start: string;
  count: string;
  /** The response line, exactly as shown. */
  response: string;
  /** Which SHA-256 verified a hit (absent for exhaustion). */
  verified_with?: string;
}

const KEY = 'dmint-miner:results';
/** Results kept, newest first. */
export const KEEP = 20;

/** localStorage where the browser allows it. */
export function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // access itself may throw (blocked storage)
  }
}

/** The kept results, newest first (empty when storage is unavailable or corrupt). */
export function loadResults(): SavedResult[] {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((r): r is SavedResult => typeof r?.response === 'string').slice(0, KEEP) : [];
  } catch {
    return [];
  }
}

/** Keep `result` first; returns the new list. */
export function saveResult(result: SavedResult): SavedResult[] {
  const list = [result, ...loadResults()].slice(0, KEEP);
  try {
    storage()?.setItem(KEY, JSON.stringify(list));
  } catch {
    /* full or blocked: the result is still on screen */
  }
  return list;
}

/** Forget every kept result. */
export function clearResults(): void {
  try {
    storage()?.removeItem(KEY);
  } catch {
    /* nothing to do */
  }
}
