/**
 * `npm start`: mine the bundled demo job (fixtures/demo-request.json) on one
 * thread and print the protocol response line, as the CLI will.
 */
import { readFileSync } from 'node:fs';
import { parseRequest } from '../core/protocol.ts';
import { mineOnThisThread } from './single.ts';

const path = new URL('../../fixtures/demo-request.json', import.meta.url);
const request = parseRequest(readFileSync(path));
process.stderr.write(`demo: mining ${path.pathname.split('/').pop()} (V${request.nonceWidth === 4 ? 1 : 2}, target ${request.effectiveTarget.toString(16)}) on one thread\n`);
let lastReport = 0;
const result = mineOnThisThread(request, (attempts, elapsedS) => {
  if (elapsedS - lastReport >= 0.5) {
    lastReport = elapsedS;
    process.stderr.write(`demo: ${attempts} attempts, ${(attempts / elapsedS / 1e6).toFixed(2)} Mh/s\n`);
  }
});
process.stderr.write(`demo: ${result.build} kernel, verified with node:crypto\n`);
process.stdout.write(result.line + '\n');
process.exitCode = result.exitCode;
