/**
 * `dmint-miner doctor`: can this machine mine, and what does that mean for a
 * difficulty-1 V1 job? Known answers of both kernel builds against the fixtures
 * and node:crypto, SIMD support, threads, the GPU (its adapter, known answers
 * and rate, beside the workers'), which backend the default uses, a short
 * measured rate and estimates.
 */
import { availableParallelism } from 'node:os';
import { kernelBinaries } from '../core/binaries.ts';
import { estimate } from '../core/estimate.ts';
import { formatDuration } from '../core/format.ts';
import { Kernel, type KernelBuild } from '../core/kernel.ts';
import { MAX_TARGET } from '../core/request.ts';
import { verifySolutionSync } from '../core/verify.ts';
import { poolRate } from './bench.ts';
import { describeRuntime } from './runtime.ts';
import { DEFAULT_BACKEND, type DoctorArgs } from './args.ts';
import { KNOWN_ANSWERS_DETAIL, judgeKnownAnswer, knownVectors } from './known-answers.ts';
import { probeGpu } from './gpu-probe.ts';
import { adapterName } from './progress.ts';
import { nodeSha256 } from './sha256.ts';

/** One line of the report. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

function knownAnswers(build: KernelBuild): Check {
  try {
    const kernel = Kernel.fromBytes(build, kernelBinaries[build]);
    for (const v of knownVectors()) {
      kernel.setJob(v.preimage, v.width, v.bound);
      const found = kernel.scan(v.nonce - 4095n, 4096).hit;
      judgeKnownAnswer(v, kernel.digests(v.nonce)[0]!, found, `${build} kernel`);
      if (!verifySolutionSync({ preimage: v.preimage, effectiveTarget: MAX_TARGET, nonceWidth: v.width }, found!, nodeSha256).valid) {
        throw new Error(`${v.id}: node:crypto rejects ${found}`);
      }
    }
    return { name: `${build} kernel known answers`, ok: true, detail: KNOWN_ANSWERS_DETAIL };
  } catch (err) {
    return { name: `${build} kernel known answers`, ok: false, detail: (err as Error).message };
  }
}

/** Run every check, print the report, and return the exit code (1 if any check failed). */
export async function runDoctor(args: Pick<DoctorArgs, 'json' | 'workers'>): Promise<number> {
  const checks: Check[] = [];
  const runtime = describeRuntime();
  checks.push({ name: 'runtime', ok: true, detail: `${runtime.name}, V8 ${runtime.v8}` });
  const simd = WebAssembly.validate(kernelBinaries.simd as Uint8Array<ArrayBuffer>);
  checks.push({ name: 'WebAssembly SIMD', ok: true, detail: simd ? 'supported: the 4-lane SIMD kernel runs' : 'not supported: the scalar kernel runs (slower)' });
  checks.push(knownAnswers('simd'), knownAnswers('scalar'));
  const cores = availableParallelism();
  checks.push({ name: 'threads', ok: true, detail: `${cores} available, ${args.workers} used` });
  let rate = 0;
  try {
    rate = (await poolRate(args.workers, 1)) * 1e6;
    checks.push({ name: 'measured rate', ok: rate > 0, detail: `${(rate / 1e6).toFixed(2)} Mh/s on ${args.workers} threads (1 s)` });
  } catch (err) {
    checks.push({ name: 'measured rate', ok: false, detail: (err as Error).message });
  }
  const gpu = await probeGpu(args.workers, 1);
  if (!gpu.available) {
    checks.push({ name: 'GPU', ok: true, detail: `none: ${gpu.reason}` });
  } else {
    const a = gpu.adapter;
    const named = a ? `${adapterName(a, false)}${a.description ? ` (${a.description})` : ''}${a.vendor || a.architecture ? `, vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}` : ''}` : 'an unnamed adapter';
    checks.push({ name: 'GPU adapter', ok: true, detail: `${named}; ${a?.fallback ? 'software (it hashes on the CPU\'s cores)' : 'hardware'}` });
    checks.push({ name: 'GPU kernel known answers', ok: gpu.knownAnswers.ok, detail: gpu.knownAnswers.detail });
    if (gpu.knownAnswers.ok) checks.push({ name: 'GPU measured rate', ok: gpu.rate > 0, detail: `${(gpu.rate / 1e6).toFixed(2)} Mh/s (1 s), beside ${(rate / 1e6).toFixed(2)} Mh/s for the workers` });
  }
  // What `auto` (the default) would keep: it measures both on each job's own nonces; this predicts it.
  const gpuWins = gpu.available && gpu.knownAnswers.ok && gpu.rate > rate;
  const defaultUses = DEFAULT_BACKEND === 'wasm' || !gpuWins ? 'wasm' : 'webgpu';
  checks.push({
    name: 'default backend',
    ok: true,
    detail: `--backend ${DEFAULT_BACKEND}: ${defaultUses === 'webgpu' ? 'the GPU, faster here than the workers' : gpu.available ? 'the workers, faster here than the GPU' : 'the workers (no GPU)'}`,
  });
  if (defaultUses === 'webgpu') rate = gpu.available ? gpu.rate : rate;
  const e = estimate(MAX_TARGET);
  const job = {
    target_hex: MAX_TARGET.toString(16),
    sweep_s: rate > 0 ? 2 ** 32 / rate : null,
    sweep_hit_probability: e.v1SweepHitProbability,
    p50_s: rate > 0 ? e.quantiles.p50 / rate : null,
    p90_s: rate > 0 ? e.quantiles.p90 / rate : null,
  };
  const ok = checks.every((c) => c.ok);
  if (args.json) {
    const gpuJson = gpu.available ? { available: true, adapter: gpu.adapter, known_answers: gpu.knownAnswers.ok, rate_hs: Math.round(gpu.rate) } : { available: false, reason: gpu.reason };
    process.stdout.write(JSON.stringify({ ok, checks, runtime, rate_hs: Math.round(rate), default_backend: DEFAULT_BACKEND, default_uses: defaultUses, gpu: gpuJson, difficulty_1_v1: job }) + '\n');
  } else {
    const lines = checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`);
    if (runtime.advice) lines.push(`note  ${runtime.advice}`);
    if (rate > 0) {
      lines.push(
        '',
        `A difficulty-1 V1 job (target 7fffffffffffffff) at this rate (${defaultUses === 'webgpu' ? 'the GPU' : 'the workers'}, as the default hashes):`,
        `  one sweep of 2^32 nonces: ${formatDuration(job.sweep_s!)}`,
        `  chance that a sweep holds a valid nonce: ${(job.sweep_hit_probability * 100).toFixed(1)}% (otherwise the client rebuilds the preimage and asks again)`,
        `  time to a hit across preimages: p50 ${formatDuration(job.p50_s!)}, p90 ${formatDuration(job.p90_s!)}`,
      );
    }
    lines.push('', ok ? 'doctor: all checks passed' : 'doctor: some checks FAILED');
    process.stdout.write(lines.join('\n') + '\n');
  }
  return ok ? 0 : 1;
}
