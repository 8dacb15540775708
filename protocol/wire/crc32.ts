// CRC-32/ISO-HDLC (the CRC of Ethernet, zlib and PNG): reflected polynomial 0xEDB88320,
// initial value and final XOR 0xFFFFFFFF. Check value: crc32("123456789") = 0xCBF43926.
// Chosen for frames because it is available in every language's standard library and it
// keeps Hamming distance 4 over our largest frame (about 33,000 bits), where CRC-16/CCITT
// drops to distance 2 beyond 32,751 bits. It detects line noise only: authenticity is
// Noise's job.

const TABLE = /* @__PURE__ */ (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of bytes[start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
