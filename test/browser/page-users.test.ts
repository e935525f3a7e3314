// The mining page's features for everyday users, in Debian's Chromium served by
// the real scripts/serve-web.mjs (strict CSP; with and without isolation): the
// automatic pauses (hidden tab, battery), the tab title, the default thread
// count, the difficulty and the worth of a hit, the activity log, and the
// request checked as it is typed.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate, rangeHitProbability } from '../../src/core/estimate.ts';
import { parseRequest } from '../../src/core/request.ts';
import { formatDuration, formatPercent, formatRate } from '../../web/format.ts';
import { LOG_KEEP } from '../../web/activity-log.ts';
import { until, type MachineTime } from '../support/budgets.ts';
import {
  PageSet, attempts, fillJob, jobLink, launchChromium, expectStill, measureInBrowser, quietMs, serveWeb, strayActivity, text, untilSettled, waitForState,
  type WatchedPage, type WebServer,
} from '../support/browser.ts';
import { needs } from '../support/skips.ts';
import { vectorById as vector, vectorRequest as request } from '../support/vectors.ts';

const TITLE = 'dMint miner';
/** A job that only Stop ends: nothing in the V1 space meets target 1. */
const ENDLESS = request('gen-w4-8403', '0000000000000001');
/** What the core says about a request, as the page should show it. */
const coreMessage = (json: string) => {
  try {
    parseRequest(json);
  } catch (err) {
    return `Bad request: ${(err as Error).message}.`;
  }
  throw new Error('the request parses');
};

const state = (page: Page) => page.evaluate(() => document.body.dataset.state ?? '');
const pausedFor = (page: Page) => page.evaluate(() => document.body.dataset.pausedFor ?? '');
/** The activity log as shown, oldest first. */
const logShown = (page: Page) => page.locator('#activity-log li span').allTextContents();

/** Make the document report `hidden` or `visible`, as a switch to another tab does, and say so with the real event. */
async function setVisibility(page: Page, visibility: 'hidden' | 'visible'): Promise<void> {
  await page.evaluate((v) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => v === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, visibility);
}

/** Once the batches in flight have ended and a report has shown them (awaited), nothing moves until the next report. */
async function expectFrozen(page: Page): Promise<void> {
  await expectStill(page, await untilSettled(page));
}

/** The attempts shown grow past what they are now. */
async function expectGrowing(page: Page): Promise<void> {
  const now = await attempts(page);
  await until(async () => (await attempts(page)) > now, 'the attempts shown grow');
}

