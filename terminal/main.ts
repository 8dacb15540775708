// The voting terminal's Moddable entry point (manifest "creation.main": "terminal/main").
// Builds the ports for the platform (hosts/moddable/platform: the board, or platform-sim on the
// simulator), starts the terminal (terminal/device.ts), serves its link to the precinct
// computer and runs the boot self-test, tracing the report ("TERMINAL SELFTEST PASS|FAIL").
// The terminal keeps its own keys in its journal (made at first boot from the entropy port).
// Screens are drawn with Piu (hosts/moddable/ballot-display.ts, DejaVu Sans bitmap fonts from
// hosts/moddable/fonts/) on the panel, or on the simulator's screen, and traced
// ("TERMINAL screen <id> drawn <w>x<h> <fonts>"). A simulator build given the config flag
// screenDemo=1 (mcconfig … screenDemo=1) instead walks a made-up ballot's screens on its own
// flow (language, contest, confirm, review, final, thanks, code), one every 2 s, so they can be
// looked at; the terminal then traces its screens only. Board builds never do (platform kind).
import '../hosts/moddable/globals'; // first (and preloaded): Error names and TextEncoder for noble
import { ModdableClock } from '../hosts/moddable/clock';
import { openPlatform } from '../hosts/moddable/platform';
import { buildKeys, traceKeys, traceLine, traceSelfTest } from '../hosts/moddable/device-boot';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { toHex } from '../protocol/bytes';
import config from 'mc/config';
import Timer from 'timer';
import type { DisplayPort } from '../runtime/ports';
import { BallotPiuDisplay } from '../hosts/moddable/ballot-display';
import { ballotPageSizes } from '../hosts/moddable/ballot-layout';
import { createBallotFlow, type BallotEvent, type BallotState } from './ballot/flow';
import type { BallotView } from './ballot/view';
import { ballotScreen } from './screens/ballot-screens';
import { Terminal, type TerminalLayout } from './device';
import type { Screen } from './screens/types';

const FIRMWARE = '0.1.0';
/** The simulator's RAM flash: a 48-block journal, the code block, the scratch block. */
const SIM_BLOCKS = 50;

/** The journal on all but the last two blocks; the used-code bitmap; the self-test's scratch block. */
function layoutFor(blocks: number): TerminalLayout {
  return { journal: { firstBlock: 0, blockCount: blocks - 2 }, codesBlock: blocks - 2, scratchBlock: blocks - 1 };
}

/** The reference board's panel: 2.8" 320×240, ≈ 143 dpi (hosts/moddable/board.ts). The simulator's screen is taken as the same density. */
const PANEL_DPI = 143;

class TraceDisplay implements DisplayPort<Screen> {
  show(screen: Screen): void { traceLine(`TERMINAL screen ${screen.id}`); }
  onTouch(): void {}
}

/** Draws with Piu and traces what it drew: the screen, the panel and the fonts used. */
class DrawingDisplay implements DisplayPort<Screen> {
  constructor(readonly piu: BallotPiuDisplay) {}
  show(screen: Screen): void {
    this.piu.show(screen);
    const l = this.piu.layout!;
    const fonts = [...new Set([...l.texts.map((t) => t.font), ...l.buttons.map((b) => b.font)])].sort().join(',');
    traceLine(`TERMINAL screen ${screen.id} drawn ${this.piu.panel.widthPx}x${this.piu.panel.heightPx}${l.fits ? '' : ' (does not fit)'} ${fonts}`);
  }
  onTouch(handler: (id: string) => void): void { this.piu.onTouch(handler); }
}

