// Where everything of a terminal Screen goes on a panel from 320×240 to 800×480: pure
// arithmetic, no Piu, so it is tested on Node (tests/terminal-display.test.ts) and drawn by
// ballot-display.ts. Touch targets are never smaller than VVSG 2.0 7.2-I's 0.5 in (12.7 mm)
// in either direction, computed from the panel's DPI; large-text mode scales the fonts by
// 1.6 and the flow shows fewer options per page (ballotPageSizes gives the flow both sizes).
//
// Fonts: bitmap fonts made from DejaVu Sans (covers Cyrillic with every Kazakh letter,
// U+0400–04FF: Ә Ғ Қ Ң Ө Ұ Ү Һ І) at the sizes in FONT_SIZES_PX, named
// "DejaVuSans-<px>" and "DejaVuSans-Bold-<px>" (docs/terminal.md: how they are generated).

import type { Screen, ScreenButton, ScreenText } from '../../terminal/screens/types';
import { wrap } from '../../terminal/screens/text';

export interface PanelSpec {
  widthPx: number;
  heightPx: number;
  /** Pixels per inch of the panel (e.g. 2.8" 320×240 ≈ 143; 7" 800×480 ≈ 133). */
  dpi: number;
}

export interface Box { x: number; y: number; w: number; h: number }

export interface PlacedText { role: ScreenText['role']; text: string; font: string; sizePx: number; box: Box }
export interface PlacedButton { id: string; label: string; detail?: string; role: ScreenButton['role']; selected: boolean; font: string; sizePx: number; box: Box }

export interface ScreenLayout {
  texts: PlacedText[];
  buttons: PlacedButton[];
  /** Smallest touch target allowed on this panel, px. */
  minTouchPx: number;
  /** True when everything fit; false means the page size is too large for the panel. */
  fits: boolean;
}

export const FONT_SIZES_PX = [14, 16, 18, 20, 24, 28, 32, 40, 48] as const;
export const LARGE_TEXT_SCALE = 1.6;
/** VVSG 2.0 7.2-I: touch targets at least 0.5 in (12.7 mm) high and wide. */
export const MIN_TOUCH_INCHES = 0.5;
/** Average advance of a DejaVu Sans glyph, as a fraction of the font size (Cyrillic text). */
const CHAR_WIDTH_EM = 0.6;
const LINE_HEIGHT_EM = 1.25;

export function minTouchPx(dpi: number): number {
  return Math.ceil(MIN_TOUCH_INCHES * dpi);
}

function nearestFont(px: number): number {
  let best: number = FONT_SIZES_PX[0];
  for (const s of FONT_SIZES_PX) if (s <= px) best = s;
  return best;
}

function fontSizes(panel: PanelSpec, large: boolean): { body: number; title: number; code: number } {
  // Body text about 1/15 of the panel height, at least 16 px (≈ 3 mm on these panels).
  const base = Math.max(16, Math.min(28, Math.round(panel.heightPx / 15)));
  const body = nearestFont(large ? base * LARGE_TEXT_SCALE : base);
  return { body, title: nearestFont(body * 1.25), code: 48 };
}

function lineHeight(px: number): number { return Math.ceil(px * LINE_HEIGHT_EM); }
function charsPerLine(widthPx: number, px: number): number { return Math.max(8, Math.floor(widthPx / (px * CHAR_WIDTH_EM))); }

/** Height of a text block of `text` wrapped into widthPx at font size px. */
function textHeight(text: string, widthPx: number, px: number): number {
  return wrap(text, charsPerLine(widthPx, px)).length * lineHeight(px);
}

/** Buttons drawn as full-width rows (choices); the others share the bar at the bottom. */
function isRow(b: ScreenButton): boolean {
  return b.role === 'option' || b.id.startsWith('change:') || b.id.startsWith('lang:');
}

interface Metrics { touch: number; margin: number; gap: number; innerW: number }

function metrics(panel: PanelSpec): Metrics {
  const margin = Math.max(6, Math.round(panel.dpi * 0.06));
  return { touch: minTouchPx(panel.dpi), margin, gap: Math.max(4, Math.round(panel.dpi * 0.04)), innerW: panel.widthPx - 2 * margin };
}

/** Bar buttons per row: as many as stay at least a touch target wide. */
function barPerRow(m: Metrics, n: number): number {
  return Math.max(1, Math.min(n, Math.floor((m.innerW + m.gap) / (m.touch + m.gap))));
}

function barHeight(m: Metrics, labels: readonly string[], perRow: number): number {
  const px = 16; // bar labels: two short lines fit a 0.5-in square
  const w = Math.floor((m.innerW - m.gap * (perRow - 1)) / perRow) - 8;
  let lines = 1;
  for (const l of labels) lines = Math.max(lines, wrap(l, charsPerLine(w, px)).length);
  return Math.max(m.touch, lines * lineHeight(px) + 8);
}

function rowHeight(m: Metrics, b: { label: string; detail?: string }, px: number): number {
  const w = m.innerW - 16;
  const h = textHeight(b.label, w, px) + (b.detail ? textHeight(b.detail, w, nearestFont(px * 0.85)) : 0);
  return Math.max(m.touch, h + 2 * m.gap);
}

/**
 * Buttons first, so that no rule about touch targets ever gives: the bar at the bottom, the
 * choice rows above it; the texts get the space above the rows, in a smaller font if they
 * need it (down to 14 px). `fits` is false when even then they do not: the panel is too small
 * for this screen at this DPI (see docs/terminal.md: 320×240 panels need a short title).
 */
