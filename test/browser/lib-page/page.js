// The browser library's test page: imports the built library as an app would
// and puts it, with two small helpers, where the tests' page.evaluate can reach it.
import * as lib from '/dist/browser/index.js';

/** Resolve after `ms` milliseconds. */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (at most `ms`) until `miner.activeThreads` reaches its thread count: workers take a moment to start. */
async function untilAllActive(miner, ms = 5000) {
  for (const end = performance.now() + ms; miner.activeThreads < miner.threads && performance.now() < end;) await sleep(5);
}

globalThis.dmint = lib;
globalThis.testing = { sleep, untilAllActive, state: {} };
document.body.dataset.ready = '1';
