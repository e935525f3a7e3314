/**
 * The page's activity log: timestamped events (a job started, threads changed,
 * paused and resumed with the reason, found and verified, exhausted, stopped,
 * errors), the last 100 kept, oldest dropped first, and the same log as plain
 * text for the Copy button (a bug report, a note of when a hit came).
 * @module
 */

/** One event. */
export interface LogEntry {
  readonly at: Date;
  readonly text: string;
  /** Errors show in the error colour. */
  readonly tone: '' | 'error';
}

/** Events kept: older ones are dropped. */
export const LOG_KEEP = 100;

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** The log, shown as an `<ol>` of `<li><time datetime="ISO">HH:MM:SS</time> <span>event</span></li>`, oldest first. */
export class ActivityLog {
  readonly #list: HTMLOListElement;
  readonly #empty: HTMLElement;
  readonly #keep: number;
  readonly #entries: LogEntry[] = [];

  /**
   * @param list - where the entries show.
   * @param empty - shown while the log is empty.
   * @param keep - how many entries to keep.
   */
  constructor(list: HTMLOListElement, empty: HTMLElement, keep = LOG_KEEP) {
    this.#list = list;
    this.#empty = empty;
    this.#keep = keep;
  }

  /** Add an event, now; the oldest goes once there are more than `keep`. */
  add(text: string, tone: LogEntry['tone'] = ''): void {
    const entry: LogEntry = { at: new Date(), text, tone };
    this.#entries.push(entry);
    this.#list.append(this.#render(entry));
    while (this.#entries.length > this.#keep) {
      this.#entries.shift();
      this.#list.firstElementChild?.remove();
    }
    this.#empty.hidden = true;
    this.#list.scrollTop = this.#list.scrollHeight; // the newest in view
  }

  /** The entries kept, oldest first. */
  get entries(): readonly LogEntry[] {
    return this.#entries;
  }

  /** The log as plain text, oldest first: one line per event, its ISO time, two spaces, the event. */
  text(): string {
    return this.#entries.map((e) => `${e.at.toISOString()}  ${e.text}`).join('\n');
  }

  #render(entry: LogEntry): HTMLLIElement {
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
}
