#!/usr/bin/env node
// The `dmint-miner` command (package.json "bin"): plain Node, no shell shim.
import { main } from './cli.ts';

process.exit(await main(process.argv.slice(2)));
