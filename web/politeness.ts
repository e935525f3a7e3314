/**
 * The page's two opt-in automatic pauses: while the tab is hidden, and while
 * the device runs on battery where the browser reports it (the Battery Status
 * API, `navigator.getBattery()`). Each is a checkbox remembered in
 * `localStorage`, and each holds or lifts only its own pause reason: coming
 * back to the tab or plugging in resumes what that setting paused, never a
 * pause the user chose.
 * @module
 */
import { readKey, storage, writeKey } from './store.ts';

/** The pause reasons these settings own. */
export type AutoPause = 'hidden' | 'battery';

/** The page's controls for the settings. */
export interface PolitenessControls {
  /** "while this tab is hidden" */
  hidden: HTMLInputElement;
  /** "while on battery power" */
  battery: HTMLInputElement;
  /** What the battery setting can see: the power source now, or that the browser does not report it. */
  batteryNote: HTMLElement;
}

/** What the settings ask of the page. Both may be called with no job running; the page ignores them then. */
export interface PolitenessHooks {
  /** Pause the running job for `reason` (its condition holds and its setting is on). */
  hold(reason: AutoPause): void;
  /** Its condition ended or its setting was turned off: lift `reason`, resuming if nothing else holds. */
  lift(reason: AutoPause): void;
}

/** The part of the Battery Status API's `BatteryManager` the page reads. */
interface BatteryLike extends EventTarget {
  readonly charging: boolean;
}

const KEYS: Record<AutoPause, string> = { hidden: 'dmint-miner:pause-hidden', battery: 'dmint-miner:pause-battery' };

function loadSetting(reason: AutoPause): boolean {
  return readKey(storage(), KEYS[reason]) === 'on';
}

function saveSetting(reason: AutoPause, on: boolean): void {
  writeKey(storage(), KEYS[reason], on ? 'on' : null);
}

/** Watches the tab's visibility and the battery, and turns them into pause reasons. */
export class Politeness {
  readonly #controls: PolitenessControls;
  readonly #hooks: PolitenessHooks;
  /** Set once the browser reported its battery. */
  #battery: BatteryLike | undefined;

  constructor(controls: PolitenessControls, hooks: PolitenessHooks) {
    this.#controls = controls;
    this.#hooks = hooks;
    for (const reason of ['hidden', 'battery'] as const) {
      const box = controls[reason];
      box.checked = loadSetting(reason);
      box.addEventListener('change', () => {
        saveSetting(reason, box.checked);
        this.#apply(reason);
      });
    }
    document.addEventListener('visibilitychange', () => this.#apply('hidden'));
    void this.#watchBattery();
  }

  /** The reasons that hold now: a job that starts pauses for each at once. */
  holding(): AutoPause[] {
    return (['hidden', 'battery'] as const).filter((reason) => this.#holds(reason));
  }

  #holds(reason: AutoPause): boolean {
    const box = this.#controls[reason];
    if (!box.checked || box.disabled) return false;
    return reason === 'hidden' ? document.visibilityState === 'hidden' : this.#battery?.charging === false;
  }

  #apply(reason: AutoPause): void {
    if (this.#holds(reason)) this.#hooks.hold(reason);
    else this.#hooks.lift(reason);
  }

  async #watchBattery(): Promise<void> {
    const nav = navigator as Navigator & { getBattery?: () => Promise<BatteryLike> };
    try {
      if (typeof nav.getBattery !== 'function') throw new Error('no Battery Status API');
      this.#battery = await nav.getBattery();
    } catch {
      // Missing (Firefox, Safari) or refused (a permissions policy): the setting cannot apply here.
      const box = this.#controls.battery;
      box.disabled = true;
      box.checked = false; // shown off, while the kept choice waits for a browser that reports the battery
      this.#controls.batteryNote.textContent = 'This browser does not report the battery, so this setting cannot apply here.';
      return;
    }
    this.#battery.addEventListener('chargingchange', () => {
      this.#describeBattery();
      this.#apply('battery');
    });
    this.#describeBattery();
    this.#apply('battery');
  }

  #describeBattery(): void {
    this.#controls.batteryNote.textContent = this.#battery?.charging === false ? 'On battery power now.' : 'On mains power now.';
  }
}
