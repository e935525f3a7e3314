/**
 * The page's throttle slider: the share of each worker's time spent hashing
 * (1 to 100 %), applied to the Miner at once, while mining too, and
 * remembered in `localStorage` like the automatic pauses.
 * @module
 */
import { parseThrottleText } from '../src/core/range.ts';
import { readKey, storage, writeKey } from './store.ts';

const KEY = 'dmint-miner:throttle';

/** The slider and its read-out. */
export class ThrottleControl {
  readonly #input: HTMLInputElement;
  readonly #output: HTMLOutputElement;
  #percent: number;

  /**
   * @param onChange - called when the user lets go of the slider at a new value, with the old and the new percent.
   */
  constructor(input: HTMLInputElement, output: HTMLOutputElement, onChange: (from: number, to: number) => void) {
    this.#input = input;
    this.#output = output;
    this.#percent = parseThrottleText(readKey(storage(), KEY)) ?? 100; // nothing kept: full speed
    this.#show(this.#percent);
    // The read-out follows the drag; the Miner changes once, when the slider is let go.
    input.addEventListener('input', () => this.#show(parseThrottleText(input.value) ?? this.#percent));
    input.addEventListener('change', () => {
      const to = parseThrottleText(input.value);
      if (to === undefined || to === this.#percent) return this.#show(this.#percent);
      const from = this.#percent;
      this.#percent = to;
      this.#show(to);
      writeKey(storage(), KEY, to === 100 ? null : String(to));
      onChange(from, to);
    });
  }

  /** The percent in effect. */
  get percent(): number {
    return this.#percent;
  }

  #show(percent: number): void {
    this.#input.value = String(percent);
    this.#output.value = `${percent} %`;
    document.body.dataset.throttle = String(percent);
  }
}
