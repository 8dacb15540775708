// The counting inputs the precinct computer's own database supplies: the enrolled devices
// and the register-side figures (cards activated, home applications).
import type { PrecinctDb } from '../db/open';
import { listDevices } from '../db/devices';
import { readCounters } from '../counters';
import type { EnrolledDevice, RegisterFigures } from './types';

export function enrolledDevices(db: PrecinctDb): EnrolledDevice[] {
  return listDevices(db).map((d) => ({ deviceId: d.deviceId, kind: d.kind, signPublicKey: d.signPublicKey, kexPublicKey: d.kexPublicKey, status: d.status }));
}

/** `cardsSpoiled` comes from the commission's record of spoiled cards (no table holds it yet). */
export function registerFigures(db: PrecinctDb, cardsSpoiled = 0): RegisterFigures {
  const c = readCounters(db);
  return { registered: c.registered, cardsActivated: c.admitted, cardsSpoiled, homeApplications: c.homeApplications };
}
