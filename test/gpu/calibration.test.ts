// The `auto` backend's calibration policy on its own: figures in, a winner out.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../src/gpu/backend-choice.ts';
import { CALIBRATION_MS, Calibration, GPU_WARMUP_DISPATCHES, type TimedPiece } from '../../src/gpu/calibration.ts';

function calibration(wasmRunning = () => false) {
  const events: string[] = [];
  const winners: Backend[] = [];
  const c = new Calibration({
    wasmRunning,
    gpuMeasured: () => events.push('gpu measured'),
    decided: (winner) => winners.push(winner),
  });
  return { c, events, winners };
}

/** A worker piece that ran `ms` and searched `nonces`. */
const piece = (ms: number, nonces: number): TimedPiece => ({ started: 0, ended: ms, searched: nonces, run: { searched: () => nonces } });

describe('Calibration', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('times the GPU over its dispatches after the warm-up, until CALIBRATION_MS of them', () => {
    const { c, events } = calibration();
    // The warm-up dispatches are slow and must not count.
    for (let i = 0; i < GPU_WARMUP_DISPATCHES; i++) c.gpuDispatch(1000, 10_000);
    expect(c.rates.webgpu).toBeNull();
    c.gpuDispatch(3_000_000, CALIBRATION_MS / 2);
    expect(events).toEqual([]);
    c.gpuDispatch(3_000_000, CALIBRATION_MS / 2);
    expect(events).toEqual(['gpu measured']);
    expect(c.rates.webgpu).toBeCloseTo((6_000_000 / CALIBRATION_MS) * 1000);
    c.gpuDispatch(1, 1_000_000); // after the measurement: ignored
    expect(events).toEqual(['gpu measured']);
    expect(c.rates.webgpu).toBeCloseTo((6_000_000 / CALIBRATION_MS) * 1000);
  });

  it('times the workers for CALIBRATION_MS after their first piece, scales one thread\'s rate by the most pieces out, and picks the faster', () => {
    for (const [gpuNonces, winner] of [[1_000_000, 'wasm'], [10_000_000, 'webgpu']] as const) {
      const { c, winners } = calibration();
      for (let i = 0; i <= GPU_WARMUP_DISPATCHES; i++) c.gpuDispatch(gpuNonces, CALIBRATION_MS);
      // Two threads, each 1 M nonces per 200 ms: 5 Mh/s per thread, 10 Mh/s for the two.
      c.wasmPiece(piece(200, 1_000_000), 1);
      c.wasmPiece(piece(200, 1_000_000), 2);
      vi.advanceTimersByTime(CALIBRATION_MS - 1);
      expect(winners).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(c.rates.wasm).toBeCloseTo(10_000_000);
      expect(winners).toEqual([winner]);
    }
  });

  it('with too little timed, waits on while a worker piece is out, and decides nothing after stop()', () => {
    let running = true;
    const { c, winners } = calibration(() => running);
    for (let i = 0; i <= GPU_WARMUP_DISPATCHES; i++) c.gpuDispatch(1000, CALIBRATION_MS);
    c.wasmPiece(piece(CALIBRATION_MS / 8, 100), 1);
    vi.advanceTimersByTime(CALIBRATION_MS);
    expect(winners).toEqual([]); // too little: timing goes on
    c.wasmPiece(piece(CALIBRATION_MS, 1_000_000), 1);
    running = false;
    vi.advanceTimersByTime(CALIBRATION_MS);
    expect(winners).toEqual(['wasm']);

    const stopped = calibration();
    for (let i = 0; i <= GPU_WARMUP_DISPATCHES; i++) stopped.c.gpuDispatch(1000, CALIBRATION_MS);
    stopped.c.wasmPiece(piece(CALIBRATION_MS, 1_000_000), 1);
    stopped.c.stop();
    vi.advanceTimersByTime(10 * CALIBRATION_MS);
    expect(stopped.winners).toEqual([]);
  });
});
