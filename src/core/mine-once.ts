/**
 * `mine()` of both hosts: one request on a Miner of its own, closed after.
 * The request is parsed once, before any thread starts, and the response
 * formatted once, from the search's outcome.
 * @module
 */
import type { JobOptions, MineResponse, SearchOutcome } from './job-api.ts';
import { parseRequest, type MineRequest } from './request.ts';
import { toResponse } from './response.ts';

/** What {@link mineOnce} needs of a Miner. */
export interface OneJobMiner {
  search(request: MineRequest, options: JobOptions): Promise<SearchOutcome>;
  close(): Promise<void>;
}

/**
 * Parse `request`, make a Miner with `open` (only for a good request that is
 * not aborted already), search it, close the Miner, and resolve to the
 * protocol response object.
 * @throws the core's RequestError for a bad request, the signal's reason when it is already aborted,
 * and whatever `open` or the search rejects with.
 */
export async function mineOnce(request: object | string, job: JobOptions, open: () => OneJobMiner): Promise<MineResponse> {
  const parsed = parseRequest(request); // a bad request fails before any thread starts
  if (job.signal?.aborted) throw job.signal.reason;
  const miner = open();
  try {
    return toResponse(await miner.search(parsed, job), parsed.nonceWidth);
  } finally {
    await miner.close();
  }
}
