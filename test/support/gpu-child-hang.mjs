// A GPU process that hangs mid-job: the real one (gpu-child-wrap.mjs) until it has answered
// CLEAN_SCANS searches, then it answers nothing more while staying alive. The miner must see
// that no reply came within its hangMs, stop it, and hand the rest of the job to its workers.
import { runGpuChild } from './gpu-child-wrap.mjs';

const CLEAN_SCANS = 4;
let scans = 0;
let hung = false;

await runGpuChild((message) => {
  if (message.op === 'ready' || message.op === 'unavailable') return message;
  if (message.op === 'scan' && ++scans > CLEAN_SCANS) hung = true;
  return hung ? null : message;
});
