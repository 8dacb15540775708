// The accumulator on its link to the precinct computer: the session (framing, Noise KK with the
// enrolled precinct computer, one-request-at-a-time RPC) from runtime/link-endpoint, answering
// the common messages and the accumulator's own, with the link's refusals in the event log.

import { LinkEndpoint, type LinkSecurityEvent } from '../runtime/link-endpoint';
import type { ClockPort, CryptoPort, EntropyPort, LinkPort } from '../runtime/ports';
import type { NoiseKeyPair } from '../protocol/crypto/noise';
import { RpcServer } from '../protocol/wire/rpc';
import { accumulatorRegistry } from './messages';
import type { Accumulator } from './device';

export interface AccumulatorLinkOptions {
  link: LinkPort;
  clock: ClockPort;
  crypto: CryptoPort;
  entropy: EntropyPort;
  /** The device's static X25519 key pair (its public key is the identity's noisePublicKey). */
  staticKey: NoiseKeyPair;
  /** Static public keys of the enrolled precinct computer(s). */
  enrolledKeys: readonly Uint8Array[];
}

export function serveAccumulator(acc: Accumulator, o: AccumulatorLinkOptions): { endpoint: LinkEndpoint; rpc: RpcServer } {
  const rpc = acc.serve(new RpcServer(accumulatorRegistry(), { onInternalError: (type) => acc.linkRefusal('internal', type) }));
  const endpoint = new LinkEndpoint({
    link: o.link, clock: o.clock, crypto: o.crypto, entropy: o.entropy, staticKey: o.staticKey, enrolledKeys: o.enrolledKeys, rpc,
    onSecurityEvent: (e: LinkSecurityEvent) => acc.linkRefusal(e.code),
  });
  return { endpoint, rpc };
}
