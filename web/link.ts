/**
 * Shareable links: `index.html#job=<encodeURIComponent(request JSON)>&threads=N
 * &start=S&count=C&backend=auto|webgpu|wasm&autostart=1` (all but `job`
 * optional). The fragment never reaches a server, so a job in a link is not
 * sent anywhere.
 * @module
 */
import type { BackendChoice } from '../src/gpu/backend-choice.ts';
import { isBackendChoice } from './backend-control.ts';

/** What a link asks for. Absent fields are undefined. */
export interface LinkParams {
  /** The request JSON, as text (parsed later by the core, which reports its errors). */
  job?: string;
  threads?: string;
  start?: string;
  count?: string;
  /** What hashes, for this visit (not remembered). */
  backend?: BackendChoice;
  /** `autostart=1`: start mining on load. */
  autostart: boolean;
  /** Test switch `scalar=1`: refuse SIMD in the build choice, as an engine without it would. */
  scalar: boolean;
}

/** A link whose fragment cannot be read. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
}

const KNOWN = new Set(['job', 'threads', 'start', 'count', 'backend', 'autostart', 'scalar']);

/**
 * Read a location fragment (with or without the leading `#`). Values are
 * percent-decoded with `decodeURIComponent` only (a `+` stays a `+`).
 * @throws LinkError for broken percent-encoding or an unknown `backend`.
 */
export function parseLink(hash: string): LinkParams {
  const out: LinkParams = { autostart: false, scalar: false };
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    if (!KNOWN.has(key)) continue;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      throw new LinkError(`the link's "${key}" value is not valid percent-encoding (build it with encodeURIComponent)`);
    }
    if (key === 'backend') {
      if (!isBackendChoice(value)) throw new LinkError(`the link's backend must be auto, webgpu or wasm, got ${JSON.stringify(value)}`);
      out.backend = value;
    } else if (key === 'autostart') out.autostart = value === '1' || value === 'true';
    else if (key === 'scalar') out.scalar = value === '1' || value === 'true';
    else out[key as 'job' | 'threads' | 'start' | 'count'] = value;
  }
  return out;
}

/** Build a fragment (with `#`) from the given fields, in the documented order. */
export function buildLink(params: Partial<LinkParams>): string {
  const parts: string[] = [];
  if (params.job !== undefined) parts.push(`job=${encodeURIComponent(params.job)}`);
  for (const key of ['threads', 'start', 'count', 'backend'] as const) {
    const v = params[key];
    if (v !== undefined && v !== '') parts.push(`${key}=${encodeURIComponent(v)}`);
  }
  if (params.autostart) parts.push('autostart=1');
  return '#' + parts.join('&');
}
