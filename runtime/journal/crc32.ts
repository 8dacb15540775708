// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib computes it. The journal's
// per-record check: it catches every burst of up to 32 bits and costs one table look-up per
// byte, which matters in XS where a SHA-256 per record would dominate recovery time.

let table: Uint32Array | undefined; // 1 KiB, built on first use

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Continues a CRC over more bytes: crc32(b, crc32(a)) === crc32(a ‖ b). Start from 0. */
export function crc32(bytes: Uint8Array, previous = 0, start = 0, end = bytes.length): number {
  const t = table ?? (table = makeTable());
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
