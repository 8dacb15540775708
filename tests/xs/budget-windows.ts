import { installSteps } from '../../hosts/xs/guest/steps';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
const sk = new Uint8Array(32).fill(1);
let pk: Uint8Array = new Uint8Array(0), sig: Uint8Array = new Uint8Array(0);
let out: unknown;
const steps: Record<string, () => void> = {};
for (const w of [1, 2, 3, 4, 5, 6, 8]) {
  steps[`w${w}`] = () => { ed25519.Point.BASE.precompute(w); };
  steps[`sign${w}a`] = () => { pk = ed25519.getPublicKey(sk); sig = ed25519.sign(new Uint8Array(0), sk); };
  steps[`sign${w}b`] = () => { sig = ed25519.sign(new Uint8Array(1), sk); };
  steps[`verify${w}`] = () => { out = ed25519.verify(sig, new Uint8Array(1), pk); if (out !== true) throw new Error('verify'); };
  steps[`xpub${w}`] = () => { out = x25519.getPublicKey(sk); };
  steps[`dh${w}`] = () => { out = x25519.getSharedSecret(sk, pk); };
}
installSteps(steps);
