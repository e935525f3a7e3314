import { describe, expect, it } from 'vitest';
import { NODE24_SPEEDUP, describeRuntime } from '../../src/node/runtime.ts';

describe('describeRuntime', () => {
  it('on Node 20 names it and gives the measured Node 24 figures', () => {
    const r = describeRuntime({ node: '20.20.2', v8: '11.3.244.8-node.33' });
    expect(r).toMatchObject({ name: 'Node 20.20.2', node: '20.20.2', v8: '11.3.244.8-node.33' });
    expect(r.advice).toContain(`ran ${Math.round((NODE24_SPEEDUP.oneThread - 1) * 100)} % faster on one thread`);
    expect(r.advice).toContain(`${Math.round((NODE24_SPEEDUP.allThreads - 1) * 100)} % faster on all threads`);
    expect(r.advice).toContain('Node 20 left support in April 2026');
    expect(describeRuntime({ node: '21.7.3', v8: 'x' }).advice).toContain('Node 21 is not an LTS line');
  });

  it('gives no advice on Node 22 and later, nor inside Electron (whose Node the app chooses)', () => {
    for (const node of ['22.0.0', '24.22.3', '26.12.1']) expect(describeRuntime({ node, v8: 'x' }).advice, node).toBeNull();
    const electron = describeRuntime({ node: '20.18.0', v8: 'x', electron: '33.0.0' });
    expect(electron).toMatchObject({ name: 'Electron 33.0.0 (Node 20.18.0)', advice: null });
  });
});
