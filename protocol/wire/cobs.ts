// Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): rewrites a block so that it
// contains no 0x00 byte, at a cost of one byte per 254 (plus one), so 0x00 can delimit
// frames on a byte stream and a receiver resynchronises at the next 0x00 whatever came
// before it.

import { ProtocolError } from '../bytes';

/** Largest COBS encoding of n bytes. */
export function cobsMaxEncodedLength(n: number): number {
  return n + Math.floor(n / 254) + 1;
}

/** Encodes src[0, n) into out at offset; returns the number of bytes written. */
export function cobsEncodeInto(src: Uint8Array, out: Uint8Array, offset: number): number {
  let codeAt = offset;
  let o = offset + 1;
  let code = 1;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    } else {
      out[o++] = b;
      code++;
      if (code === 0xff) {
        out[codeAt] = code;
        // A full block that ends the input needs no further code byte (as in the usual
        // statement of COBS; decoders accept a trailing 0x01 too).
        if (i + 1 === src.length) return o - offset;
        codeAt = o++;
        code = 1;
      }
    }
  }
  out[codeAt] = code;
  return o - offset;
}

export function cobsEncode(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedLength(src.length));
  return out.slice(0, cobsEncodeInto(src, out, 0));
}

/**
 * Decodes one COBS block (no 0x00 in it) of src[start, end). Throws
 * ProtocolError('cobs-malformed') when a code byte points past the end or the block holds a 0x00.
 */
export function cobsDecode(src: Uint8Array, start = 0, end = src.length): Uint8Array {
  const out = new Uint8Array(Math.max(0, end - start));
  let o = 0;
  let i = start;
  while (i < end) {
    const code = src[i++];
    if (code === 0) throw new ProtocolError('cobs-malformed', 'zero byte inside a COBS block');
    const stop = i + code - 1;
    if (stop > end) throw new ProtocolError('cobs-malformed', 'code byte runs past the end of the block');
    for (; i < stop; i++) {
      const b = src[i];
      if (b === 0) throw new ProtocolError('cobs-malformed', 'zero byte inside a COBS block');
      out[o++] = b;
    }
    if (code !== 0xff && i < end) out[o++] = 0;
  }
  return out.slice(0, o);
}
