/**
 * Whether the shared-memory path can run here, decided from what the engine
 * offers rather than from `crossOriginIsolated` alone: WebKitGTK, for one, reports
 * an isolated page and still has no `SharedArrayBuffer`, while an Electron
 * renderer may have one without isolation.
 * @module
 */

/** The globals the decision reads (a parameter so tests can describe any engine). */
export interface SharedMemoryHost {
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  Atomics?: { wait?: unknown; notify?: unknown };
  structuredClone?: (value: unknown) => unknown;
}

/** The verdict, and the reason in words for the page's environment card. */
export interface SharedMemorySupport {
  /** True when pieces can run on shared memory (SharedArrayBuffer posted to workers, Atomics.wait in them). */
  readonly shared: boolean;
  /** Why, in one sentence without a final period. */
  readonly reason: string;
}

/**
 * What this context offers for the shared path: a `SharedArrayBuffer` that can be
 * sent to workers, and `Atomics.wait`/`notify` (workers block on a halt cell;
 * the page only notifies, so the main thread's refusal to wait does not matter).
 */
export function sharedMemorySupport(host: SharedMemoryHost = globalThis as SharedMemoryHost): SharedMemorySupport {
  const isolated = host.crossOriginIsolated === true;
  if (typeof host.SharedArrayBuffer !== 'function') {
    return {
      shared: false,
      reason: isolated
        ? 'the page is cross-origin isolated, but this browser offers no SharedArrayBuffer'
        : 'the page is not cross-origin isolated, so this browser withholds SharedArrayBuffer',
    };
  }
  if (typeof host.Atomics?.wait !== 'function' || typeof host.Atomics?.notify !== 'function') {
    return { shared: false, reason: 'this browser has SharedArrayBuffer but no Atomics.wait and Atomics.notify' };
  }
  if (!isolated) {
    // Outside isolation, try the serialization postMessage uses: engines that expose the
    // constructor but will not send it to a worker throw here rather than at the first piece.
    try {
      if (typeof host.structuredClone !== 'function') throw new Error('no structuredClone to check with');
      host.structuredClone(new (host.SharedArrayBuffer as typeof SharedArrayBuffer)(8));
    } catch {
      return { shared: false, reason: 'the page is not cross-origin isolated, and this browser will not send its SharedArrayBuffer to workers' };
    }
  }
  return {
    shared: true,
    reason: isolated
      ? 'the page is cross-origin isolated and this browser offers SharedArrayBuffer and Atomics.wait'
      : 'this browser offers SharedArrayBuffer and Atomics.wait without cross-origin isolation',
  };
}
