// The self-test app's flash on the Moddable simulator (lin/mac/win): Moddable has no flash
// module there, so a NOR flash in RAM (runtime/flash/sim). Its contents go at every restart;
// the journal's power-cut behaviour is proved by the campaigns in tests/, not here.
// The manifest maps hosts/moddable/apps/selftest/storage to this file on simulator platforms.
import { SimFlash } from '../../../../runtime/flash/sim';
import type { FlashPort } from '../../../../runtime/ports';

/** 16 blocks (64 KiB of RAM): enough for a journal plus the scratch block. */
export function openStorage(): { flash: FlashPort; where: string } {
  return { flash: new SimFlash(16), where: 'RAM (simulator)' };
}
