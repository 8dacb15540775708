// Keys, an election and a deterministic entropy source for the voter-card tests.
import { nobleCrypto } from '../../protocol/crypto/noble';
import type { EntropyPort } from '../../protocol/crypto/port';
import { concatBytes, utf8Encode } from '../../protocol/bytes';
import { createActivation, sealVote } from '../../protocol/card/records';
import type { ActivationPolicy, Selection, VotePolicy } from '../../protocol/card/records';

export const crypto = nobleCrypto;

/** Reproducible "randomness" for tests: SHA-256 of a label and a counter. */
export function seededEntropy(label: string): EntropyPort {
  let counter = 0;
  return {
    randomBytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let o = 0; o < n; o += 32) {
        out.set(crypto.sha256(concatBytes(utf8Encode(label), Uint8Array.of(counter >> 24, counter >> 16, counter >> 8, counter))).subarray(0, Math.min(32, n - o)), o);
        counter++;
      }
      return out;
    },
  };
}

const keyEntropy = seededEntropy('card-test-keys');
export const issuerSecret = keyEntropy.randomBytes(32);
export const issuerPublic = crypto.ed25519PublicKey(issuerSecret);
export const otherIssuerSecret = keyEntropy.randomBytes(32);
export const terminalSecret = keyEntropy.randomBytes(32);
export const terminalPublic = crypto.ed25519PublicKey(terminalSecret);
export const rogueTerminalSecret = keyEntropy.randomBytes(32);
export const electionSecret = keyEntropy.randomBytes(32);
export const electionPublic = crypto.x25519PublicKey(electionSecret);
export const election = crypto.sha256(utf8Encode('election A: 2024 parliamentary'));
export const otherElection = crypto.sha256(utf8Encode('election B'));
export const PRECINCT = 1234;

export const activationPolicy: ActivationPolicy = { electionFingerprint: election, precinct: PRECINCT, issuers: [issuerPublic] };
export const votePolicy: VotePolicy = { terminals: [terminalPublic] };
export const policy = { ...activationPolicy, ...votePolicy };

export const sampleSelections: Selection[] = [
  { contest: 'president', option: 'candidate-07' },
  { contest: 'party-list', option: 3 },
  { contest: 'maslikhat', option: null },
];

export function makeActivation(entropy = seededEntropy('activation'), over: Partial<{ precinct: number; electionFingerprint: Uint8Array; ballotStyle: number; issuedAt: number; issuer: Uint8Array }> = {}) {
  return createActivation(crypto, entropy, over.issuer ?? issuerSecret, {
    electionFingerprint: over.electionFingerprint ?? election,
    precinct: over.precinct ?? PRECINCT,
    ballotStyle: over.ballotStyle ?? 1,
    issuedAt: over.issuedAt ?? 1_717_999_200,
  });
}

export function makeVote(activationBytes: Uint8Array, entropy = seededEntropy('vote'), over: Partial<{ selections: Selection[]; code: number; terminal: Uint8Array }> = {}) {
  return sealVote(crypto, entropy, {
    activationBytes,
    electionFingerprint: election,
    electionPublicKey: electionPublic,
    terminalSecretKey: over.terminal ?? terminalSecret,
    content: { selections: over.selections ?? sampleSelections, verificationCode: over.code ?? 427 },
  });
}
