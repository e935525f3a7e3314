/**
 * The page's activity log: timestamped events (a job started, threads changed,
 * paused and resumed with the reason, found and verified, exhausted, stopped,
 * errors), the last 100 kept, oldest dropped first, and the same log as plain
 * text for the Copy button (a bug report, a note of when a hit came). Text
 * only: web/log-view.ts shows it.
 * @module
 */

/** One event. */
export interface LogEntry {
  /** Numbers the events of one log in order, so a view can tell which it has not shown yet. */
  readonly seq: number;
  readonly at: Date;
  readonly text: string;
  /** Errors show in the error colour. */
  readonly tone: '' | 'error';
}

/** Events kept: older ones are dropped. */
export const LOG_KEEP = 100;

/** The log's entries, oldest first. */
export class ActivityLog {
  readonly #keep: number;
  readonly #clock: () => Date;
  #entries: readonly LogEntry[] = [];
  #seq = 0;

  /**
   * @param clock - the time of an event (tests pass a fixed one).
   * @param keep - how many entries to keep.
   */
  constructor(clock: () => Date = () => new Date(), keep = LOG_KEEP) {
    this.#clock = clock;
    this.#keep = keep;
  }

  /** Add an event, now; the oldest goes once there are more than `keep`. */
  add(text: string, tone: LogEntry['tone'] = ''): void {
    const entry: LogEntry = { seq: ++this.#seq, at: this.#clock(), text, tone };
    // A new array each time: a view compares identities to see a change.
    this.#entries = [...this.#entries, entry].slice(-this.#keep);
  }

  /** The entries kept, oldest first (a new array after every change). */
  get entries(): readonly LogEntry[] {
    return this.#entries;
  }

  /** The log as plain text, oldest first: one line per event, its ISO time, two spaces, the event. */
  text(): string {
    return this.#entries.map((e) => `${e.at.toISOString()}  ${e.text}`).join('\n');
  }
}
