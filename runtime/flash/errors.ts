// Typed failures of a flash part. Shared by the simulated flash, the fault injector and
// the file-backed flash on Node, so tests can tell a caller's bug from a power cut.

export type FlashErrorCode = 'flash-out-of-range' | 'flash-misaligned';

/** A call the part cannot carry out: outside the part, or offsets/blocks that are not whole numbers. */
export class FlashError extends Error {
  readonly code: FlashErrorCode;
  constructor(code: FlashErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'FlashError';
    this.code = code;
  }
}

/** Thrown by the fault injector: the power went at this operation, and stays off for every later one. */
export class PowerCutError extends Error {
  readonly code = 'power-cut';
  constructor(message: string) {
    super(`power-cut: ${message}`);
    this.name = 'PowerCutError';
  }
}

/** Checks a byte range against a part's size; the same rule for every FlashPort we build. */
export function checkRange(offset: number, length: number, size: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length)) throw new FlashError('flash-misaligned', `offset ${offset} and length ${length} must be whole numbers`);
  if (offset < 0 || length < 0 || offset + length > size) throw new FlashError('flash-out-of-range', `bytes ${offset}..${offset + length} outside 0..${size}`);
}

export function checkBlock(block: number, blockCount: number): void {
  if (!Number.isInteger(block)) throw new FlashError('flash-misaligned', `block ${block} is not a block index`);
  if (block < 0 || block >= blockCount) throw new FlashError('flash-out-of-range', `block ${block} outside 0..${blockCount - 1}`);
}
