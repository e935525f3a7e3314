// examples/kubernetes cannot run here (no cluster), so this runs what it would:
// the manifests parse, the shard Job is an Indexed Job of N completions, and the
// exact shell command of its container, run for every index with
// JOB_COMPLETION_INDEX set as the Job controller sets it, then the merge Job's
// command, give the answer of one unsharded run. Only the mount paths (/request,
// /status) are pointed at temporary folders.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { BIN, requestJson, runCli } from '../support/cli.ts';
import { fixture } from '../support/vectors.ts';

const manifest = (name: string) => {
  const docs = parseAllDocuments(readFileSync(fileURLToPath(new URL(`../../examples/kubernetes/${name}`, import.meta.url)), 'utf8'));
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS());
};

interface Container { command: string[]; env: Array<{ name: string; value: string }>; volumeMounts: Array<{ name: string; mountPath: string }> }
const containerOf = (job: { spec: { template: { spec: { containers: Container[] } } } }) => job.spec.template.spec.containers[0]!;

describe('examples/kubernetes', () => {
  it('an Indexed Job whose container commands, run for every index and then merged, answer what one unsharded run answers', async () => {
    const [shards] = manifest('job.yaml');
    const [merge] = manifest('merge.yaml');
    expect(shards).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed' } });
    expect(merge).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job' });
    const n: number = shards.spec.completions;
    expect(n).toBeGreaterThan(1);
    const shard = containerOf(shards);
    expect(shard.volumeMounts.map((m) => m.mountPath).sort()).toEqual(['/request', '/status']);
    expect(shard.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(shard.command[2]).toContain(`--shard env:JOB_COMPLETION_INDEX/${n}`);

    // The image's dmint-miner, here: the built CLI behind a shim on the PATH.
    const dir = mkdtempSync(join(tmpdir(), 'dmint-k8s-'));
    for (const sub of ['bin', 'request', 'status']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'bin/dmint-miner'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(dir, 'bin/dmint-miner'), 0o755);
    const v = fixture.pow_vectors.find((p) => p.id === 'gen-w4-506')!;
    const request = requestJson(v.preimage_hex, '7fffffffffffffff', 4);
    writeFileSync(join(dir, 'request/request.json'), request);
    const local = (script: string) => script.replaceAll('/request/', `${dir}/request/`).replaceAll('/status/', `${dir}/status/`);
    // The manifest's DMINT_ARGS set to a window of the nonce space (a whole V1 space takes minutes per shard here).
    expect(shard.env).toContainEqual({ name: 'DMINT_ARGS', value: '' });
    const env = { ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, DMINT_ARGS: '--count 2000000' };

    for (let index = 0; index < n; index++) {
      const r = spawnSync('sh', ['-c', local(shard.command[2]!)], { env: { ...env, JOB_COMPLETION_INDEX: String(index) }, encoding: 'utf8' });
      expect(r.status, `index ${index}: ${r.stderr}`).toBe(0); // a hit or an exhausted shard both complete the index
    }
    const merged = spawnSync('sh', ['-c', local(containerOf(merge).command[2]!)], { env, encoding: 'utf8' });
    expect(merged.status, merged.stderr).toBe(0);
    const single = await runCli(['--quiet', '--count', '2000000'], request);
    expect(JSON.parse(merged.stdout).nonce_hex).toBe(JSON.parse(single.stdout).nonce_hex);
    expect(JSON.parse(merged.stdout).nonce_hex).toBe(v.nonce_hex);
  });
});
