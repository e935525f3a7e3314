/**
 * The last results, kept so that a reload (or a closed tab) does not lose a
 * found nonce.
 * @module
 */
import { readKey, writeKey, type KeyValueStore } from './store.ts';

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

/** The kept results, newest first (empty when storage is unavailable or corrupt). */
export function loadResults(store: KeyValueStore | undefined): SavedResult[] {
  try {
    const parsed: unknown = JSON.parse(readKey(store, KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((r): r is SavedResult => typeof r?.response === 'string').slice(0, KEEP) : [];
  } catch {
    return [];
  }
}

/** Keep `result` first; returns the new list. */
export function saveResult(store: KeyValueStore | undefined, result: SavedResult): SavedResult[] {
  const list = [result, ...loadResults(store)].slice(0, KEEP);
  writeKey(store, KEY, JSON.stringify(list)); // full or blocked: the result is still on screen
  return list;
}

/** Forget every kept result. */
export function clearResults(store: KeyValueStore | undefined): void {
  writeKey(store, KEY, null);
}
