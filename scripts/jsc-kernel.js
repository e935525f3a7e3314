// The kernel in JavaScriptCore's own shell, outside any browser: the engine Safari
// and WebKitGTK share, with its options in reach. Run from the repository root
// after a build, with `jsc` from Debian's libjavascriptcoregtk-4.0-bin:
//   jsc scripts/jsc-kernel.js -- [build/kernel-simd.wasm] [seconds]
// It prints the rate of each 2-second slice in Mh/s. JSC options go in the environment, e.g.
//   JSC_dumpOMGDisassembly=1   the optimizing tier's machine code for the scan function
//   JSC_useOMGJIT=0            the baseline tier only, to see what the optimizing tier adds
/* global readFile, print */
const file = arguments[0] || 'build/kernel-simd.wasm';
const seconds = Number(arguments[1] || 10);
const k = new WebAssembly.Instance(new WebAssembly.Module(readFile(file, 'binary')), {}).exports;
const input = new Uint8Array(k.memory.buffer, k.inputPtr(), 64);
for (let i = 0; i < 64; i++) input[i] = (i * 7) & 255;
k.setJob(4, 0, 0, 0); // bound 0: no digest is below it
const slices = [];
let nonce = 0;
for (const end = Date.now() + seconds * 1000; Date.now() < end;) {
  const t0 = Date.now();
  let hashed = 0;
  while (Date.now() - t0 < 2000) {
    k.scan(nonce >>> 0, 0, 32768);
    nonce += 32768;
    hashed += 32768;
  }
  slices.push((hashed / (Date.now() - t0) / 1000).toFixed(2));
}
print(`${file}: ${slices.join(' ')} Mh/s per 2 s slice`);
