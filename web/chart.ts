/**
 * A small live chart of the hash rate, drawn as inline SVG (no library): an
 * area and a line over the samples since the start (the last minute once there
 * are more), with the peak as the scale.
 * @module
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 80;

/** The rate chart inside an `<svg>` element of the page. */
export class RateChart {
  readonly #line: SVGPolylineElement;
  readonly #area: SVGPolygonElement;
  readonly #peak: SVGTextElement;
  #samples: number[] = [];
  readonly #capacity: number;

  /**
   * @param svg - an empty `<svg>`; its viewBox is set to 300 × 80.
   * @param capacity - samples drawn, the latest (the page adds one every 0.5 s: 120 is a minute).
   */
  constructor(svg: SVGSVGElement, capacity = 120) {
    this.#capacity = capacity;
    svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    this.#area = document.createElementNS(SVG_NS, 'polygon');
    this.#area.setAttribute('class', 'chart-area');
    this.#line = document.createElementNS(SVG_NS, 'polyline');
    this.#line.setAttribute('class', 'chart-line');
    this.#peak = document.createElementNS(SVG_NS, 'text');
    this.#peak.setAttribute('class', 'chart-peak');
    this.#peak.setAttribute('x', '4');
    this.#peak.setAttribute('y', '12');
    svg.replaceChildren(this.#area, this.#line, this.#peak);
  }

  /** Draw `samples` (hashes per second, oldest first, the last `capacity` of them); `label` formats the peak. */
  show(samples: readonly number[], label: (peak: number) => string): void {
    this.#samples = samples.slice(-this.#capacity).map((rate) => (Number.isFinite(rate) && rate > 0 ? rate : 0));
    const peak = Math.max(0, ...this.#samples);
    this.#draw(peak > 0 ? `peak ${label(peak)}` : '');
  }

  #draw(peakText: string): void {
    const n = this.#samples.length;
    const peak = Math.max(1, ...this.#samples);
    // The samples fill the width as they come, then scroll once there are `capacity` of them.
    const step = WIDTH / Math.max(1, n - 1);
    const x0 = n > 1 ? 0 : WIDTH;
    const pts = this.#samples.map((v, i) => `${(x0 + i * step).toFixed(1)},${(HEIGHT - 2 - (v / peak) * (HEIGHT - 18)).toFixed(1)}`);
    this.#line.setAttribute('points', pts.join(' '));
    this.#area.setAttribute('points', n > 1 ? `${x0.toFixed(1)},${HEIGHT} ${pts.join(' ')} ${WIDTH},${HEIGHT}` : '');
    this.#peak.textContent = peakText;
  }
}
