// The browser suite of the other engines (test/browser/engine-suite.ts) in WebKitGTK with
// JavaScriptCore's SharedArrayBuffer on: the shared-memory path in JavaScriptCore, as Safari
// offers it on isolated pages. npm test runs Firefox ESR and WebKitGTK as installed.
import { WEBKIT_SHARED, engineSuite } from '../browser/engine-suite.ts';

engineSuite(WEBKIT_SHARED);
