// A GPU process that lies: the real one (gpu-child-wrap.mjs) until it has answered CLEAN_SCANS
// searches, then every search with no hit is answered with a made-up one, the sixth nonce of
// the dispatch (under the tests' targets a real hit there is a chance of about 2^-33). The miner
// must refuse it with node:crypto and hand the rest of the job to its workers.
import { runGpuChild } from './gpu-child-wrap.mjs';

const CLEAN_SCANS = 4;
let scans = 0;

await runGpuChild((message, request) => {
  if (message.op !== 'scan' || ++scans <= CLEAN_SCANS || message.hit !== null || request?.op !== 'submit' || request.count < 6) return message;
  return { ...message, hit: request.first + 5n, scanned: 6 };
});
