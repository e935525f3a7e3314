// A GPU process that crashes mid-job: the real one (gpu-child-wrap.mjs) until it has answered
// CLEAN_SCANS searches, then it kills itself with SIGSEGV instead of answering the next, as
// native code that faults would. The miner must hand the rest of the job to its workers.
import { tmpdir } from 'node:os';
import { runGpuChild } from './gpu-child-wrap.mjs';

const CLEAN_SCANS = 4;
let scans = 0;

await runGpuChild((message) => {
  if (message.op === 'scan' && ++scans > CLEAN_SCANS) {
    process.chdir(tmpdir()); // where core dumps are on, none lands in the repository
    process.kill(process.pid, 'SIGSEGV');
    return null;
  }
  return message;
});
