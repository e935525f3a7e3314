/**
 * The activity log on the page: an `<ol>` of
 * `<li><time datetime="ISO">HH:MM:SS</time> <span>event</span></li>`, oldest
 * first, following the model's entries (web/activity-log.ts).
 * @module
 */
import type { LogEntry } from './activity-log.ts';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** Shows a log's entries, adding only the new ones. */
export class LogView {
  readonly #list: HTMLOListElement;
  readonly #empty: HTMLElement;
  #shown: readonly LogEntry[] = [];

  /**
   * @param list - where the entries show.
   * @param empty - shown while the log is empty.
   */
  constructor(list: HTMLOListElement, empty: HTMLElement) {
    this.#list = list;
    this.#empty = empty;
  }

  /** Show `entries`: the new ones are appended, the ones dropped from the front removed. */
  show(entries: readonly LogEntry[]): void {
    if (entries === this.#shown) return;
    const last = this.#shown.at(-1)?.seq ?? 0;
    const added = entries.filter((e) => e.seq > last);
    this.#shown = entries;
    for (const entry of added) this.#list.append(render(entry));
    while (this.#list.childElementCount > entries.length) this.#list.firstElementChild?.remove();
    this.#empty.hidden = entries.length > 0;
    if (added.length > 0) this.#list.scrollTop = this.#list.scrollHeight; // the newest in view
  }
}

function render(entry: LogEntry): HTMLLIElement {
  const li = document.createElement('li');
  if (entry.tone) li.className = entry.tone;
  const time = document.createElement('time');
  time.dateTime = entry.at.toISOString();
  time.textContent = clock.format(entry.at);
  const text = document.createElement('span');
  text.textContent = entry.text;
  li.append(time, ' ', text);
  return li;
}
