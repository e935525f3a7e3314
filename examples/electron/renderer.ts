/**
 * Renderer: mines either in this window with the browser host (module Web
 * Workers; no SharedArrayBuffer here, so chunks go out by message) or in the
 * utility process through the preload's bridge. Same request, same answer.
 */
import { mine, parseRequest, type MineResponse } from 'wasm-dmint-miner';
import type { DmintBridge } from './preload.ts';

declare global {
  interface Window {
    dmint: DmintBridge;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const requestBox = $<HTMLTextAreaElement>('request');
const status = $<HTMLParagraphElement>('status');
const result = $<HTMLOutputElement>('result');
let controller: AbortController | undefined;
let utilityJob: string | undefined;

function show(response: MineResponse): void {
  result.value = JSON.stringify(response);
  status.textContent = 'nonce_hex' in response ? 'found (verified)' : 'exhausted';
}

function fail(err: unknown): void {
  status.textContent = err instanceof Error || err instanceof DOMException ? `${err.name}: ${err.message}` : String(err);
}

$('here').addEventListener('click', () => {
  try {
    parseRequest(requestBox.value); // a clear error before any worker starts
  } catch (err) {
    return fail(err);
  }
  controller = new AbortController();
  status.textContent = 'mining in this window...';
  mine(requestBox.value, {
    signal: controller.signal,
    onProgress: (p) => (status.textContent = `mining in this window: ${(p.rate / 1e6).toFixed(2)} Mh/s, ${p.attempts} attempts`),
  }).then(show, fail);
});

$('utility').addEventListener('click', () => {
  status.textContent = 'mining in the utility process...';
  utilityJob = window.dmint.start(requestBox.value, (m) => {
    if (m.type === 'progress') status.textContent = `mining in the utility process: ${(m.rate / 1e6).toFixed(2)} Mh/s`;
    else if (m.type === 'result') show(m.response);
    else if (m.type === 'error') status.textContent = `${m.name}: ${m.message}`;
  });
});

$('stop').addEventListener('click', () => {
  controller?.abort();
  if (utilityJob) window.dmint.cancel(utilityJob);
});

$<HTMLInputElement>('threads').addEventListener('change', (e) => window.dmint.setThreads(Number((e.target as HTMLInputElement).value)));
