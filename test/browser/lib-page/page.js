// The browser library's test page: imports the built library as an app would
// and puts it, with two small helpers, where the tests' page.evaluate can reach it.
import * as lib from '/dist/browser/index.js';

/** Resolve after `ms` milliseconds. */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The highest `miner.activeThreads` seen over `ms` milliseconds, sampled every 5 ms. */
async function peakThreads(miner, ms) {
  let peak = 0;
  for (const end = performance.now() + ms; performance.now() < end; await sleep(5)) peak = Math.max(peak, miner.activeThreads);
  return peak;
}

/** The highest `miner.activeThreads` seen until `promise` settles, sampled every 5 ms. */
async function peakUntil(miner, promise) {
  let peak = 0;
  let done = false;
  promise.then(() => (done = true), () => (done = true));
  while (!done) {
    peak = Math.max(peak, miner.activeThreads);
    await sleep(5);
  }
  return peak;
}

/** Wait (at most `ms`) until `miner.activeThreads` reaches its thread count: workers take a moment to start. */
async function untilAllActive(miner, ms = 5000) {
  for (const end = performance.now() + ms; miner.activeThreads < miner.threads && performance.now() < end;) await sleep(5);
}

globalThis.dmint = lib;
globalThis.testing = { sleep, peakThreads, peakUntil, untilAllActive, state: {} };
document.body.dataset.ready = '1';
