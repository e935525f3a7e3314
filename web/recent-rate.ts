/**
 * The page's "current" hash rate: over the last couple of seconds rather than
 * since the start, so that a thread change or a resume shows up at once
 * instead of being averaged away.
 * @module
 */

/** A rate over a sliding window of cumulative `(elapsed, attempts)` samples. */
export class RecentRate {
  readonly #windowS: number;
  #samples: Array<[elapsedS: number, attempts: number]> = [];

  /** @param windowS - seconds the rate is taken over. */
  constructor(windowS = 2) {
    this.#windowS = windowS;
  }

  /**
   * Add a sample (seconds since the job started, attempts so far) and return
   * the rate over the window, or `undefined` until two samples span some time.
   */
  push(elapsedS: number, attempts: number): number | undefined {
    const samples = this.#samples;
    samples.push([elapsedS, attempts]);
    // Keep one sample at or beyond the window's start, so the window is always full once it can be.
    while (samples.length > 2 && elapsedS - samples[1]![0] >= this.#windowS) samples.shift();
    const [t0, a0] = samples[0]!;
    return elapsedS > t0 ? (attempts - a0) / (elapsedS - t0) : undefined;
  }

  /** Forget the samples: a pause would otherwise drag the rate down for a whole window after resume. */
  clear(): void {
    this.#samples = [];
  }
}
