// CRC-32/ISO-HDLC (Ethernet, zlib, PNG): reflected polynomial 0xEDB88320, initial value and
// final XOR 0xFFFFFFFF; check value crc32("123456789") = 0xCBF43926. One implementation for
// the wire frames (line noise; authenticity is Noise's job) and the flash journal's records
// (torn writes; a SHA-256 per record would dominate recovery time in XS). It keeps Hamming
// distance 4 over our largest frame (about 33,000 bits), where CRC-16/CCITT drops to 2.

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

/**
 * CRC-32 of bytes[start, end), continuing from `previous` (0 to start):
 * crc32(b, crc32(a)) === crc32(a ‖ b).
 */
export function crc32(bytes: Uint8Array, previous = 0, start = 0, end = bytes.length): number {
  const t = table ?? (table = makeTable());
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
