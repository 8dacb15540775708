// Runs inside XS: the accumulator firmware takes one voted card (accepted, stored, cleared)
// and refuses one (a vote signed by a terminal that is not enrolled), then closes and reads
// out. Everything on the real engine with the pure-TS crypto port; the card is a small
// in-memory card answering the voter-card APDUs (the simulator in smartcard-sim/ needs Node).
// tests/xs/accumulator-baseline.ts does the same set-up without the cards, so the difference
// of the two compute meters is the device's work for the two cards.
import { report } from '../../hosts/xs/guest/bridge';
import { runScenario } from './accumulator-scenario';

runScenario(true).then((r) => { for (const k of Object.keys(r)) report(k, r[k]); }, (e: unknown) => report('error', String(e)));