export function layoutScreen(screen: Screen, panel: PanelSpec): ScreenLayout {
  const m = metrics(panel);
  const f = fontSizes(panel, screen.largeText);
  const buttons: PlacedButton[] = [];
  const bar = screen.buttons.filter((b) => !isRow(b));
  const rows = screen.buttons.filter(isRow);

  let bottom = panel.heightPx - m.margin;
  if (bar.length > 0) {
    const perRow = barPerRow(m, bar.length);
    const barRows = Math.ceil(bar.length / perRow);
    const h = barHeight(m, bar.map((b) => b.label), perRow);
    for (let r = barRows - 1; r >= 0; r--) {
      const row = bar.slice(r * perRow, (r + 1) * perRow);
      const w = Math.floor((m.innerW - m.gap * (row.length - 1)) / row.length);
      const y = bottom - h;
      row.forEach((b, i) => buttons.push(placeButton(b, { x: m.margin + i * (w + m.gap), y, w, h }, 16)));
      bottom = y - m.gap;
    }
  }
  // Rows in the body font; on a panel too small for them (large text on a small panel) the
  // font steps down until they fit, never below 16 px and never the targets themselves.
  let rowPx = f.body;
  let rowHeights = rows.map((b) => rowHeight(m, b, rowPx));
  while (rowPx > 16 && rowHeights.reduce((a, h) => a + h + m.gap, 0) > bottom - m.margin) {
    rowPx = nearestFont(rowPx - 1);
    rowHeights = rows.map((b) => rowHeight(m, b, rowPx));
  }
  let y = bottom - rowHeights.reduce((a, h) => a + h + m.gap, 0) + m.gap;
  const rowsTop = y;
  rows.forEach((b, i) => {
    buttons.push(placeButton(b, { x: m.margin, y, w: m.innerW, h: rowHeights[i] }, rowPx));
    y += rowHeights[i] + m.gap;
  });

  // Texts from the top, shrinking the fonts until they fit above the rows.
  const room = rowsTop - m.gap - m.margin;
  let scale = 1;
  let texts: PlacedText[] = [];
  for (;;) {
    texts = [];
    let ty = m.margin;
    for (const t of screen.texts) {
      const want = t.role === 'title' ? f.title : t.role === 'code' ? f.code : f.body;
      const px = t.role === 'code' ? want : Math.max(14, nearestFont(want * scale));
      const h = textHeight(t.text, m.innerW, px);
      texts.push({ role: t.role, text: t.text, font: `DejaVuSans${t.role === 'title' || t.role === 'code' ? '-Bold' : ''}-${px}`, sizePx: px, box: { x: m.margin, y: ty, w: m.innerW, h } });
      ty += h + m.gap;
    }
    if (ty - m.gap - m.margin <= room || scale < 0.5) break;
    scale -= 0.1;
  }
  const used = texts.length === 0 ? 0 : texts[texts.length - 1].box.y + texts[texts.length - 1].box.h - m.margin;
  return { texts, buttons, minTouchPx: m.touch, fits: used <= room && rowsTop >= m.margin };
}

function placeButton(b: ScreenButton, box: Box, px: number): PlacedButton {
  const p: PlacedButton = { id: b.id, label: b.label, role: b.role, selected: b.selected === true, font: `DejaVuSans-Bold-${px}`, sizePx: px, box };
  if (b.detail) p.detail = b.detail;
  return p;
}

/**
 * Options per page that fit the panel in normal and large text, for BallotConfig (the flow
 * pages the options; this says how many fit). Rows are as tall as the tallest option of
 * `ballot` needs (label and detail wrapped), one row is kept for "leave blank", and the
 * texts above need `reservedLines` lines of title.
 */
export function ballotPageSizes(panel: PanelSpec, ballot?: { contests: readonly { title: { kk: string; ru: string }; options: readonly { name: { kk: string; ru: string }; detail?: { kk: string; ru: string } }[] }[] }): { pageSize: number; largeTextPageSize: number } {
  const m = metrics(panel);
  const sizes = (large: boolean): number => {
    const f = fontSizes(panel, large);
    const barH = barHeight(m, ['Алдыңғы бет', 'Келесі бет', 'Артқа', 'Қалыпты қаріп', 'Предыдущая страница', 'Обычный шрифт'], barPerRow(m, 4));
    const barRows = Math.ceil(4 / barPerRow(m, 4));
    let row = m.touch;
    let titleH = 2 * lineHeight(f.title);
    for (const c of ballot?.contests ?? []) {
      for (const lang of ['kk', 'ru'] as const) {
        titleH = Math.max(titleH, textHeight(c.title[lang], m.innerW, f.title));
        for (const o of c.options) row = Math.max(row, rowHeight(m, { label: o.name[lang], detail: o.detail?.[lang] }, f.body));
      }
    }
    const texts = titleH + 2 * lineHeight(f.body) + 3 * m.gap; // title, the contest step and the instruction
    const free = panel.heightPx - 2 * m.margin - barRows * (barH + m.gap) - texts;
    return Math.max(1, Math.floor(free / (row + m.gap)) - 1); // one row for "leave blank"
  };
  return { pageSize: sizes(false), largeTextPageSize: Math.min(sizes(false), sizes(true)) };
}
