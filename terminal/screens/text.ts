// A Screen as plain text lines: for tests, logs and the command-line simulator. Buttons are
// numbered "[1] Label" in screen order; `buttonIds[n - 1]` is the id a user's "n" stands for.
// Large-text mode wraps at half the width, as a large font fits half as many characters.

import { pageLabel } from './strings';
import type { Screen } from './types';

export interface TextRenderOptions {
  /** Characters per line in normal text (default 72). */
  width?: number;
}

export interface RenderedScreen {
  lines: string[];
  buttonIds: string[];
}

/** Greedy word wrap; a word longer than the width gets a line of its own. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (line === '') line = word;
    else if (indent.length + line.length + 1 + word.length <= width) line += ' ' + word;
    else { out.push(indent + line); line = word; }
  }
  if (line !== '' || out.length === 0) out.push(indent + line);
  return out;
}

export function renderText(screen: Screen, options: TextRenderOptions = {}): RenderedScreen {
  const full = options.width ?? 72;
  const width = screen.largeText ? Math.max(16, Math.floor(full / 2)) : full;
  const lines: string[] = [];
  if (screen.largeText) lines.push('[A+]');
  for (const t of screen.texts) {
    switch (t.role) {
      case 'title': lines.push(...wrap(`== ${t.text} ==`, width)); break;
      case 'notice': lines.push(...wrap(`! ${t.text}`, width)); break;
      case 'code': lines.push(`>>> ${t.text} <<<`); break;
      default: lines.push(...wrap(t.text, width));
    }
  }
  const buttonIds: string[] = [];
  screen.buttons.forEach((b, i) => {
    const n = i + 1;
    buttonIds.push(b.id);
    const mark = b.selected ? '(*) ' : '';
    const head = `[${n}] ${mark}`;
    const pad = ' '.repeat(head.length);
    const labelLines = wrap(b.label, width, pad);
    labelLines[0] = head + labelLines[0].slice(pad.length);
    lines.push(...labelLines);
    if (b.detail) lines.push(...wrap(b.detail, width, ' '.repeat(`[${n}] `.length + 2)));
  });
  if (screen.page) {
    const lang = screen.lang === 'both' ? 'kk' : screen.lang;
    lines.push(`-- ${pageLabel(lang, screen.page.number, screen.page.count)} --`);
  }
  return { lines, buttonIds };
}
