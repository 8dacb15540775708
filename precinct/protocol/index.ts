// The electronic protocol: build from a count, sign with the chairman's key, verify,
// export (JSON, NIST SP 1500-100 v2), print (PDF with a QR code).
import type { CryptoPort } from '../../protocol/crypto/port';
import type { CountResult } from '../count/types';
import { buildProtocol, type ProtocolDocument, type ProtocolMeta } from './document';
import { encodeSignedProtocol, signProtocol, type SignedProtocol } from './sign';

export * from './document';
export * from './decode';
export * from './sign';
export * from './verify';
export * from './nist';
export * from './words';

/** Count → protocol → signed file bytes, in one step. */
export function makeSignedProtocol(crypto: CryptoPort, count: CountResult, meta: ProtocolMeta, chairmanSecretKey: Uint8Array): { doc: ProtocolDocument; signed: SignedProtocol; bytes: Uint8Array } {
  const doc = buildProtocol(count, meta);
  const signed = signProtocol(crypto, doc, chairmanSecretKey);
  return { doc, signed, bytes: encodeSignedProtocol(signed) };
}
