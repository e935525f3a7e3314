// The environment the miner gives Mesa's llvmpipe (src/node/gpu-process.ts mesaEnv): chosen by the
// program from the CPU's flags and the thread count, whatever the user's environment says.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mesaEnv } from '../../src/node/gpu-process.ts';

describe('mesaEnv', () => {
  it('asks for 512-bit vectors only where the CPU has AVX-512, with a shader cache of its own per width', () => {
    const avx512 = mesaEnv(3, new Set(['sse2', 'avx2', 'avx512f', 'avx512vl']), { XDG_CACHE_HOME: '/c' });
    expect(avx512).toEqual({ EGL_PLATFORM: 'surfaceless', LP_NUM_THREADS: '3', LP_NATIVE_VECTOR_WIDTH: '512', MESA_SHADER_CACHE_DIR: join('/c', 'wasm-dmint-miner', 'mesa-512-bit') });
    const avx2 = mesaEnv(1, new Set(['sse2', 'avx2']), { XDG_CACHE_HOME: '/c' });
    expect(avx2).toMatchObject({ LP_NUM_THREADS: '1', LP_NATIVE_VECTOR_WIDTH: '256', MESA_SHADER_CACHE_DIR: join('/c', 'wasm-dmint-miner', 'mesa-256-bit') });
    // The two widths never share a cache: Mesa's key leaves the width out.
    expect(avx512.MESA_SHADER_CACHE_DIR).not.toBe(avx2.MESA_SHADER_CACHE_DIR);
  });

  it('keeps the cache under ~/.cache where XDG_CACHE_HOME is unset or empty', () => {
    for (const env of [{}, { XDG_CACHE_HOME: '' }]) {
      expect(mesaEnv(2, new Set(), env).MESA_SHADER_CACHE_DIR).toBe(join(homedir(), '.cache', 'wasm-dmint-miner', 'mesa-256-bit'));
    }
  });
});
