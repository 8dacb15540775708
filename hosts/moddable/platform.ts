// The ports of the reference board (ESP32-S3, hosts/moddable/board.ts) for a device's main.
// Device manifests map the module `hosts/moddable/platform` to this file on esp32 and to
// platform-sim.ts on the simulator (as the self-test app does with its storage module), so a
// main imports '../hosts/moddable/platform' and runs on both.
import { openFlashPartition } from './flash';
import { openCardReader } from './card-reader';
import { openButtons } from './buttons';
import { BoardPower } from './power';
import { UartLink } from './link-serial';
import { PwmBuzzer } from './sound';
import { openEntropy } from './entropy';
import { BOARD } from './board';
import type { ButtonsPort, CardReaderPort, ClockPort, EntropyPort, FlashPort, LinkPort, PowerPort, SoundPort } from '../../runtime/ports';

export interface Platform {
  /** 'board' (flash partition, real peripherals) or 'simulator'. */
  kind: 'board' | 'simulator';
  /** Where the flash is, for the boot trace. */
  where: string;
  flash: FlashPort;
  entropy: EntropyPort;
  /** The wire to the precinct computer; absent where the platform has none. */
  link: LinkPort | undefined;
  cardReader: CardReaderPort;
  buttons: ButtonsPort | undefined;
  power: PowerPort;
  sound: SoundPort;
}

/** Opens the board's ports; throws (the device does not start) without a hardware RNG. */
export function openPlatform(clock: ClockPort, _simBlocks: number): Platform {
  return {
    kind: 'board',
    where: 'partition "journal"',
    flash: openFlashPartition('journal'),
    entropy: openEntropy(),
    link: new UartLink(BOARD.hostLink),
    cardReader: openCardReader(clock),
    buttons: openButtons(clock),
    power: new BoardPower(),
    sound: new PwmBuzzer(),
  };
}
