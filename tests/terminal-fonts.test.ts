// The terminal's bitmap fonts (hosts/moddable/fonts/, made by scripts/make-fonts.ts from
// DejaVu Sans): each committed .fnt is a BMFont binary v3 that Moddable's ParseBMF and
// compressbmf accept, with its atlas; every character any screen can show — the screen texts
// in both languages (terminal/screens, the service screens, the portable ballot's screens),
// the three sample elections (samples/elections: titles, contests, candidates, parties) and
// the test ballots — is in every font the renderer uses; every font the layout or the panel
// display names is committed and listed in the device manifests; and the generator is
// deterministic (one regular and one bold size regenerated: .fnt bytes and PNG pixels equal).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { CHARSET, DEJAVU_DIR, FACES, OUT_DIR, fontNames, makeFont, parseFnt, type ParsedFnt } from '../scripts/make-fonts';
import { FONT_SIZES_PX, ballotPageSizes, layoutScreen, type PanelSpec } from '../hosts/moddable/ballot-layout';
import { createBallotFlow } from '../terminal/ballot/flow';
import { voterScreens } from './helpers/voter-screens';
import { serviceScreen } from '../terminal/service-screens';
import type { Screen } from '../terminal/screens/types';
import type { BallotView } from '../terminal/ballot/view';
import { SAMPLE_NAMES, sample } from './terminal-node';
import { mazhilis, maslikhat, presidential } from './ballot-samples';

const root = join(import.meta.dirname, '..');
const fonts = new Map<string, ParsedFnt>(fontNames().map((n) => [n, parseFnt(new Uint8Array(readFileSync(join(OUT_DIR, `${n}.fnt`))))]));

