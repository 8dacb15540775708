// FlashPort on a named partition of the ESP32's flash (esp32/partitions.csv declares
// "journal"). Moddable's flash module: erase(sector), write(offset, length, buffer) which
// can only clear bits, read(offset, length) → ArrayBuffer; all synchronous, durable on return.
// A name other than "xs"/"running"/"nextota" opens the data partition of that name (any subtype).
import Flash from 'flash';
import { PartitionFlash } from './flash-port';

export function openFlashPartition(name = 'journal'): PartitionFlash {
  const flash = new Flash(name);
  return new PartitionFlash({
    byteLength: flash.byteLength,
    blockSize: flash.blockSize,
    erase: (sector) => flash.erase(sector),
    read: (offset, length) => flash.read(offset, length),
    // older Moddable releases take only an ArrayBuffer here: pass exactly the bytes
    write: (offset, length, data) => {
      const exact = new Uint8Array(length);
      exact.set(data.subarray(0, length));
      flash.write(offset, length, exact.buffer as ArrayBuffer);
    },
  });
}
