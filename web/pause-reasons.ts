/**
 * Why the running job is paused. The user's Pause and the two automatic pauses
 * (a hidden tab, a device on battery) each hold a reason; the Miner stays
 * paused while any reason holds. A setting lifts only its own reason, so a
 * user's Pause outlasts the tab coming back, while the user's Resume lifts
 * them all.
 * @module
 */

/** Who paused: the Pause button, the hidden-tab setting or the battery setting. */
export type PauseReason = 'button' | 'hidden' | 'battery';

/** How each reason reads in the badge, the activity log and the message. */
export const PAUSE_WORDS: Record<PauseReason, { paused: string; resumed: string; message: string }> = {
  button: {
    paused: 'button',
    resumed: 'button',
    message: 'Paused: no worker hashes until Resume, and the search keeps its place, so the answer is the same lowest valid nonce. Stop ends the job.',
  },
  hidden: {
    paused: 'tab hidden',
    resumed: 'tab visible again',
    message: 'Paused because this tab is hidden ("while this tab is hidden" is on): mining goes on when the tab is shown again, from where it stopped. Resume goes on now; Stop ends the job.',
  },
  battery: {
    paused: 'on battery',
    resumed: 'charging again',
    message: 'Paused because this device runs on battery ("while on battery power" is on): mining goes on when the charger is connected, from where it stopped. Resume goes on now; Stop ends the job.',
  },
};

/** The reasons one job is paused for. */
export class PauseReasons {
  readonly #held = new Set<PauseReason>();

  /** Hold `reason`; true when that starts a pause (no reason held before). */
  hold(reason: PauseReason): boolean {
    const starts = this.#held.size === 0;
    this.#held.add(reason);
    return starts;
  }

  /** Lift `reason`; true when that ends the pause (it was held and no other reason is). */
  lift(reason: PauseReason): boolean {
    return this.#held.delete(reason) && this.#held.size === 0;
  }

  /** Lift every reason (the user's Resume, the end of the job); true when that ends a pause. */
  clear(): boolean {
    const ends = this.#held.size > 0;
    this.#held.clear();
    return ends;
  }

  /** Whether any reason holds. */
  get paused(): boolean {
    return this.#held.size > 0;
  }

  /** The reasons held, in the order they were taken. */
  get held(): PauseReason[] {
    return [...this.#held];
  }

  /** The badge while paused: `Paused`, or `Paused (tab hidden)` when a setting holds it. */
  badge(): string {
    const automatic = this.held.filter((r) => r !== 'button').map((r) => PAUSE_WORDS[r].paused);
    return automatic.length ? `Paused (${automatic.join(', ')})` : 'Paused';
  }
}
