// `npm run demo:mainnet`: re-mine the real PXD mainnet mint (2026-05-11) from
// nonce 0 on all cores with the built dmint-miner, and show that the answer is
// the nonce the chain accepted.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = JSON.parse(readFileSync(`${root}/fixtures/pyrxd-vectors.json`, 'utf8'));
const v = fixture.pow_vectors.find((p) => p.id.startsWith('pxd-mainnet'));
const request = JSON.stringify({ preimage_hex: v.preimage_hex, target_hex: v.contract_target_hex, nonce_width: v.nonce_width });

console.error(`PXD mainnet mint, transaction ${v.mainnet_txid}`);
console.error(`preimage ${v.preimage_hex}`);
console.error(`target ${v.contract_target_hex}; the chain accepted nonce ${v.nonce_hex} (${v.nonce_int_le.toLocaleString('en-US')} attempts from 0)`);
console.error('mining from nonce 0 on all cores...\n');

const child = spawn(process.execPath, [`${root}/dist/node/dmint-miner.js`, '--progress=human'], { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdin.end(request);
let out = '';
child.stdout.on('data', (d) => (out += d));
child.on('close', (code) => {
  process.stdout.write(out);
  if (code !== 0) {
    console.error(`dmint-miner exited ${code}`);
    process.exit(1);
  }
  const answer = JSON.parse(out);
  const same = answer.nonce_hex === v.nonce_hex;
  console.error(same
    ? `\nmatch: dmint-miner's nonce ${answer.nonce_hex} is the one in mainnet transaction ${v.mainnet_txid} (${(answer.attempts / answer.elapsed_s / 1e6).toFixed(2)} Mh/s)`
    : `\nMISMATCH: dmint-miner answered ${answer.nonce_hex}, the chain has ${v.nonce_hex}`);
  process.exit(same ? 0 : 1);
});
