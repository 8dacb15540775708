// The set-up of tests/xs/accumulator-entry.ts without taking the cards: its compute meter is
// subtracted from the entry's to give the device's work per card in XS.
import { report } from '../../hosts/xs/guest/bridge';
import { runScenario } from './accumulator-scenario';

runScenario(false).then((r) => { for (const k of Object.keys(r)) report(k, r[k]); }, (e: unknown) => report('error', String(e)));
