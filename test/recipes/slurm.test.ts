// examples/slurm on a real single-node Slurm cluster (Debian's slurm-wlm and
// munge): the test starts its own slurmctld and slurmd (its own config through
// SLURM_CONF, its own ports and state folders), submits the recipe's 4-shard
// array and its merge job, and compares the merged answer with one unsharded
// run, for a range with a hit and one without. It stops what it started, by PID.
// Skipped with a notice where not root or the packages are missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, requestJson, runCli } from '../support/cli.ts';
import { needs } from '../support/skips.ts';
import { fixture } from '../support/vectors.ts';

const SUBMIT = fileURLToPath(new URL('../../examples/slurm/submit.sh', import.meta.url));

const vector = (id: string) => fixture.pow_vectors.find((p) => p.id.startsWith(id))!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('examples/slurm on a single-node Slurm cluster', needs('slurm'), () => {
  const root = mkdtempSync(join(tmpdir(), 'dmint-slurm-'));
  const env = { ...process.env, SLURM_CONF: join(root, 'slurm.conf') };
  const pidFiles = [join(root, 'slurmctld.pid'), join(root, 'slurmd.pid')];
  let startedMunge: string | undefined;

  beforeAll(async () => {
    // munged is shared by every Slurm on the machine: start it only if none answers.
    if (spawnSync('/usr/bin/munge', ['-n'], { stdio: 'ignore' }).status !== 0) {
      mkdirSync('/run/munge', { recursive: true });
      execFileSync('chown', ['munge:munge', '/run/munge']);
      execFileSync('runuser', ['-u', 'munge', '--', '/usr/sbin/munged']);
      startedMunge = '/run/munge/munged.pid';
    }
    const port = 20000 + Math.floor(Math.random() * 20000);
    for (const dir of ['state', 'spool', 'log']) mkdirSync(join(root, dir));
    writeFileSync(env.SLURM_CONF, [
      'ClusterName=dmint-test', 'SlurmctldHost=localhost', 'SlurmUser=root', `SlurmctldPort=${port}`, `SlurmdPort=${port + 1}`,
      'AuthType=auth/munge', `StateSaveLocation=${root}/state`, `SlurmdSpoolDir=${root}/spool`,
      `SlurmctldPidFile=${pidFiles[0]}`, `SlurmdPidFile=${pidFiles[1]}`,
      `SlurmctldLogFile=${root}/log/slurmctld.log`, `SlurmdLogFile=${root}/log/slurmd.log`,
      'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'SelectType=select/cons_tres', 'ReturnToService=2',
      'MpiDefault=none', 'JobAcctGatherType=jobacct_gather/none', 'SchedulerParameters=sched_interval=1',
      'NodeName=localhost CPUs=2 State=UNKNOWN', 'PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP', '',
    ].join('\n'));
    execFileSync('/usr/sbin/slurmctld', [], { env });
    execFileSync('/usr/sbin/slurmd', [], { env });
    for (let i = 0; i < 100; i++) {
      const state = spawnSync('sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8' }).stdout.trim();
      if (state === 'idle') return;
      await sleep(200);
    }
    throw new Error(`the test cluster did not come up: ${readFileSync(join(root, 'log/slurmctld.log'), 'utf8').slice(-500)}`);
  }, 60_000);

  afterAll(() => {
    for (const file of [...pidFiles, ...(startedMunge ? [startedMunge] : [])]) {
      try {
        process.kill(Number(readFileSync(file, 'utf8').trim()), 'SIGTERM');
      } catch {
        /* not running */
      }
    }
  });

  /** Submit the recipe for `request` over `args` with N = 4; resolve with the merged answer once both jobs are gone. */
  async function submitAndWait(request: string, args: string): Promise<string> {
    const dir = mkdtempSync(join(root, 'job-'));
    writeFileSync(join(dir, 'request.json'), request);
    const ids = execFileSync(SUBMIT, ['4'], { env: { ...env, DMINT_DIR: dir, DMINT_ARGS: args, DMINT_MINER: `${process.execPath} ${BIN}` }, encoding: 'utf8' }).trim().split(' ');
    expect(ids).toHaveLength(2);
    for (let i = 0; i < 600; i++) {
      const queued = spawnSync('squeue', ['-h', '-j', ids.join(',')], { env, encoding: 'utf8' }).stdout.trim();
      if (queued === '' && existsSync(join(dir, 'answer.json'))) return readFileSync(join(dir, 'answer.json'), 'utf8');
      await sleep(250);
    }
    throw new Error(`the jobs did not finish; squeue: ${spawnSync('squeue', [], { env, encoding: 'utf8' }).stdout}`);
  }

  it('merges 4 shards of an array job into the answer of one unsharded run, with a hit and without', async () => {
    const v = vector('gen-w4-11127');
    const hit = requestJson(v.preimage_hex, '7fffffffffffffff', 4);
    const window = `--start ${v.nonce_int_le - 600_000} --count 1000000`;
    const none = requestJson(vector('gen-w4-8403').preimage_hex, '0000000000000001', 4);
    // Both arrays in the queue at once, and the unsharded runs beside them: the cluster's scheduling, not the hashing, is what takes time.
    const [single, merged, singleNone, mergedNone] = await Promise.all([
      runCli(['--quiet', ...window.split(' ')], hit),
      submitAndWait(hit, window),
      runCli(['--quiet', '--count', '400000'], none),
      submitAndWait(none, '--count 400000'),
    ]);
    expect(JSON.parse(merged).nonce_hex).toBe(JSON.parse(single.stdout).nonce_hex);
    expect(JSON.parse(merged).nonce_hex).toBe(v.nonce_hex);
    expect(singleNone.stdout).toBe('{"exhausted":true}\n');
    expect(mergedNone).toBe('{"exhausted":true}\n');
  }, 240_000);
});
