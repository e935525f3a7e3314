/**
 * The Miner contract's Node driver: the host registry over src/node/index.ts,
 * called in-process.
 * @module
 */
import * as lib from '../../src/node/index.ts';
import { driverOver, type MinerDriver, type Transport } from './driver.ts';
import { createMinerHost } from './miner-host.ts';

/** A driver for the Node library's `Miner`. */
export function nodeDriver(): MinerDriver {
  const host = createMinerHost(lib);
  const call = (async (method: keyof typeof host, ...args: unknown[]) => (host[method] as (...a: unknown[]) => unknown)(...args)) as Transport;
  return driverOver('Node', call);
}
