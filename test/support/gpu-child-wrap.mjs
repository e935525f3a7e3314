// Shared by the GPU process's test doubles (gpu-child-crash.mjs, -lie.mjs, -hang.mjs): run the
// real GPU process (dist/node/gpu-child.js, built by scripts/build.mjs) with its replies passed
// through `rewrite` first. `rewrite(message, request)` gets each reply and the request it
// answers, and returns the message to send, or null to send nothing.
// Never loads node:crypto: Dawn on llvmpipe aborts in a process that has used it.

/** @typedef {{ op: string, id?: number, first?: bigint, count?: number }} Message */

/**
 * @param {(message: Message, request: Message | undefined) => Message | null} rewrite
 */
export async function runGpuChild(rewrite) {
  /** @type {Map<number, Message>} */
  const requests = new Map();
  // Registered before the real child's listener, so every request is known before it is served.
  process.on('message', (/** @type {Message} */ m) => {
    if (m && typeof m.id === 'number') requests.set(m.id, m);
  });
  const send = process.send.bind(process);
  process.send = (/** @type {Message} */ message, ...rest) => {
    const request = typeof message?.id === 'number' ? requests.get(message.id) : undefined;
    if (request) requests.delete(message.id);
    const out = rewrite(message, request);
    return out === null ? true : send(out, ...rest);
  };
  await import(new URL('../../dist/node/gpu-child.js', import.meta.url).href);
}