/** A made-up two-language ballot for the simulator's screen demo (screenDemo=1); not an election. */
const DEMO_BALLOT: BallotView = {
  title: { kk: 'Көрсетілім бюллетені', ru: 'Демонстрационный бюллетень' },
  contests: [{
    id: 'demo',
    title: { kk: 'Қазақстан Республикасының Президенті', ru: 'Президент Республики Казахстан' },
    kind: 'candidates',
    blankAllowed: false,
    options: [
      { id: 1, kind: 'candidate', name: { kk: 'Әбілов Ерлан Серікұлы', ru: 'Әбілов Ерлан Серікұлы' }, detail: { kk: '«Дала» партиясы', ru: 'Партия «Дала»' } },
      { id: 2, kind: 'candidate', name: { kk: 'Қасымова Айгүл Болатқызы', ru: 'Қасымова Айгүл Болатқызы' }, detail: { kk: 'Өзін-өзі ұсыну', ru: 'Самовыдвижение' } },
      { id: 3, kind: 'against-all', name: { kk: 'Барлығына қарсы', ru: 'Против всех' } },
    ],
  }],
};

/** Steps a flow of DEMO_BALLOT through the voter's screens, drawing each (simulator only). */
function screenDemo(display: DrawingDisplay, lang: 'kk' | 'ru', large: boolean): void {
  const flow = createBallotFlow(DEMO_BALLOT, ballotPageSizes(display.piu.panel, DEMO_BALLOT, display.piu.measure));
  let s: BallotState = flow.initial();
  const steps: BallotEvent[] = [
    { type: 'card-inserted' }, { type: 'card-accepted' },
    ...(large ? [{ type: 'touch', button: 'large-text' } as BallotEvent] : []),
    { type: 'touch', button: `lang:${lang}` }, { type: 'touch', button: 'opt:1' }, { type: 'touch', button: 'confirm' },
    { type: 'touch', button: 'proceed' }, { type: 'touch', button: 'cast' },
    { type: 'vote-written', verificationCode: 4271 }, { type: 'button', name: '1' }, { type: 'button', name: '2' },
  ];
  display.show(ballotScreen(flow, s));
  let i = 0;
  const timer = Timer.repeat(() => {
    if (i >= steps.length) { Timer.clear(timer); traceLine('TERMINAL screen demo done'); return; }
    const e = steps[i++];
    traceLine(`TERMINAL demo event ${e.type}${e.type === 'touch' ? ` ${e.button}` : ''}`);
    s = flow.step(s, e).state;
    display.show(ballotScreen(flow, s));
  }, 2000);
}

async function main(): Promise<void> {
  traceLine(`TERMINAL boot ${FIRMWARE}`);
  const clock = new ModdableClock();
  const p = openPlatform(clock, SIM_BLOCKS);
  const keys = buildKeys('TRM-UNSET');
  traceLine(`TERMINAL flash: ${p.where}, ${p.flash.blockCount} x ${p.flash.blockSize} B`);
  const piu = new BallotPiuDisplay({ dpi: PANEL_DPI });
  const drawing = new DrawingDisplay(piu);
  const demo = p.kind === 'simulator' && Number((config as Record<string, unknown>).screenDemo ?? 0) > 0;
  const terminal = new Terminal({
    ports: { flash: p.flash, clock, entropy: p.entropy, crypto, cardReader: p.cardReader, buttons: p.buttons, power: p.power, display: demo ? new TraceDisplay() : drawing },
    ballot: ballotPageSizes(piu.panel, undefined, piu.measure),
    layout: layoutFor(p.flash.blockCount),
    identity: { serial: keys.serial, firmwareVersion: FIRMWARE, firmwareHash: new Uint8Array(32) },
    authorityKeys: keys.authorityKeys,
    onFault: (e) => traceLine(`TERMINAL fault: ${String(e)}`),
  });
  traceKeys('TERMINAL', keys, p.link !== undefined);
  traceLine(`TERMINAL state ${terminal.state}; noise key ${toHex(terminal.noiseKey.publicKey)}; journal ${terminal.journal.count} records`);
  if (p.link) terminal.attachLink(p.link, keys.precinctKeys);
  traceSelfTest('TERMINAL', await terminal.runSelfTest());
  if (demo) {
    const c = config as Record<string, unknown>;
    screenDemo(drawing, c.screenDemoLang === 'ru' ? 'ru' : 'kk', Number(c.screenDemoLarge ?? 0) > 0);
  }
}

main().catch((e: unknown) => { traceLine(`TERMINAL boot failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`); });
