// Types of scripts/engines.mjs, for the TypeScript tests that import it.

/** A browser engine the project tests and measures. */
export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** One page (a fresh context: no storage shared with other pages). */
export interface EnginePage {
  /** Navigate and wait for the load event. */
  goto(url: string): Promise<void>;
  /** Run `fn(arg)` in the page (sent as source; the page's CSP does not apply) and return its JSON-able result. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  close(): Promise<void>;
}

/** A launched engine. */
export interface EngineBrowser {
  readonly engine: EngineName;
  /** Name and version, e.g. `Firefox 153.8.0esr` (WebKit's version is known after the first page). */
  readonly label: string;
  newPage(): Promise<EnginePage>;
  close(): Promise<void>;
}

/** Options of {@link launchEngine}. */
export interface LaunchOptions {
  /** WebKit only: turn on JavaScriptCore's SharedArrayBuffer, as Safari has it on isolated pages. */
  jscSharedArrayBuffer?: boolean;
  /** Chromium only: WebGPU on SwiftShader's software adapter ({@link CHROMIUM_WEBGPU_ARGS}). */
  webgpu?: boolean;
}

export const ENGINE_PATHS: Record<EngineName, string>;
export const ENGINE_PACKAGES: Record<EngineName, string[]>;
export const ENGINE_NAMES: EngineName[];
export const CHROMIUM_ARGS: string[];
export const CHROMIUM_WEBGPU_ARGS: string[];
export function hasEngine(engine: EngineName): boolean;
export function installedEngines(): EngineName[];
export function launchEngine(engine: EngineName, options?: LaunchOptions): Promise<EngineBrowser>;
export function waitInPage<A, R>(page: EnginePage, what: string, fn: (arg: A) => R | Promise<R>, arg?: A, timeoutMs?: number, pollMs?: number): Promise<R>;
