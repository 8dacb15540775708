// The self-test app's flash on a board: the "journal" data partition (esp32/partitions.csv)
// through Moddable's flash module. The simulator build maps this module to storage-sim.ts.
import { openFlashPartition } from '../../flash';
import type { FlashPort } from '../../../../runtime/ports';

export function openStorage(): { flash: FlashPort; where: string } {
  return { flash: openFlashPartition('journal'), where: 'partition "journal"' };
}
