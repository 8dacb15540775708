// PowerPort on the board: mains-present from the charger's status line, battery level from
// the cell voltage on an ADC pin (through a divider). ADC_FULL_SCALE_MV is the ESP32-S3's
// calibrated range at 11 dB attenuation; check it per board at bring-up.
import Analog from 'embedded:io/analog';
import Digital from 'embedded:io/digital';
import type { PowerPort, PowerStatus } from '../../runtime/ports';
import { Smoother, batteryPercentFromMillivolts, cellMillivolts } from './battery';
import { BOARD } from './board';

const ADC_FULL_SCALE_MV = 3100;

export class BoardPower implements PowerPort {
  private readonly adc: Analog;
  private readonly mains: Digital;
  private readonly smooth = new Smoother();

  constructor(private readonly pins = BOARD.power) {
    this.adc = new Analog({ pin: pins.batteryPin });
    this.mains = new Digital({ pin: pins.mainsPin, mode: Digital.Input });
  }

  status(): PowerStatus {
    const mv = this.smooth.add(cellMillivolts(this.adc.read(), this.adc.resolution, ADC_FULL_SCALE_MV, this.pins.dividerRatio));
    return { source: this.mains.read() === 1 ? 'mains' : 'battery', batteryPercent: batteryPercentFromMillivolts(mv) };
  }
}
