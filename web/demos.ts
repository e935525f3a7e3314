/**
 * Demo jobs bundled with the page (from fixtures/pyrxd-vectors.json), each with
 * the range that makes it a short demonstration.
 * @module
 */

/** One demo job. */
export interface DemoJob {
  /** Fixture id. */
  id: string;
  /** What the user sees in the picker. */
  label: string;
  /** The request JSON, as pyrxd would send it. */
  request: string;
  /** Suggested range (empty: the whole space). */
  start: string;
  count: string;
}

const req = (preimage: string, width: 4 | 8): string =>
  JSON.stringify({ preimage_hex: preimage, target_hex: '7fffffffffffffff', nonce_width: width });

/** The demo jobs, quickest first. */
export const DEMOS: readonly DemoJob[] = [
  {
    id: 'gen-w4-506',
    label: 'Quick V1 job: lowest valid nonce 1,525,066 (seconds)',
    request: req('f1e87542828deb5aee8ad9f356a6fcd292b37105b0dd939243b9621dc72aae19dd83a160503302a39ce1258db9262e9602a7c0bf452d6ac6eecfccfe2957cb1a', 4),
    start: '',
    count: '',
  },
  {
    id: 'gen-w8-1282',
    label: 'Quick V2 job (8-byte nonces): lowest valid nonce 1,994,601',
    request: req('05b9221d999115d79daa12ba7551648fe325e0db85526e4cb70ab430efabd5c251c04029b870d03212e1bba216e59db65118ada048e0ca17b789fc1d34510f69', 8),
    start: '',
    count: '',
  },
  {
    id: 'gen-w4-8403',
    label: 'No valid nonce in its first 2^24: searched to exhaustion',
    request: req('9b4af61efaa57002a1dd0a3b4852ebe777cd21c1607558896e642cce0d6ec167f1719b400ac4b8a46ecca096a8bc99253cdeeba81a03ed9f47b7bac9fd002c77', 4),
    start: '0',
    count: '16777216',
  },
  {
    id: 'pxd-mainnet-mint-c9fdcd34',
    label: 'The real PXD mainnet mint: nonce 475,784,549 (about a minute or more)',
    request: req('08af121fa1363d6a30e9fde176cf96764edc9ce31f0d47ef11db5fa5a13bc4b67aeda0d18b20e4b802119ea35f34704047ff5a6155f349aa67ab7927e49b6eb1', 4),
    start: '',
    count: '',
  },
];
