import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// src/core and src/gpu run in Node, browsers, Web Workers and Electron alike: standard
// ECMAScript only, no node:* modules, no DOM or Node globals (src/gpu takes its WebGPU `GPU`
// object as a parameter and uses none of WebGPU's globals either).
const src = new URL('../../src/', import.meta.url);
const files = ['core', 'gpu'].flatMap((dir) => readdirSync(new URL(`${dir}/`, src)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`));

function code(file: string): string {
  const text = readFileSync(new URL(file, src), 'utf8');
  // Drop comments so that a comment may name what the code must not use.
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The code without its one-line string literals, so that a value such as the verifier's name 'node:crypto' is not taken for a use. */
function codeOnly(file: string): string {
  return code(file).replace(/'[^'\n]*'/g, "''");
}

describe('src/core and src/gpu are host-neutral', () => {
  it('has modules to check', () => {
    expect(files).toEqual(expect.arrayContaining(['core/errors.ts', 'core/request.ts', 'core/response.ts', 'core/sha256.ts', 'core/verify.ts', 'core/estimate.ts', 'core/index.ts', 'gpu/kernel.ts', 'gpu/executor.ts']));
  });

  it.each(files)('%s imports only relative modules, no node:* or packages', (file) => {
    const specifiers = [...code(file).matchAll(/\b(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const s of specifiers) expect(s).toMatch(/^\.\.?\//);
    expect(codeOnly(file)).not.toMatch(/\bnode:|\bimport\s*\(|\brequire\s*\(/);
  });

  it.each(files)('%s uses no Node or DOM globals', (file) => {
    const forbidden =
      /\b(Buffer|process|window|document|self|navigator|crypto|require|__dirname|__filename|setImmediate|localStorage|fetch|GPUBufferUsage|GPUMapMode|GPUShaderStage)\b|\bmodule\.exports\b/;
    expect(codeOnly(file)).not.toMatch(forbidden);
  });
});
