// Moved to protocol/crc32 (one CRC-32 for frames and journal records).
export { crc32 } from '../../protocol/crc32';