describe('the mining page for users, in Chromium', needs('chromium'), () => {
  let pages: PageSet;
  let isolated: WebServer;
  let plain: WebServer;
  /** This Chromium's workers now: how long a pause is watched for hashing that should not happen. */
  let t: MachineTime;

  beforeAll(async () => {
    [isolated, plain, pages] = await Promise.all([serveWeb(), serveWeb(['--no-isolation']), launchChromium().then((b) => new PageSet(b))]);
    t = await measureInBrowser(pages);
  });

  afterAll(async () => {
    await pages?.closeAll();
    await Promise.all([isolated, plain].map((s) => s?.close()));
  });

  const page = (options?: Parameters<PageSet['page']>[0]) => pages.page(options);
  // Cases that time nothing run concurrently (it.concurrent, each in its own context): their
  // waits for pages and workers overlap. The pauses are watched report by report, not timed;
  // the throttle, measured over a window, runs alone.
  const expectClean = (p: WatchedPage, server: WebServer) => expect(strayActivity(p, server)).toEqual([]);

  it.concurrent('pauses while the tab is hidden when asked to, resumes only its own pause, and remembers the setting', async () => {
    const p = await page();
    await p.page.goto(jobLink(plain.url, ENDLESS, { threads: 2 }));
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    expect(await p.page.isChecked('#pause-hidden')).toBe(false);

    // Off (the default): a hidden tab mines on.
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await setVisibility(p.page, 'hidden');
    await expectGrowing(p.page);
    expect(await state(p.page)).toBe('mining');
    await setVisibility(p.page, 'visible');

    // On, while mining: hidden pauses, visible resumes.
    await p.page.check('#pause-hidden');
    await setVisibility(p.page, 'hidden');
    expect(await state(p.page)).toBe('paused');
    expect(await pausedFor(p.page)).toBe('hidden');
    expect(await text(p.page, '#state-badge')).toBe('Paused (tab hidden)');
    expect(await text(p.page, '#message')).toContain('this tab is hidden');
    await expectFrozen(p.page);
    await setVisibility(p.page, 'visible');
    expect(await state(p.page)).toBe('mining');
    await expectGrowing(p.page);

    // The user's own Pause outlasts the tab coming back.
    await p.page.click('#pause-btn');
    await setVisibility(p.page, 'hidden');
    expect(await pausedFor(p.page)).toBe('button hidden');
    await setVisibility(p.page, 'visible');
    expect(await state(p.page)).toBe('paused');
    expect(await pausedFor(p.page)).toBe('button');
    expect(await text(p.page, '#state-badge')).toBe('Paused');
    await expectFrozen(p.page);
    await p.page.click('#pause-btn');
    expect(await state(p.page)).toBe('mining');
    await expectGrowing(p.page);
    expect(await logShown(p.page)).toEqual([
      expect.stringMatching(/^Started: /),
      'Paused (tab hidden)', 'Resumed (tab visible again)', 'Paused (button)', 'Resumed (button)',
    ]);
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');

    // Remembered: after a reload the box is checked, and the setting still applies.
    await p.page.reload();
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    expect(await p.page.isChecked('#pause-hidden')).toBe(true);
    expect(await p.page.evaluate(() => localStorage.getItem('dmint-miner:pause-hidden'))).toBe('on');
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await setVisibility(p.page, 'hidden');
    expect(await pausedFor(p.page)).toBe('hidden');
    await setVisibility(p.page, 'visible');
    await expectGrowing(p.page);
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
    expectClean(p, plain);
  });

  /** A battery the test plugs and unplugs: the part of BatteryManager the page reads. */
  async function stubBattery(p: WatchedPage): Promise<void> {
    await p.page.addInitScript(() => {
      let charging = true;
      const battery = new EventTarget();
      Object.defineProperty(battery, 'charging', { get: () => charging });
      Object.defineProperty(Navigator.prototype, 'getBattery', { configurable: true, value: () => Promise.resolve(battery) });
      (window as unknown as { setCharging: (c: boolean) => void }).setCharging = (c: boolean) => {
        charging = c;
        battery.dispatchEvent(new Event('chargingchange'));
      };
    });
  }
  const setCharging = (page: Page, charging: boolean) =>
    page.evaluate((c) => (window as unknown as { setCharging: (c: boolean) => void }).setCharging(c), charging);

  it.concurrent('pauses on battery when asked to, resumes when charging only what it paused, and remembers the setting', async () => {
    const p = await page();
    await stubBattery(p);
    await p.page.goto(jobLink(isolated.url, ENDLESS, { threads: 2 }));
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    expect(await p.page.isEnabled('#pause-battery')).toBe(true);
    expect(await text(p.page, '#battery-note')).toBe('On mains power now.');
    await p.page.check('#pause-battery');
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await expectGrowing(p.page);

    await setCharging(p.page, false);
    expect(await state(p.page)).toBe('paused');
    expect(await pausedFor(p.page)).toBe('battery');
    expect(await text(p.page, '#state-badge')).toBe('Paused (on battery)');
    expect(await text(p.page, '#battery-note')).toBe('On battery power now.');
    await expectFrozen(p.page);
    await setCharging(p.page, true);
    expect(await state(p.page)).toBe('mining');
    await expectGrowing(p.page);

    // The user's Resume overrides it; plugging in later resumes nothing and pauses nothing.
    await setCharging(p.page, false);
    expect(await state(p.page)).toBe('paused');
    await p.page.click('#pause-btn');
    expect(await state(p.page)).toBe('mining');
    await setCharging(p.page, true);
    expect(await state(p.page)).toBe('mining');
    // The user's Pause outlasts plugging in.
    await p.page.click('#pause-btn');
    await setCharging(p.page, false);
    await setCharging(p.page, true);
    expect(await state(p.page)).toBe('paused');
    expect(await pausedFor(p.page)).toBe('button');
    await expectFrozen(p.page);
    expect((await logShown(p.page)).slice(1)).toEqual([
      'Paused (on battery)', 'Resumed (charging again)', 'Paused (on battery)', 'Resumed (button)', 'Paused (button)',
    ]);
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');

    // Remembered across a reload; a job started on battery waits for the charger.
    await p.page.reload();
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    expect(await p.page.isChecked('#pause-battery')).toBe(true);
    await setCharging(p.page, false);
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['paused', 'mining', 'error'])).toBe('paused');
    expect(await pausedFor(p.page)).toBe('battery');
    await setCharging(p.page, true);
    expect(await state(p.page)).toBe('mining');
    await expectGrowing(p.page);
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
    expectClean(p, isolated);
  });

  it.concurrent('disables the battery setting with a note where the browser does not report the battery', async () => {
    const p = await page();
    await p.page.addInitScript(() => {
      localStorage.setItem('dmint-miner:pause-battery', 'on'); // chosen in another browser's days
      delete (Navigator.prototype as { getBattery?: unknown }).getBattery;
    });
    await p.page.goto(plain.url);
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    await until(async () => (await text(p.page, '#battery-note')) !== 'Checking the battery…', 'the battery check ends');
    expect(await p.page.evaluate(() => 'getBattery' in navigator)).toBe(false);
    expect(await p.page.isDisabled('#pause-battery')).toBe(true);
    expect(await p.page.isChecked('#pause-battery')).toBe(false);
    expect(await text(p.page, '#battery-note')).toBe('This browser does not report the battery, so this setting cannot apply here.');
    expect(await p.page.isEnabled('#pause-hidden')).toBe(true);
    expectClean(p, plain);
  });

  it.concurrent('tells the state in the tab title: progress and rate while mining, paused, found, exhausted, error, plain when idle or stopped', async () => {
    const p = await page();
    await p.page.goto(jobLink(isolated.url, ENDLESS, { threads: 2 }));
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    expect(await p.page.title()).toBe(TITLE);

    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await until(async () => /h\/s$/.test(await text(p.page, '#rate')), 'a rate is shown');
    // The title, the bar's percentage and the rate, read at one instant.
    const shown = await p.page.evaluate(() => [document.title, document.getElementById('progress-pct')!.textContent, document.getElementById('rate')!.textContent]);
    expect(shown[0]).toBe(`⛏ ${shown[1]} · ${shown[2]} · ${TITLE}`);
    expect(shown[0]).toMatch(/^⛏ [0-9.e-]+ % · [0-9.]+ [kMG]?h\/s · dMint miner$/);

    await p.page.click('#pause-btn');
    expect(await p.page.title()).toBe(`⏸ Paused · ${TITLE}`);
    await p.page.click('#pause-btn');
    expect(await p.page.title()).toMatch(/^⛏ /);
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
    expect(await p.page.title()).toBe(TITLE);

    const v = vector('gen-w4-506');
    await fillJob(p.page, { request: request('gen-w4-506'), start: v.nonce_int_le - 1000, count: 2000 });
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(await p.page.title()).toBe(`✓ Found · ${TITLE}`);

    await fillJob(p.page, { request: request('gen-w4-8403'), start: 0, count: 1000 });
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('exhausted');
    expect(await p.page.title()).toBe(`Exhausted · ${TITLE}`);

    await p.page.goto(jobLink(isolated.url, '{"preimage_hex":"ab"}', { autostart: 1 }));
    expect(await waitForState(p.page, ['error', 'mining'])).toBe('error');
    expect(await p.page.title()).toBe(`Error · ${TITLE}`);
    expectClean(p, isolated);
  });

  it.concurrent('defaults Threads to the cores the browser reports (at most 1024), and Start uses it', async () => {
    for (const [reported, threads] of [[3, 3], [2048, 1024]] as const) {
      const p = await page();
      await p.page.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { configurable: true, get: () => n }), reported);
      await p.page.goto(plain.url);
      expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
      expect(await p.page.evaluate(() => navigator.hardwareConcurrency)).toBe(reported);
      expect(await p.page.getAttribute('#threads', 'placeholder')).toBe(String(threads));
      expect(await p.page.inputValue('#threads')).toBe('');
      expect(await text(p.page, '#env-cores')).toBe(`${reported} logical cores reported`);
      expect(await text(p.page, '#env-workers')).toContain(`empty: ${threads}, one per core`);
      if (reported === 3) {
        // An empty field starts one worker per reported core.
        await p.page.fill('#request', ENDLESS);
        await p.page.click('#start-btn');
        expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
        expect(await text(p.page, '#message')).toContain('Mining on 3 workers');
        expect(await p.page.inputValue('#threads')).toBe('3');
        await until(async () => p.page.workers().length === 3, 'three workers run');
        await p.page.click('#stop-btn');
        expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
      }
      expectClean(p, plain);
      await p.close();
    }
  });

  it.concurrent('shows the difficulty, the chance that the range holds a hit and the time to one, as the core estimates them', async () => {
    const p = await page();
    await p.page.goto(plain.url);
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    const outlook = () => p.page.evaluate(() => ({
      difficulty: document.getElementById('difficulty')!.textContent,
      odds: document.getElementById('odds')!.textContent,
      label: document.getElementById('eta-label')!.textContent,
      eta: document.getElementById('eta')!.textContent,
      rate: document.getElementById('eta')!.dataset.rate,
    }));
    const odds = (chance: number) => `This range holds a valid nonce with probability ${formatPercent(chance)}; otherwise it ends exhausted, and the client changes the preimage.`;

    // Before Start, as typed. Difficulty 150 (the fixture's target) over the V1 space: doctor's sweep figure.
    const t150 = BigInt('0x00da740da740da74');
    await p.page.fill('#request', request('gen-w4-8403', '00da740da740da74'));
    expect(await outlook()).toEqual({ difficulty: '150', odds: odds(estimate(t150).v1SweepHitProbability), label: 'Expected time to a hit', eta: 'shown once a rate is measured', rate: undefined });
    expect((await outlook()).odds).toContain('probability 0.3 %');
    await p.page.fill('#count', '1000000');
    expect((await outlook()).odds).toBe(odds(rangeHitProbability(t150, 1_000_000)));
    await p.page.fill('#count', '');
    // Difficulty 1 (clamped from above the ceiling too): 39 % for a V1 sweep.
    for (const target of ['7fffffffffffffff', 'ffffffffffffffffffff']) {
      await p.page.fill('#request', request('gen-w4-8403', target));
      expect(await outlook()).toMatchObject({ difficulty: '1', odds: odds(estimate(2n ** 63n - 1n).v1SweepHitProbability) });
    }
    expect((await outlook()).odds).toContain('39 %');
    await p.page.fill('#request', request('gen-w8-1282'));
    expect((await outlook()).odds).toBe('A V2 space (2^64) never runs out: the bar shows attempts against the 90 % mark of the estimate.');

    // Mining at difficulty 150: the expected time to a hit at the rate measured, p50 and p90 from the core.
    await p.page.fill('#request', request('gen-w4-8403', '00da740da740da74'));
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    await until(async () => (await outlook()).rate !== undefined, 'a rate is measured');
    const q = estimate(t150).quantiles;
    const expectAtRate = (o: Awaited<ReturnType<typeof outlook>>) => {
      const rate = Number(o.rate);
      expect(rate).toBeGreaterThan(0);
      expect(o.label).toBe(`Expected time to a hit at ${formatRate(rate)}`);
      expect(o.eta).toBe(`p50 ${formatDuration(q.p50 / rate)} · p90 ${formatDuration(q.p90 / rate)}`);
    };
    const mining = await outlook();
    expectAtRate(mining);
    expect(mining.difficulty).toBe('150');
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
    // Between jobs the figures stay, at the last rate measured in this tab.
    expectAtRate(await outlook());
    expectClean(p, plain);
  });

  it.concurrent('logs a job that finds a hit: started, found, verified, in order', async () => {
    const v = vector('gen-w4-506');
    const p = await page();
    await p.page.goto(jobLink(isolated.url, request('gen-w4-506'), { threads: 2, start: v.nonce_int_le - 300_000, count: 600_000, autostart: 1 }));
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    const log = await logShown(p.page);
    expect(log).toEqual([
      `Started: nonces ${(v.nonce_int_le - 300_000).toLocaleString('en-US')} to ${(v.nonce_int_le + 299_999).toLocaleString('en-US')} on 2 workers, difficulty 1`,
      expect.stringMatching(new RegExp(`^Found nonce ${v.nonce_hex}, the lowest valid nonce of the range, after [0-9,]+ attempts in `)),
      expect.stringMatching(new RegExp(`^Verified nonce ${v.nonce_hex} with WebCrypto SHA-256, independently of the kernel: sha256d ${v.digest_hex.slice(0, 24)}…$`)),
    ]);
    // Every nonce up to the hit, and as in the Miner contract, perhaps a batch another worker hashed above it.
    expect(Number(/after ([0-9,]+) attempts/.exec(log[1])![1].replace(/,/g, ''))).toBeGreaterThanOrEqual(300_001);
    const times = await p.page.locator('#activity-log time').evaluateAll((els) => els.map((e) => Date.parse((e as HTMLTimeElement).dateTime)));
    expect(times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= times[i - 1]))).toBe(true);
    expectClean(p, isolated);
  });

  it.concurrent('keeps the last 100 events, and Copy puts the log on the clipboard as plain text', async () => {
    const p = await page({ permissions: ['clipboard-read', 'clipboard-write'] });
    await p.page.goto(jobLink(plain.url, ENDLESS, { threads: 2, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    // 150 presses of Pause/Resume: with the start, 151 events.
    await p.page.evaluate(() => {
      for (let i = 0; i < 150; i++) document.getElementById('pause-btn')!.click();
    });
    expect(await state(p.page)).toBe('mining');
    const shown = await logShown(p.page);
    expect(shown).toHaveLength(LOG_KEEP);
    // Events 0 (the start) to 50 were dropped: the oldest kept is press 51, a Pause.
    expect(shown.filter((t) => t.startsWith('Started'))).toEqual([]);
    expect(shown).toEqual(Array.from({ length: LOG_KEEP }, (_, i) => (i % 2 === 0 ? 'Paused (button)' : 'Resumed (button)')));

    await p.page.fill('#threads', '1');
    await p.page.press('#threads', 'Enter');
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
    expect((await logShown(p.page)).slice(-2)).toEqual(['Threads: 2 → 1', expect.stringMatching(/^Stopped after [0-9,]+ attempts$/)]);

    await p.page.click('#log-copy-btn');
    // The copy goes through the asynchronous clipboard API: the message follows once it is done.
    await until(async () => (await text(p.page, '#message')) === 'Activity log copied.', 'the copy is confirmed');
    expect(await text(p.page, '#message')).toBe('Activity log copied.');
    const copied = await p.page.evaluate(() => navigator.clipboard.readText());
    const lines = await p.page.locator('#activity-log li').evaluateAll((items) =>
      items.map((li) => `${li.querySelector('time')!.dateTime}  ${li.querySelector('span')!.textContent}`));
    expect(lines).toHaveLength(LOG_KEEP);
    expect(copied).toBe(lines.join('\n'));
    expect(copied.split('\n').at(-2)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}Threads: 2 → 1$/);
    expectClean(p, plain);
  });

  it.concurrent('checks the request and the range as they are typed, and enables Start only for a job that can start', async () => {
    const p = await page();
    await p.page.goto(isolated.url);
    expect(await waitForState(p.page, ['idle', 'error'])).toBe('idle');
    // Nothing typed: nothing to point out, nothing to start.
    expect(await p.page.isDisabled('#start-btn')).toBe(true);
    expect(await p.page.isHidden('#request-error')).toBe(true);

    const preimage = vector('gen-w4-506').preimage_hex;
    const bad = [
      JSON.stringify({ preimage_hex: preimage.slice(0, 126), target_hex: '7fffffffffffffff', nonce_width: 4 }),
      '{"preimage_hex": "ab", ',
      JSON.stringify({ preimage_hex: preimage, target_hex: '0', nonce_width: 4 }),
    ];
    const good = request('gen-w4-506');
    for (const json of bad) {
      await p.page.fill('#request', good);
      expect(await p.page.isEnabled('#start-btn')).toBe(true);
      await p.page.fill('#request', json);
      expect(await p.page.isDisabled('#start-btn'), json).toBe(true);
      expect(await p.page.isVisible('#request-error')).toBe(true);
      expect(await p.page.getAttribute('#request', 'aria-invalid')).toBe('true');
      const shown = await text(p.page, '#request-error');
      // Chromium's JSON.parse words a syntax error its own way; the core's part is the same.
      if (json.startsWith('{"preimage_hex": "ab"')) expect(shown).toMatch(/^Bad request: request is not valid JSON: .+\.$/);
      else expect(shown).toBe(coreMessage(json));
      expect(await state(p.page)).toBe('idle');
    }
    expect(await text(p.page, '#request-error')).toBe('Bad request: target_hex must be greater than zero, got "0".');

    // A bundled demo is valid: the problem goes and Start comes on.
    await p.page.selectOption('#demo', 'gen-w4-506');
    expect(await p.page.isHidden('#request-error')).toBe(true);
    expect(await p.page.getAttribute('#request', 'aria-invalid')).toBeNull();
    expect(await p.page.isEnabled('#start-btn')).toBe(true);

    // The range against the request's nonce space, under the range fields.
    const rangeCases: Array<[string, string, string, string]> = [
      ['start', 'abc', '', 'Start takes a decimal or 0x-hex unsigned integer, got "abc".'],
      ['count', '0', '0', 'Count must be at least 1.'],
      ['start', '0x100000000', '', 'Start 4294967296 is outside the 4-byte nonce space [0, 2^32).'],
      ['count', '4294967000', '1000', 'Start 4294967000 + count 1000 runs past the end of the 4-byte nonce space (2^32).'],
    ];
    for (const [field, start, count, message] of rangeCases) {
      await p.page.fill('#start', start);
      await p.page.fill('#count', count);
      expect(await text(p.page, '#range-error')).toBe(message);
      expect(await p.page.getAttribute(`#${field}`, 'aria-invalid')).toBe('true');
      expect(await p.page.isDisabled('#start-btn')).toBe(true);
    }
    const v = vector('gen-w4-506');
    await fillJob(p.page, { request: request('gen-w4-506'), start: v.nonce_int_le - 500, count: 1000 });
    expect(await p.page.isHidden('#range-error')).toBe(true);
    expect(await p.page.isEnabled('#start-btn')).toBe(true);
    await p.page.click('#start-btn');
    expect(await waitForState(p.page, ['found', 'exhausted', 'error'])).toBe('found');
    expect(JSON.parse(await text(p.page, '#result')).nonce_hex).toBe(v.nonce_hex);
    expectClean(p, isolated);
  });

  it('the throttle slider slows every worker at once while mining, is logged, and is remembered', async () => {
    // The page only hands the slider to the Miner: how a throttle slows each scheduling path is
    // the Miner contract's (test/contract/miner-contract.ts, isolated and not); one path here.
    const server = plain;
    const p = await page();
    await p.page.goto(jobLink(server.url, ENDLESS, { threads: 2, autostart: 1 }));
    expect(await waitForState(p.page, ['mining', 'error'])).toBe('mining');
    expect(await p.page.evaluate(() => document.body.dataset.throttle)).toBe('100');
    /** Nonces hashed by the workers over `ms`, from their own counters. */
    const hashedOver = async (ms: number): Promise<number> => {
      const total = () => Promise.all(p.page.workers().map((w) => w.evaluate(() => (globalThis as unknown as { dmintWorker: { hashed: number } }).dmintWorker.hashed)))
        .then((xs) => xs.reduce((a, b) => a + b, 0));
      // A worker's counter grows when a piece ends: at full speed many pieces end in `ms`.
      const before = await total();
      await p.page.waitForTimeout(ms);
      return (await total()) - before;
    };
    await until(async () => (await attempts(p.page)) > 1_000_000, 'both workers hash');
    // Two windows of the same length, each of several full-speed chunks at the rate measured;
    // the throttled one starts at once: a chunk begun at full speed counts against it, not for it.
    const windowMs = Math.max(1500, 2 * quietMs(t));
    const full = await hashedOver(windowMs);
    await p.page.locator('#throttle').fill('10');
    expect(await text(p.page, '#throttle-value')).toBe('10 %');
    expect(await p.page.evaluate(() => document.body.dataset.throttle)).toBe('10');
    const tenth = await hashedOver(windowMs);
    expect(tenth, `hashed at 10 % (${tenth}) against 100 % (${full})`).toBeLessThan(full / 2);
    expect(await state(p.page)).toBe('mining');
    expect(await logShown(p.page)).toContain('Throttle: 100 % → 10 %');
    await p.page.click('#stop-btn');
    expect(await waitForState(p.page, ['stopped', 'error'])).toBe('stopped');
    // Remembered: a new visit starts at 10 %, and the slider goes back to full speed.
    await p.page.reload();
    expect(await waitForState(p.page, ['idle', 'mining', 'error'])).not.toBe('error');
    expect([await p.page.locator('#throttle').inputValue(), await text(p.page, '#throttle-value')]).toEqual(['10', '10 %']);
    await p.page.locator('#throttle').fill('100');
    expect(await p.page.evaluate(() => localStorage.getItem('dmint-miner:throttle'))).toBeNull();
    expectClean(p, server);
  });
});
