// The three browser engines behind one small interface, for the cross-engine
// tests and `npm run bench:web`: Debian's Chromium through playwright-core,
// Firefox ESR through puppeteer-core over WebDriver BiDi (Firefox speaks it
// itself: no driver binary), and WebKitGTK's MiniBrowser through
// WebKitWebDriver (classic WebDriver over HTTP, a few commands spoken here with
// fetch) on a virtual X display from xvfb-run. Every engine is the one a Debian
// package installs; none is downloaded by a test tool.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where Debian's packages put each engine (`.ci/run` installs the missing ones). */
export const ENGINE_PATHS = {
  chromium: '/usr/bin/chromium',
  firefox: '/usr/bin/firefox-esr',
  webkit: '/usr/bin/WebKitWebDriver',
};
/** WebKitGTK's small browser, the one WebKitWebDriver drives. */
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
/** The Debian packages that hold each engine. */
export const ENGINE_PACKAGES = {
  chromium: ['chromium'],
  firefox: ['firefox-esr'],
  webkit: ['webkit2gtk-driver', 'xvfb', 'xauth'],
};
/** Every engine, in the order suites run them. */
export const ENGINE_NAMES = ['chromium', 'firefox', 'webkit'];

/** The flags the project runs Chromium with: headless, no sandbox (root in CI), nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];

/**
 * Chromium with WebGPU on SwiftShader's software Vulkan: an adapter on any machine (vendor
 * "google", architecture "swiftshader"), for correctness; its rate says nothing of a real GPU.
 */
export const CHROMIUM_WEBGPU_ARGS = [
  ...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu'),
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader',
];

/** Whether `engine` is installed here (for WebKit: its driver, MiniBrowser and xvfb-run). */
export function hasEngine(engine) {
  if (engine === 'webkit') return [ENGINE_PATHS.webkit, MINIBROWSER, '/usr/bin/xvfb-run', '/usr/bin/xauth'].every((p) => existsSync(p));
  return existsSync(ENGINE_PATHS[engine]);
}

/** The engines installed here, in {@link ENGINE_NAMES} order. */
export function installedEngines() {
  return ENGINE_NAMES.filter(hasEngine);
}

/**
 * Launch `engine`. Options: `jscSharedArrayBuffer` (WebKit only) turns on
 * JavaScriptCore's SharedArrayBuffer, which WebKitGTK leaves off even on a
 * cross-origin isolated page while Safari turns it on there: the shared path
 * as Safari users get it; `webgpu` (Chromium only) launches it with
 * {@link CHROMIUM_WEBGPU_ARGS}.
 */
export async function launchEngine(engine, options = {}) {
  if (!hasEngine(engine)) throw new Error(`${engine} is not installed (apt-get install -y ${ENGINE_PACKAGES[engine].join(' ')})`);
  if (engine === 'chromium') return launchChromium(options.webgpu ? CHROMIUM_WEBGPU_ARGS : CHROMIUM_ARGS);
  if (engine === 'firefox') return launchFirefox();
  if (engine === 'webkit') return launchWebKit(options);
  throw new Error(`unknown engine ${JSON.stringify(engine)}: one of ${ENGINE_NAMES.join(', ')}`);
}

/** The page of a fresh playwright or puppeteer context (their `goto` and `evaluate` agree); closing it closes the context. */
async function contextPage(context) {
  const page = await context.newPage();
  return {
    goto: async (url) => { await page.goto(url); },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    close: () => context.close(),
  };
}

async function launchChromium(args) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: ENGINE_PATHS.chromium, args });
  return {
    engine: 'chromium',
    label: `Chromium ${browser.version()}`,
    async newPage() {
      return contextPage(await browser.newContext());
    },
    close: () => browser.close(),
  };
}

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: ENGINE_PATHS.firefox, headless: true,
    // No update checks, telemetry or other background connections on a closed network.
    extraPrefsFirefox: { 'app.update.enabled': false, 'network.captive-portal-service.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false },
  });
  const version = (await browser.version()).replace(/^firefox\//, '');
  return {
    engine: 'firefox',
    label: `Firefox ${version}`,
    async newPage() {
      // A fresh context per page, as in Chromium: no storage shared between pages.
      return contextPage(await browser.createBrowserContext());
    },
    close: () => browser.close(),
  };
}

