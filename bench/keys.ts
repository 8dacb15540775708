// Key figures: sealing and unsealing the election key with the start password (age scrypt
// + the verifier scrypt) at N = 2^15, 2^17, 2^18 (production); "open" (verifier only);
// code-set generation. Node timings on this machine.
import { nodeCrypto as crypto } from '../hosts/node/crypto';
import { nodeEntropy as entropy } from '../hosts/node/entropy';
import { checkStartPassword, createElectionKey, unsealElectionKey } from '../precinct/keys/election-key';
import { partitionCodeSets } from '../precinct/code-sets';

const now = () => performance.now();
const fp = crypto.sha256(new Uint8Array([1, 2, 3]));

console.log('election key, scrypt r = 8, p = 1 (ms; median of 3):');
console.log('  logN   memory    seal (verifier + age)   open (verifier)   unseal (verifier + age)');
for (const logN of [15, 17, 18]) {
  const seal: number[] = [], open: number[] = [], unseal: number[] = [];
  for (let i = 0; i < 3; i++) {
    let t = now();
    const k = await createElectionKey(crypto, entropy, fp, { logN });
    seal.push(now() - t);
    const pw = k.startPassword.take();
    t = now();
    await checkStartPassword(crypto, k.sealed, pw, fp);
    open.push(now() - t);
    t = now();
    await unsealElectionKey(crypto, k.sealed, pw, fp);
    unseal.push(now() - t);
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[1].toFixed(0).padStart(6);
  const mib = (128 * 8 * 2 ** logN) / 2 ** 20;
  console.log(`  ${String(logN).padStart(4)}   ${String(mib).padStart(4)} MiB   ${med(seal)}                  ${med(open)}            ${med(unseal)}`);
}

console.log('\ncode sets (ms per partition of the 10,000 codes; 40 KB of entropy each):');
for (const devices of [1, 3, 5, 6]) {
  const n = 20;
  const t = now();
  for (let i = 0; i < n; i++) partitionCodeSets({ devices: Array.from({ length: devices }, (_, j) => `T${j}`), voters: 3000 }, entropy);
  console.log(`  ${devices} device(s): ${((now() - t) / n).toFixed(2)} ms`);
}