/** PNG header and decoded rows (8-bit grey + alpha, filter 0 on every row, as the generator writes). */
function readPng(bytes: Uint8Array): { w: number; h: number; colorType: number; raw: Uint8Array } {
  const b = Buffer.from(bytes);
  assert.ok(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature');
  let p = 8;
  let w = 0, h = 0, colorType = -1;
  const idat: Buffer[] = [];
  while (p < b.length) {
    const len = b.readUInt32BE(p), type = b.subarray(p + 4, p + 8).toString('latin1');
    const data = b.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') { w = data.readUInt32BE(0); h = data.readUInt32BE(4); colorType = data[9]; assert.is(data[8], 8); assert.is(data[12], 0, 'not interlaced'); }
    if (type === 'IDAT') idat.push(data);
    p += 12 + len;
  }
  return { w, h, colorType, raw: new Uint8Array(inflateSync(Buffer.concat(idat))) };
}

test('every font: BMFont v3 as ParseBMF/compressbmf read it, exactly the character set, glyphs inside the atlas', () => {
  assert.is(fonts.size, FONT_SIZES_PX.length * FACES.length);
  for (const [name, f] of fonts) {
    assert.is(f.size, Number(name.slice(name.lastIndexOf('-') + 1)), name);
    assert.is(f.pages, 1, `${name}: one page (ParseBMF: "not single page")`);
    assert.is(f.page, `${name}.png`);
    assert.equal(f.ids, [...CHARSET], `${name}: the character set, ascending (compressbmf needs ascending codes)`);
    assert.ok(f.lineHeight >= f.size && f.base < f.lineHeight, `${name}: line height ${f.lineHeight}, base ${f.base}`);
    const png = readPng(new Uint8Array(readFileSync(join(OUT_DIR, `${name}.png`))));
    assert.is(png.colorType, 4, `${name}: grey + alpha (png2bmp -a reads the alpha)`);
    assert.is(png.w, f.scaleW); assert.is(png.h, f.scaleH);
    for (const g of f.glyphs.values()) {
      assert.ok(g.x + g.w <= f.scaleW && g.y + g.h <= f.scaleH, `${name}: U+${g.id.toString(16)} outside the atlas`);
      assert.ok(g.xadvance > 0, `${name}: U+${g.id.toString(16)} has no advance`);
      const blank = g.id === 0x20 || g.id === 0xa0;
      assert.is(g.w === 0, blank, `${name}: U+${g.id.toString(16)} ${blank ? 'should be blank' : 'is empty'}`);
      if (!blank) assert.ok(g.yoffset >= 0 && g.yoffset + g.h <= f.lineHeight + 2, `${name}: U+${g.id.toString(16)} outside the line`);
    }
  }
});

test('the Kazakh letters, the Russian alphabet, « » № – — … are in the set', () => {
  const want = 'ӘәҒғҚқҢңӨөҰұҮүҺһІі' + 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя' + '«»№–—…✓0123456789';
  for (const ch of want) assert.ok(CHARSET.includes(ch.codePointAt(0)!), `missing ${ch}`);
});

// --- every character a screen can show -------------------------------------------------------

/** String literals of a source file (comments dropped first). */
function literals(path: string): string[] {
  const src = readFileSync(join(root, path), 'utf8').replace(/^\s*\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const out: string[] = [];
  for (const m of src.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

function stringsOf(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

function screenStrings(screen: Screen): string[] {
  return [...screen.texts.map((t) => t.text), ...screen.buttons.flatMap((b) => [b.label, b.detail ?? '', b.selected ? '✓ ' : ''])];
}

const PANELS: PanelSpec[] = [{ widthPx: 320, heightPx: 240, dpi: 143 }, { widthPx: 240, heightPx: 320, dpi: 143 }, { widthPx: 480, heightPx: 320, dpi: 165 }, { widthPx: 800, heightPx: 480, dpi: 133 }, { widthPx: 800, heightPx: 480, dpi: 94 }];

test('every character of every screen text, sample election and test ballot is in every font the renderer uses', () => {
  const texts: string[] = [];
  for (const f of ['terminal/screens/strings.ts', 'terminal/screens/ballot-screens.ts', 'terminal/service-screens.ts', 'portable-ballot/screens.ts']) texts.push(...literals(f));
  for (const st of ['unconfigured', 'loaded', 'closed'] as const) texts.push(...screenStrings(serviceScreen(st)));
  for (const name of SAMPLE_NAMES) texts.push(...stringsOf(JSON.parse(readFileSync(join(root, `samples/elections/${name}.json`), 'utf8')), []));
  const views: BallotView[] = [...SAMPLE_NAMES.map((n) => sample(n).view), presidential, mazhilis, maslikhat];
  const used = new Set<string>();
  for (const view of views) {
    texts.push(...stringsOf(view, []));
    const flow = createBallotFlow(view, { pageSize: 3, largeTextPageSize: 2 });
    for (const lang of ['kk', 'ru'] as const) for (const large of [false, true]) {
      for (const screen of voterScreens(flow, lang, large, 'first')) {
        texts.push(...screenStrings(screen));
        for (const panel of PANELS) {
          const l = layoutScreen(screen, panel);
          for (const t of l.texts) used.add(t.font);
          for (const b of l.buttons) { used.add(b.font); if (b.detailFont) used.add(b.detailFont); }
        }
      }
    }
    for (const panel of PANELS) ballotPageSizes(panel, view);
  }
  const chars = new Set<number>();
  for (const t of texts) for (const ch of t) if (ch !== '\n') chars.add(ch.codePointAt(0)!);
  const missing = [...chars].filter((c) => !CHARSET.includes(c)).map((c) => `${String.fromCodePoint(c)} U+${c.toString(16)}`);
  assert.equal(missing, [], `characters no font has: ${missing.join(', ')}`);
  const kazakh = [...'ӘәҒғҚқҢңӨөҰұҮүҺһІі'].filter((ch) => chars.has(ch.codePointAt(0)!));
  assert.ok(kazakh.length >= 12, `the texts use Kazakh letters (${kazakh.join('')})`);
  for (const name of used) {
    const f = fonts.get(name);
    assert.ok(f, `the layout uses ${name}, which is not generated`);
    for (const c of chars) assert.ok(f.glyphs.has(c), `${name} lacks U+${c.toString(16)}`);
  }
  console.log(`    ${chars.size} distinct characters in ${texts.length} texts; ${used.size} fonts used by the layouts; charset ${CHARSET.length}`);
});

test('the fonts the renderers name are committed and listed in the terminal and portable-ballot manifests', () => {
  const display = readFileSync(join(root, 'hosts/moddable/display.ts'), 'utf8');
  const named = [...display.matchAll(/'(DejaVuSans[-A-Za-z]*-\d+)'/g)].map((m) => m[1]);
  assert.ok(named.length >= 3, 'display.ts FONTS');
  assert.not.ok(/NotoSans/.test(display), 'no font that does not exist');
  for (const n of [...named, ...fontNames()]) {
    assert.ok(existsSync(join(OUT_DIR, `${n}.fnt`)) && existsSync(join(OUT_DIR, `${n}.png`)), `${n} committed`);
  }
  for (const m of ['terminal/manifest.json', 'portable-ballot/manifest.json']) {
    const manifest = JSON.parse(readFileSync(join(root, m), 'utf8')) as { resources?: Record<string, string[]> };
    const listed = (manifest.resources?.['*-mask'] ?? []).map((p) => p.replace('../hosts/moddable/fonts/', ''));
    assert.equal([...listed].sort(), [...fontNames()].sort(), `${m}: resources "*-mask" lists every font`);
  }
  const files = readdirSync(OUT_DIR).filter((f) => f.endsWith('.fnt') || f.endsWith('.png')).sort();
  assert.equal(files, fontNames().flatMap((n) => [`${n}.fnt`, `${n}.png`]).sort(), 'nothing else in hosts/moddable/fonts');
  assert.ok(existsSync(join(OUT_DIR, 'LICENSE-DejaVu.txt')), 'the DejaVu licence note');
});

test('the generator is deterministic: regenerated fonts equal the committed ones', () => {
  assert.ok(existsSync(join(DEJAVU_DIR, 'DejaVuSans.ttf')), `${DEJAVU_DIR}: install fonts-dejavu-core (scripts/setup.sh does)`);
  for (const [face, px] of [[FACES[0], 16], [FACES[1], 24]] as const) {
    const f = makeFont(face, px);
    assert.ok(Buffer.from(f.fnt).equals(readFileSync(join(OUT_DIR, `${f.name}.fnt`))), `${f.name}.fnt differs: run npx tsx scripts/make-fonts.ts`);
    // PNG: the same header and pixels (deflate's bytes may vary with the zlib build).
    const a = readPng(f.png), b = readPng(new Uint8Array(readFileSync(join(OUT_DIR, `${f.name}.png`))));
    assert.equal([a.w, a.h, a.colorType], [b.w, b.h, b.colorType]);
    assert.ok(Buffer.from(a.raw).equals(Buffer.from(b.raw)), `${f.name}.png pixels differ: run npx tsx scripts/make-fonts.ts`);
  }
});

test.run();
