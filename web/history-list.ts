/**
 * The "Recent results" card: the kept results, newest first, each with its
 * response line and where it came from.
 * @module
 */
import { formatCount } from './format.ts';
import type { SavedResult } from './history.ts';

/** The card's parts. */
export interface HistoryCard {
  list: HTMLOListElement;
  /** Shown while nothing is kept. */
  empty: HTMLElement;
  /** "Forget these results", shown while something is kept. */
  clear: HTMLElement;
}

/** Show `results` in the card. */
export function renderHistory(card: HistoryCard, results: readonly SavedResult[]): void {
  card.list.replaceChildren(...results.map((r) => {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = r.response;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const when = new Date(r.at);
    const range = `${formatCount(BigInt(r.start))} + ${formatCount(BigInt(r.count))}`;
    meta.textContent = `${Number.isNaN(when.getTime()) ? r.at : when.toLocaleString()} · job ${r.preimage_hex.slice(0, 12)}… · width ${r.nonce_width} · range ${range}${r.verified_with ? ` · verified with ${r.verified_with}` : ''}`;
    li.append(code, meta);
    return li;
  }));
  card.empty.hidden = results.length > 0;
  card.clear.hidden = results.length === 0;
}
