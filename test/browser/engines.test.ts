// The browser suite every engine but Chromium runs (test/browser/engine-suite.ts), in the
// engines as a user installs them: Firefox ESR over WebDriver BiDi and WebKitGTK through
// WebKitWebDriver. WebKitGTK with JavaScriptCore's SharedArrayBuffer forced on, a setting no
// browser ships with, runs in npm run test:long (test/long/engines.long.test.ts); the shared
// path itself runs here in Firefox and in Chromium's suites.
import { FIREFOX, WEBKIT, engineSuite } from './engine-suite.ts';

for (const variant of [FIREFOX, WEBKIT]) engineSuite(variant);
