// Battery level from cell voltage: a one-cell Li-ion resting-voltage curve, interpolated, with
// the readings smoothed (ADC noise and load steps would make the level jump). Pure code.

const CURVE: readonly (readonly [number, number])[] = [
  [3300, 0], [3500, 5], [3600, 15], [3700, 30], [3800, 50], [3900, 65], [4000, 80], [4100, 90], [4200, 100],
];

/** 0–100 from a cell voltage in millivolts. */
export function batteryPercentFromMillivolts(mv: number): number {
  if (!(mv > CURVE[0][0])) return 0;
  for (let i = 1; i < CURVE.length; i++) {
    const [v1, p1] = CURVE[i];
    if (mv <= v1) {
      const [v0, p0] = CURVE[i - 1];
      return Math.round(p0 + ((mv - v0) * (p1 - p0)) / (v1 - v0));
    }
  }
  return 100;
}

/** ADC reading → cell millivolts, given the ADC's resolution, full scale and the divider. */
export function cellMillivolts(raw: number, resolutionBits: number, fullScaleMv: number, dividerRatio: number): number {
  return (raw / ((1 << resolutionBits) - 1)) * fullScaleMv * dividerRatio;
}

/** Exponential smoothing of successive readings; the first reading is taken as is. */
export class Smoother {
  private value: number | undefined;
  constructor(private readonly weight = 0.2) {}
  add(x: number): number {
    this.value = this.value === undefined ? x : this.value + this.weight * (x - this.value);
    return this.value;
  }
}
