/**
 * Preload (sandboxed): exposes the smallest API the page needs to mine in the
 * utility process. The page never sees ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { FromChild } from 'wasm-dmint-miner';

/** What the page gets as `window.dmint`. */
export interface DmintBridge {
  /** Start a job in the utility process; `onEvent` gets its progress, result or error messages. Returns the job id. */
  start(request: string, onEvent: (message: FromChild) => void): string;
  /** Cancel a job: it ends with an error message named AbortError. */
  cancel(id: string): void;
  /** Change the utility process's thread count for the running jobs. */
  setThreads(threads: number): void;
}

const listeners = new Map<string, (message: FromChild) => void>();
ipcRenderer.on('dmint:event', (_event, m: FromChild) => {
  if (m.type === 'status' || m.id === null) return;
  const id = String(m.id);
  listeners.get(id)?.(m);
  if (m.type !== 'progress') listeners.delete(id);
});

let next = 0;
const bridge: DmintBridge = {
  start(request, onEvent) {
    const id = `job-${++next}`;
    listeners.set(id, onEvent);
    ipcRenderer.send('dmint:mine', id, request);
    return id;
  },
  cancel: (id) => ipcRenderer.send('dmint:cancel', id),
  setThreads: (threads) => ipcRenderer.send('dmint:set-threads', threads),
};

contextBridge.exposeInMainWorld('dmint', bridge);
