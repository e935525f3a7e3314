// The kernel alone in a Web Worker, for `npm run bench:web -- --kernel`: no engine,
// no pieces, no messages while it runs. It instantiates the build it is sent,
// sets a job no nonce meets, and scans batches for `ms` milliseconds, reporting
// the rate of each 2-second slice (the first slice includes the engine's tier-up).
self.onmessage = async ({ data }) => {
  const bytes = await (await fetch(data.wasm)).arrayBuffer();
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const k = instance.exports;
  new Uint8Array(k.memory.buffer, k.inputPtr(), 64).set(new Uint8Array(64).map((_, i) => (i * 7) & 255));
  k.setJob(4, 0, 0, 0); // bound 0: no digest is below it
  const slices = [];
  let nonce = 0;
  for (const end = performance.now() + data.ms; performance.now() < end;) {
    const t0 = performance.now();
    let hashed = 0;
    while (performance.now() - t0 < 2000) {
      k.scan(nonce >>> 0, 0, data.batch);
      nonce += data.batch;
      hashed += data.batch;
    }
    slices.push(hashed / (performance.now() - t0) / 1000);
  }
  self.postMessage(slices);
};
