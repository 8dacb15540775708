// A voter at a device, driven the way a voter drives it: at the terminal the card goes in,
// the language and each contest's option are touched (paging as needed), confirmed, cast,
// buttons "1" and "2" pressed, the code read, the card taken out; at home the member
// identifies the voter on the portable ballot and hands it over for the same flow.
import type { Terminal } from '../../terminal/device';
import type { Screen } from '../../terminal/screens/types';
import type { PortableBallot } from '../../portable-ballot/device';
import type { SimulatedCard } from '../../smartcard-sim/card';
import type { SimulatedCardReader } from '../../smartcard-sim/reader';
import type { TouchDisplay } from './devices';
import type { PortableScreen } from '../../portable-ballot/screens';

/** Lets promise chains run (card operations are promise-based). */
export async function flush(turns = 200): Promise<void> {
  for (let k = 0; k < turns; k++) await Promise.resolve();
}

/** The four digits on the code screen, or undefined. */
export function shownCode(s: Screen): string | undefined {
  return s.texts.find((x) => x.role === 'code')?.text;
}

/** Touches the option's button on the current contest screen, paging forward as needed. */
export function touchOption(touch: (id: string) => void, screen: () => Screen, option: number | string | null): void {
  const want = option === null ? 'blank' : `opt:${option}`;
  for (let i = 0; i < 50; i++) {
    const s = screen();
    if (s.buttons.some((b) => b.id === want)) { touch(want); return; }
    if (!s.buttons.some((b) => b.id === 'page:next')) break;
    touch('page:next');
  }
  throw new Error(`no button ${want} on the contest screen`);
}

export class BoothRefused extends Error {}

/** The card torn out of the terminal during the vote's write: it holds the vote or nothing, and no code was shown. */
export class TornDuringWrite extends Error {}

/**
 * One voter at a terminal; returns the verification code shown. Throws BoothRefused if the
 * card is not taken, TornDuringWrite if `tearAfterBytes` tore the card during the write
 * (the card loses power after that many EEPROM bytes written).
 */
export async function boothVisit(t: Terminal, reader: SimulatedCardReader, card: SimulatedCard, lang: 'kk' | 'ru', choices: readonly number[], tearAfterBytes?: number): Promise<string | undefined> {
  reader.insert(card);
  await t.idle();
  await flush();
  if (t.ballotState?.phase !== 'language') {
    const id = t.currentScreen.id;
    reader.remove();
    throw new BoothRefused(`the terminal did not take the card (screen ${id})`);
  }
  t.touch(`lang:${lang}`);
  for (const c of choices) {
    touchOption((b) => t.touch(b), () => t.currentScreen, c);
    t.touch('confirm');
  }
  t.touch('proceed');
  if (tearAfterBytes !== undefined) card.eeprom.tearAfter(tearAfterBytes);
  t.touch('cast');
  await t.idle();
  await flush();
  if (tearAfterBytes !== undefined) {
    const torn = !reader.isCardPresent();
    card.eeprom.disarm(); // a write shorter than the tear point leaves it armed
    if (torn) throw new TornDuringWrite(`the card was torn out during the write (screen ${t.currentScreen.id})`);
  }
  t.press('1');
  t.press('2');
  const code = shownCode(t.currentScreen);
  reader.remove();
  if (code === undefined) throw new BoothRefused(`no code shown after casting (screen ${t.currentScreen.id})`);
  return code;
}

/** One home voter (index in the loaded list) on the portable ballot; returns the code shown. */
export async function homeVisit(dev: PortableBallot, display: TouchDisplay<PortableScreen>, index: number, choices: readonly number[]): Promise<string | undefined> {
  dev.identify(index);
  display.touch('member:confirm');
  if (!dev.sessionOpen) throw new Error(`the portable ballot refused home voter ${index}`);
  display.touch('lang:kk');
  const screen = (): Screen => {
    const s = display.screen;
    if (!s || s.mode !== 'ballot') throw new Error('the portable ballot shows no ballot screen');
    return s.screen;
  };
  for (const c of choices) {
    touchOption((b) => display.touch(b), screen, c);
    display.touch('confirm');
  }
  for (const b of ['proceed', 'cast', 'code:1', 'code:2']) display.touch(b);
  await flush();
  const code = dev.ballotState?.code;
  dev.endVoter();
  return code === undefined || code === null ? undefined : String(code).padStart(4, '0');
}
