/**
 * How each state of the page shows: the badge's word and the tab title, so
 * that a background tab tells at a glance whether it mines (and how far and
 * how fast), waits, or has an answer.
 * @module
 */
import { formatPercent, formatRate } from './format.ts';

/** The page's states, as `document.body.dataset.state`. */
export type PageState = 'idle' | 'mining' | 'paused' | 'stopped' | 'found' | 'exhausted' | 'error';

/** The badge's word for each state. */
export const BADGE: Record<PageState, string> = {
  idle: 'Idle', mining: 'Mining…', paused: 'Paused', stopped: 'Stopped', found: 'Found', exhausted: 'Exhausted', error: 'Error',
};

/** What the title shows while mining: the share of the range searched and the rate, once measured. */
export interface TitleFigures {
  /** 0 to 1: the progress bar's fraction. */
  fraction?: number;
  /** Hashes per second over the last seconds. */
  rate?: number;
}

/**
 * The tab title for `state`: `⛏ 12 % · 4.41 Mh/s · base` while mining,
 * `⏸ Paused · base`, `✓ Found · base` (shown only after the hit was verified),
 * `Exhausted · base`, `Error · base`, and `base` alone when idle or stopped.
 */
export function tabTitle(base: string, state: PageState, figures: TitleFigures = {}): string {
  switch (state) {
    case 'mining': {
      const parts = [`⛏ ${formatPercent(figures.fraction ?? 0)}`];
      if (figures.rate !== undefined) parts.push(formatRate(figures.rate));
      return [...parts, base].join(' · ');
    }
    case 'paused': return `⏸ Paused · ${base}`;
    case 'found': return `✓ Found · ${base}`;
    case 'exhausted': return `Exhausted · ${base}`;
    case 'error': return `Error · ${base}`;
    default: return base;
  }
}
