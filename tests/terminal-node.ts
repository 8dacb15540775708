// Node-side helpers for the terminal tests and bench: sample elections from samples/, cards
// activated on the simulated card, and one voter's whole visit to the booth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex } from '../protocol/bytes';
import { verifySignedElection } from '../protocol/election/signed';
import type { ElectionDefinition } from '../protocol/election/model';
import { nobleCrypto } from '../protocol/crypto/noble';
import { CardClient } from '../runtime/card-client';
import { SimulatedCard } from '../smartcard-sim/card';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { ballotViewFromElection } from '../terminal/ballot/from-election';
import type { BallotView } from '../terminal/ballot/view';
import type { Terminal } from '../terminal/device';
import { castBallot, flush, shownCode } from './terminal-helpers';

const root = join(import.meta.dirname, '..');

export function readKey(path: string): Uint8Array {
  return fromHex(readFileSync(join(root, path), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('').trim());
}

export const AUTHORITY_PUBLIC = readKey('samples/keys/test-election-authority.key.pub');
export const SAMPLE_NAMES = ['presidential', 'mazhilis', 'maslikhat'] as const;

export interface Sample {
  name: string;
  signed: Uint8Array;
  definition: ElectionDefinition;
  fingerprint: Uint8Array;
  view: BallotView;
}

export function sample(name: string): Sample {
  const signed = new Uint8Array(readFileSync(join(root, `samples/elections/${name}.election.cbor`)));
  const v = verifySignedElection(signed, [AUTHORITY_PUBLIC], nobleCrypto);
  return { name, signed, definition: v.definition, fingerprint: v.fingerprint, view: ballotViewFromElection(v.definition) };
}

/** A card holding `activation` (or blank), made on a separate writer as the precinct would. */
export async function cardWith(activation: Uint8Array | null): Promise<SimulatedCard> {
  const card = new SimulatedCard();
  if (!activation) return card;
  const rd = new SimulatedCardReader();
  rd.insert(card);
  const c = new CardClient(rd, nobleCrypto);
  await c.connect();
  await c.activate(activation);
  rd.remove();
  return card;
}

export interface Visit { accepted: boolean; code: string | undefined; screenIds: string[] }

/**
 * One voter: inserts the card, votes for `options` in `lang`, presses "1" and "2", reads the
 * code, takes the card out.
 */
export async function visit(t: Terminal, reader: SimulatedCardReader, card: SimulatedCard, lang: 'kk' | 'ru', options: readonly (string | number | null)[]): Promise<Visit> {
  const screenIds: string[] = [];
  reader.insert(card);
  await t.idle();
  await flush();
  screenIds.push(t.currentScreen.id);
  if (t.ballotState?.phase !== 'language') {
    reader.remove();
    return { accepted: false, code: undefined, screenIds };
  }
  castBallot(t, lang, options);
  await t.idle();
  await flush();
  screenIds.push(t.currentScreen.id);
  t.press('1');
  t.press('2');
  const code = shownCode(t.currentScreen);
  screenIds.push(t.currentScreen.id);
  reader.remove();
  return { accepted: true, code, screenIds };
}
