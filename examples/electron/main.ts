/**
 * Electron main process: mining runs in a utility process that executes
 * wasm-dmint-miner's IPC entry (its piscina threads live there, not in the main
 * process), and jobs from windows are bridged to it through ipcMain.
 */
import { app, BrowserWindow, ipcMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { FromChild, ToChild } from 'wasm-dmint-miner';

let miner: UtilityProcess | undefined;
/** Which window asked for each job, so replies go back to it. */
const owners = new Map<string, WebContents>();

function startMiner(): UtilityProcess {
  // Resolved through the package's "./ipc" export; inside app.asar this is an archive path (docs/embedding.md, asar).
  const entry = require.resolve('wasm-dmint-miner/ipc');
  // Leave the user a core: the wallet stays responsive while it mines.
  const threads = Math.max(1, availableParallelism() - 1);
  const child = utilityProcess.fork(entry, ['--threads', String(threads)], { serviceName: 'dmint-miner', stdio: 'ignore' });
  child.on('message', (m: FromChild) => {
    if (m.type === 'status' || m.id === null) return;
    const owner = owners.get(String(m.id));
    if (owner && !owner.isDestroyed()) owner.send('dmint:event', m);
    if (m.type !== 'progress') owners.delete(String(m.id));
  });
  child.on('exit', (code) => {
    for (const [id, owner] of owners) {
      const m: FromChild = { type: 'error', id, name: 'Error', message: `the miner process exited with code ${code}` };
      if (!owner.isDestroyed()) owner.send('dmint:event', m);
    }
    owners.clear();
    miner = undefined;
  });
  return child;
}

function send(message: ToChild): void {
  miner ??= startMiner();
  miner.postMessage(message);
}

ipcMain.on('dmint:mine', (event, id: string, request: string) => {
  owners.set(id, event.sender);
  send({ type: 'mine', id, request });
});
ipcMain.on('dmint:cancel', (_event, id: string) => send({ type: 'cancel', id }));
ipcMain.on('dmint:set-threads', (_event, threads: number) => send({ type: 'setThreads', threads }));

void app.whenReady().then(() => {
  const win = new BrowserWindow({
    width: 760,
    height: 640,
    webPreferences: { preload: path.join(__dirname, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  void win.loadFile(path.join(__dirname, 'index.html'));
});

app.on('window-all-closed', () => {
  miner?.kill();
  app.quit();
});
