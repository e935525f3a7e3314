// The Miner contract (test/contract/miner-contract.ts) against the Node library's
// Miner, on piscina worker threads.
import { describeMinerContract } from '../contract/miner-contract.ts';
import { nodeDriver } from '../contract/node-driver.ts';

describeMinerContract('Miner contract: Node', async () => nodeDriver());
