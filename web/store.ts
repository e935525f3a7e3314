/**
 * Where the page keeps what outlasts a reload (results, an interrupted job,
 * settings): `localStorage` in the browser, any object of the same three
 * methods in tests. Storage may be missing, blocked or full (private modes):
 * then nothing is kept and nothing fails.
 * @module
 */

/** The part of the Web Storage API the page uses. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** `localStorage` where the browser allows it. */
export function storage(): KeyValueStore | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // access itself may throw (blocked storage)
  }
}

/** The text kept under `key`, or null (nothing kept, no store, or blocked). */
export function readKey(store: KeyValueStore | undefined, key: string): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Keep `value` under `key`; `null` forgets it. Failures are dropped: the value holds for this visit only. */
export function writeKey(store: KeyValueStore | undefined, key: string, value: string | null): void {
  try {
    if (value === null) store?.removeItem(key);
    else store?.setItem(key, value);
  } catch {
    /* full or blocked */
  }
}
