// The Miner contract (test/contract/miner-contract.ts) against the browser
// library's Miner (dist/browser/index.js and its module workers) in Debian's
// Chromium, on the lib test page under its strict CSP: once without cross-origin
// isolation (no SharedArrayBuffer), once isolated. Besides the contract, every
// case must leave the page silent and, once its miners are closed, without a worker.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { browserDriver } from '../contract/browser-driver.ts';
import { describeMinerContract } from '../contract/miner-contract.ts';
import { launchChromium } from '../support/browser.ts';
import { needs } from '../support/skips.ts';
import { serveLib } from '../support/lib-server.ts';


describe('the browser Miner in Chromium', needs('chromium'), () => {
  let browser: Browser;
  /** The pages open now, with everything they logged. */
  const pages: { page: Page; logs: string[] }[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  // Runs after the contract's own afterEach has closed the case's miners.
  afterEach(async () => {
    for (const { page, logs } of pages) {
      expect(logs, 'the library logs nothing').toEqual([]);
      await expect.poll(() => page.workers().length, { timeout: 2000, message: 'workers left after close()' }).toBe(0);
    }
  });

  for (const isolation of [false, true]) {
    describeMinerContract(`Miner contract: Chromium${isolation ? ', cross-origin isolated' : ''}`, async () => {
      const server = await serveLib({ isolation });
      const context = await browser.newContext();
      const page = await context.newPage();
      const watched = { page, logs: [] as string[] };
      page.on('console', (m) => watched.logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => watched.logs.push(`pageerror: ${e.message}`));
      await page.goto(server.url);
      await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 10_000 });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolation);
      pages.push(watched);
      const driver = await browserDriver(isolation ? 'Chromium (isolated)' : 'Chromium', page);
      return {
        ...driver,
        dispose: async () => {
          pages.splice(pages.indexOf(watched), 1);
          await context.close();
          await server.close();
        },
      };
    });
  }
});
