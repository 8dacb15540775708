// The guest side of the XS host: firmware running inside xsnap reaches the Node harness
// only through xsnap's synchronous `issueCommand`. Messages are deterministic CBOR maps
// {op, ...}; the reply is CBOR too. No Node here: this code runs inside XS.
import { encodeCbor, decodeCbor, type CborValue } from '../../../protocol/cbor';
import type { EntropyPort } from '../../../protocol/crypto/port';

declare const issueCommand: (message: ArrayBuffer) => ArrayBuffer;

export function hostCall(op: string, args: { [key: string]: CborValue } = {}): CborValue {
  const request = encodeCbor({ ...args, op });
  const reply = issueCommand(request.buffer.slice(request.byteOffset, request.byteOffset + request.byteLength) as ArrayBuffer);
  return decodeCbor(new Uint8Array(reply));
}

/** Randomness from the host's operating system: XS's own random function repeats every boot. */
export const hostEntropy: EntropyPort = {
  randomBytes(length: number): Uint8Array {
    const r = hostCall('random', { length });
    if (!(r instanceof Uint8Array) || r.length !== length) throw new Error('host gave no randomness');
    return r;
  },
};

/** Hands a named result to the harness (the test compares it with Node's own). */
export function report(name: string, value: CborValue): void {
  hostCall('report', { name, value });
}
