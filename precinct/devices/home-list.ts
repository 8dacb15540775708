// Loading the home voters into the portable ballot (001 §13): the applications recorded on the
// precinct computer (precinct/home-voting.ts) go to the device with portable.load-voters, in
// chunks, checked by the list digest both sides compute; then they are marked loaded (no
// withdrawal after this).
import { getSetting } from '../db/open';
import { listDevices } from '../db/devices';
import { eventLog } from '../event-log';
import { PrecinctError } from '../errors';
import { homeVoting } from '../home-voting';
import type { HomeVoter } from '../../portable-ballot/voter-list';
import { SETTING, readElection, type DeviceWork } from '../setup';
import { portableLoadVoters } from './calls';
import { DeviceError } from './errors';

export interface HomeLoadResult { deviceId: string; voters: number; digest: Uint8Array }

/** Sends the list to the (only, or the named) active portable ballot and marks it loaded. */
export async function loadHomeVoters(w: DeviceWork, deviceId?: string): Promise<HomeLoadResult> {
  const { db, clock, crypto } = w;
  const portables = listDevices(db, 'portable-ballot').filter((d) => d.status === 'active');
  const device = deviceId ? portables.find((d) => d.deviceId === deviceId) : portables.length === 1 ? portables[0] : undefined;
  if (!device) {
    throw new PrecinctError('portable-ballot-choice', portables.length === 0 ? 'no portable ballot is commissioned: run `commission portable-ballot <address> --key …`'
      : deviceId ? `${deviceId} is not an active portable ballot` : `${portables.length} portable ballots: name one`);
  }
  const day = getSetting(db, SETTING.electionDate);
  if (!day) throw new PrecinctError('precinct-not-created', 'run `init` first');
  const hv = homeVoting(db, clock, { electionDay: day });
  const apps = hv.listForPortableBallot();
  const voters: HomeVoter[] = apps.map((a) => ({
    registerNo: a.voter.registerNo, surname: a.voter.surname, firstName: a.voter.firstName, patronymic: a.voter.patronymic,
    birthDate: a.voter.birthDate, address: a.location, appliedAt: a.receivedAt,
  }));
  const election = readElection(db, crypto);
  let digest: Uint8Array;
  try {
    digest = await portableLoadVoters(w.pool.link(device.deviceId), crypto, election.fingerprint, voters, (n, total) => w.progress?.(`${device.deviceId}: ${n}/${total} voters`));
  } catch (e) {
    if (e instanceof DeviceError) eventLog(db, clock).append({ event: 'portable-ballot-loaded', disposition: 'failed', detail: { deviceId: device.deviceId, reason: e.code } });
    throw e;
  }
  hv.markLoaded(voters.map((v) => v.registerNo));
  return { deviceId: device.deviceId, voters: voters.length, digest };
}
