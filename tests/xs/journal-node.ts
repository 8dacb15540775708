// Runs tests/xs/journal-entry.ts on Node with a stand-in for xsnap's issueCommand, printing
// the same { reports } JSON line as hosts/xs/harness/run.ts, so the two engines can be compared.
import { decodeCbor, encodeCbor, type CborObject, type CborValue } from '../../protocol/cbor';
import { toHex } from '../../protocol/bytes';

const reports: Record<string, unknown> = {};
function toJson(v: CborValue): unknown {
  if (v instanceof Uint8Array) return { hex: toHex(v) };
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object' && !(v instanceof Map)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}
(globalThis as { issueCommand?: unknown }).issueCommand = (message: ArrayBuffer): ArrayBuffer => {
  const call = decodeCbor(new Uint8Array(message)) as CborObject;
  if (call.op === 'report') reports[call.name as string] = toJson(call.value);
  const out = encodeCbor(null);
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
};
await import('./journal-entry');
console.log(JSON.stringify({ reports }));