/** A free TCP port on loopback. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** WebKitWebDriver's answer to one command; its `error` as an Error. */
async function webdriver(base, method, path, body) {
  const response = await fetch(base + path, {
    method, headers: { 'content-type': 'application/json; charset=utf-8' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const { value } = await response.json();
  if (value && typeof value === 'object' && 'error' in value) throw new Error(`WebKitWebDriver ${method} ${path}: ${value.error}: ${value.message}`);
  return value;
}

async function launchWebKit(options) {
  const port = await freePort();
  const env = { ...process.env };
  if (options.jscSharedArrayBuffer) env.JSC_useSharedArrayBuffer = '1';
  // Its own process group, so that closing ends xvfb-run, Xvfb, the driver and MiniBrowser together.
  const driver = spawn('xvfb-run', ['-a', ENGINE_PATHS.webkit, `--port=${port}`], { stdio: 'ignore', detached: true, env });
  const base = `http://127.0.0.1:${port}`;
  let ready;
  for (const end = performance.now() + 20_000; performance.now() < end;) {
    if (driver.exitCode !== null) break;
    ready = await webdriver(base, 'GET', '/status').then((v) => v?.ready === true, () => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const kill = () => { try { process.kill(-driver.pid, 'SIGKILL'); } catch { /* already gone */ } };
  if (!ready) {
    kill();
    throw new Error(`WebKitWebDriver did not answer on port ${port} within 20 s (exit code ${driver.exitCode})`);
  }
  let version = '';
  /** Sessions open now; closing the browser ends them. */
  const sessions = new Set();
  const browser = {
    engine: 'webkit',
    get label() { return `WebKitGTK ${version}`; },
    async newPage() {
      const { sessionId, capabilities } = await webdriver(base, 'POST', '/session', {
        capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
      });
      version = capabilities.browserVersion;
      const session = `/session/${sessionId}`;
      sessions.add(session);
      // Long sweeps are awaited in one script; the page's own timeouts bound them.
      await webdriver(base, 'POST', `${session}/timeouts`, { script: 600_000, pageLoad: 60_000 });
      return {
        goto: async (url) => { await webdriver(base, 'POST', `${session}/url`, { url }); },
        async evaluate(fn, arg) {
          // The function travels as source, as playwright and puppeteer send it; its result and errors come back as JSON.
          const script = `const done = arguments[1];
            Promise.resolve().then(() => (${fn.toString()})(arguments[0]))
              .then((value) => done({ value: value === undefined ? null : value }), (e) => done({ error: String(e && e.stack || e) }));`;
          const result = await webdriver(base, 'POST', `${session}/execute/async`, { script, args: [arg === undefined ? null : arg] });
          if (result && 'error' in result) throw new Error(`in WebKit: ${result.error}`);
          return result?.value ?? undefined;
        },
        async close() {
          if (!sessions.delete(session)) return;
          await webdriver(base, 'DELETE', session).catch(() => {});
        },
      };
    },
    async close() {
      await Promise.all([...sessions].map((s) => webdriver(base, 'DELETE', s).catch(() => {})));
      sessions.clear();
      kill();
    },
  };
  return browser;
}

/** Milliseconds one in-page wait may last before the driver asks again (under every driver's script timeout). */
const WAIT_SLICE_MS = 60_000;

/**
 * Poll `fn(arg)` every `pollMs` inside the page until it returns a truthy value;
 * that value, or an error naming `what` after `timeoutMs`. The polling runs in the
 * page, not over the driver: a driver round trip per poll costs WebKit's main
 * thread enough to slow the page it measures.
 */
export async function waitInPage(page, what, fn, arg, timeoutMs = 30_000, pollMs = 25) {
  // Built here and sent as source, the way every driver sends a function: the page's CSP does not apply.
  const poll = new Function('a', `const check = (${fn.toString()});
    const end = performance.now() + a.slice;
    return (async () => {
      for (;;) {
        const value = await check(a.arg);
        if (value) return value;
        if (performance.now() > end) return null;
        await new Promise((r) => setTimeout(r, a.poll));
      }
    })();`);
  const end = performance.now() + timeoutMs;
  for (;;) {
    const slice = Math.max(0, Math.min(WAIT_SLICE_MS, end - performance.now()));
    const value = await page.evaluate(poll, { arg: arg === undefined ? null : arg, slice, poll: pollMs });
    if (value) return value;
    if (performance.now() >= end) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
  }
}
