/**
 * The Miner contract's browser driver: the host registry runs in the Chromium
 * page next to dist/browser/index.js (imported by test/browser/lib-page/), and
 * every call is one `page.evaluate` naming the method and its arguments. Miners
 * and jobs stay on the page; only ids and plain answers cross.
 * @module
 */
import type { Page } from 'playwright-core';
import { driverOver, type MinerDriver, type Transport } from './driver.ts';
import type { MinerHost } from './miner-host.ts';

/** Where test/support/lib-server.ts serves test/contract/miner-host.ts as JavaScript. */
export const HOST_MODULE = '/contract/miner-host.js';

/** What the page holds once {@link browserDriver} has set it up. */
interface HostGlobals {
  minerHost: MinerHost;
}

/**
 * A driver for the browser library's `Miner` on `page`, a lib-page that has
 * finished loading (`document.body.dataset.ready === '1'`).
 */
export async function browserDriver(name: string, page: Page): Promise<MinerDriver> {
  // As text: a function here would have its import() rewritten by the test runner's transform.
  await page.evaluate(`import(${JSON.stringify(HOST_MODULE)}).then((m) => { globalThis.minerHost = m.createMinerHost(globalThis.dmint); })`);
  const call = ((method: string, ...args: unknown[]) => page.evaluate(
    ([m, a]) => ((globalThis as unknown as HostGlobals).minerHost[m as keyof MinerHost] as (...x: unknown[]) => unknown)(...a),
    [method, args] as const,
  )) as Transport;
  return driverOver(name, call);
}
