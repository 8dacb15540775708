// Makes the terminal's bitmap fonts (hosts/moddable/fonts/) from DejaVu Sans: for each size
// in FONT_SIZES_PX (hosts/moddable/ballot-layout.ts) and each weight, a BMFont binary
// version 3 metrics file `<name>.fnt` and its glyph atlas `<name>.png` (black glyphs, the
// coverage in the alpha channel), which Moddable's mcconfig turns into a compressed 4-bit
// font when the manifest lists them under "*-mask" (png2bmp -a, then compressbmf).
//
//   npx tsx scripts/make-fonts.ts [--out dir] [--only DejaVuSans-Bold-24]
//
// Only the characters in CHARSET: ASCII, the Russian alphabet, the Kazakh letters Ә Ғ Қ Ң Ө
// Ұ Ү Һ І (both cases), « » № – — … and a few more (it all goes to flash: 192 glyphs). The rasterizer is ours and unhinted: the outline (fontkit reads the TrueType file)
// is flattened to lines and each pixel gets its exact horizontal coverage on 16 sub-scanlines.
// The output depends only on the .ttf and this file: integer-rounded metrics, glyphs in
// code-point order, shelf-packed atlas, PNG with a fixed deflate level and no time stamp.
// Source fonts: Debian's fonts-dejavu-core (scripts/setup.sh installs it).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { FONT_SIZES_PX } from '../hosts/moddable/ballot-layout';

export const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
export const FACES = [
  { name: 'DejaVuSans', file: 'DejaVuSans.ttf', bold: false },
  { name: 'DejaVuSans-Bold', file: 'DejaVuSans-Bold.ttf', bold: true },
] as const;
export const OUT_DIR = join(import.meta.dirname, '..', 'hosts', 'moddable', 'fonts');

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let c = from; c <= to; c++) out.push(c);
  return out;
}

/**
 * Every character the fonts carry, ascending. ASCII 0x20–0x7E; Ё, І, А–я, ё, і;
 * the Kazakh letters Ғ ғ Қ қ Ң ң Ү ү Ұ ұ Һ һ Ә ә Ө ө; « » (and NBSP); – — ‘ ’ “ ” „ … №; ✓ (the
 * selected option's mark in ballot-display.ts).
 */
export const CHARSET: readonly number[] = [
  ...range(0x20, 0x7e),
  0xa0, 0xab, 0xbb,
  0x401, 0x406, ...range(0x410, 0x44f), 0x451, 0x456,
  0x492, 0x493, 0x49a, 0x49b, 0x4a2, 0x4a3, 0x4ae, 0x4af, 0x4b0, 0x4b1, 0x4ba, 0x4bb, 0x4d8, 0x4d9, 0x4e8, 0x4e9,
  0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x201e, 0x2026, 0x2116, 0x2713,
];

export function fontNames(): string[] {
  const out: string[] = [];
  for (const px of FONT_SIZES_PX) for (const f of FACES) out.push(`${f.name}-${px}`);
  return out;
}

// --- fontkit, typed only as far as we use it ------------------------------------------------
interface PathCommand { command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath'; args: number[] }
interface Glyph { advanceWidth: number; path: { commands: PathCommand[] } }
interface Font { unitsPerEm: number; ascent: number; descent: number; lineGap: number; hasGlyphForCodePoint(c: number): boolean; glyphForCodePoint(c: number): Glyph }
// fontkit (devDependency) ships no type declarations: loaded through require, typed here.
const fontkit = createRequire(import.meta.url)('fontkit') as { openSync(path: string): Font };
const openFont = (path: string): Font => fontkit.openSync(path);

// --- rasterizer -------------------------------------------------------------------------------
type Edge = [number, number, number, number]; // x0, y0, x1, y1 in pixels, y down

/** The outline scaled to pixels (y down, origin at the pen position on the baseline) as lines. */
function flatten(glyph: Glyph, scale: number): Edge[] {
  const edges: Edge[] = [];
  let sx = 0, sy = 0, cx = 0, cy = 0;
  const line = (x: number, y: number): void => {
    if (y !== cy) edges.push([cx, cy, x, y]);
    cx = x; cy = y;
  };
  const P = (x: number, y: number): [number, number] => [x * scale, -y * scale];
  for (const c of glyph.path.commands) {
    const a = c.args;
    if (c.command === 'moveTo') { if (cx !== sx || cy !== sy) line(sx, sy); [sx, sy] = P(a[0], a[1]); cx = sx; cy = sy; }
    else if (c.command === 'lineTo') { const [x, y] = P(a[0], a[1]); line(x, y); }
    else if (c.command === 'quadraticCurveTo') {
      const [qx, qy] = P(a[0], a[1]); const [x, y] = P(a[2], a[3]);
      const x0 = cx, y0 = cy;
      const n = Math.max(2, Math.ceil(Math.sqrt(Math.hypot(qx - x0, qy - y0) + Math.hypot(x - qx, y - qy)) * 2));
      for (let i = 1; i <= n; i++) {
        const t = i / n, u = 1 - t;
        line(u * u * x0 + 2 * u * t * qx + t * t * x, u * u * y0 + 2 * u * t * qy + t * t * y);
      }
    } else if (c.command === 'bezierCurveTo') {
      const [ax, ay] = P(a[0], a[1]); const [bx, by] = P(a[2], a[3]); const [x, y] = P(a[4], a[5]);
      const x0 = cx, y0 = cy;
      const n = Math.max(2, Math.ceil(Math.sqrt(Math.hypot(ax - x0, ay - y0) + Math.hypot(bx - ax, by - ay) + Math.hypot(x - bx, y - by)) * 2));
      for (let i = 1; i <= n; i++) {
        const t = i / n, u = 1 - t;
        line(u * u * u * x0 + 3 * u * u * t * ax + 3 * u * t * t * bx + t * t * t * x, u * u * u * y0 + 3 * u * u * t * ay + 3 * u * t * t * by + t * t * t * y);
      }
    } else if (c.command === 'closePath') { line(sx, sy); }
  }
  if (cx !== sx || cy !== sy) line(sx, sy);
  return edges;
}

const SUB = 16; // sub-scanlines per pixel row

interface Bitmap { x: number; y: number; w: number; h: number; alpha: Uint8Array }

/** Anti-aliased coverage of the outline, non-zero winding; x/y: the bitmap's top left relative to the pen. */
function rasterize(edges: Edge[]): Bitmap {
  if (edges.length === 0) return { x: 0, y: 0, w: 0, h: 0, alpha: new Uint8Array(0) };
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x0, y0, x1, y1] of edges) {
    minX = Math.min(minX, x0, x1); maxX = Math.max(maxX, x0, x1);
    minY = Math.min(minY, y0, y1); maxY = Math.max(maxY, y0, y1);
  }
  const bx = Math.floor(minX), by = Math.floor(minY);
  const w = Math.ceil(maxX) - bx, h = Math.ceil(maxY) - by;
  const acc = new Float64Array(w * h);
  const xs: { x: number; d: number }[] = [];
  for (let row = 0; row < h; row++) {
    for (let s = 0; s < SUB; s++) {
      const y = by + row + (s + 0.5) / SUB;
      xs.length = 0;
      for (const [x0, y0, x1, y1] of edges) {
        const lo = Math.min(y0, y1), hi = Math.max(y0, y1);
        if (y < lo || y >= hi) continue;
        xs.push({ x: x0 + ((y - y0) / (y1 - y0)) * (x1 - x0) - bx, d: y1 > y0 ? 1 : -1 });
      }
      xs.sort((a, b) => a.x - b.x || a.d - b.d);
      let wind = 0;
      for (let i = 0; i < xs.length; i++) {
        const before = wind;
        wind += xs[i].d;
        if (before !== 0 && i > 0) span(acc, row * w, w, xs[i - 1].x, xs[i].x);
      }
    }
  }
  const alpha = new Uint8Array(w * h);
  for (let i = 0; i < acc.length; i++) alpha[i] = Math.min(255, Math.round((acc[i] / SUB) * 255));
  return { x: bx, y: by, w, h, alpha };
}

/** Adds the coverage of [a, b) on one sub-scanline to a pixel row. */
function span(acc: Float64Array, base: number, w: number, a: number, b: number): void {
  if (b <= a) return;
  a = Math.max(0, a); b = Math.min(w, b);
  const ia = Math.floor(a), ib = Math.floor(b);
  if (ia === ib) { if (ia < w) acc[base + ia] += b - a; return; }
  acc[base + ia] += ia + 1 - a;
  for (let i = ia + 1; i < ib; i++) acc[base + i] += 1;
  if (ib < w) acc[base + ib] += b - ib;
}

// --- BMFont binary v3 -------------------------------------------------------------------------
interface PlacedGlyph { id: number; bmp: Bitmap; ax: number; ay: number; advance: number }

class Bytes {
  private readonly parts: number[] = [];
  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  u16(v: number): this { return this.u8(v).u8(v >> 8); }
  i16(v: number): this { return this.u16(v & 0xffff); }
  u32(v: number): this { return this.u16(v & 0xffff).u16(v >>> 16); }
  str(s: string): this { for (const c of Buffer.from(s, 'utf8')) this.u8(c); return this.u8(0); }
  block(type: number, body: Bytes): this { this.u8(type).u32(body.length); for (const b of body.parts) this.u8(b); return this; }
  get length(): number { return this.parts.length; }
  bytes(): Uint8Array { return Uint8Array.from(this.parts); }
}

export interface GeneratedFont { name: string; fnt: Uint8Array; png: Uint8Array; glyphs: number; atlas: { w: number; h: number } }

export function makeFont(face: (typeof FACES)[number], px: number, dir = DEJAVU_DIR): GeneratedFont {
  const font = openFont(join(dir, face.file));
  const scale = px / font.unitsPerEm;
  const lineHeight = Math.ceil((font.ascent - font.descent + font.lineGap) * scale);
  const base = Math.ceil(font.ascent * scale);
  const glyphs: PlacedGlyph[] = [];
  for (const id of CHARSET) {
    if (!font.hasGlyphForCodePoint(id)) throw new Error(`${face.file} has no glyph for U+${id.toString(16)}`);
    const g = font.glyphForCodePoint(id);
    glyphs.push({ id, bmp: rasterize(flatten(g, scale)), ax: 0, ay: 0, advance: Math.round(g.advanceWidth * scale) });
  }
  // Shelf packing in code-point order, 1 px apart, into a width about the square root of the area.
  const area = glyphs.reduce((a, g) => a + (g.bmp.w + 1) * (g.bmp.h + 1), 0);
  const atlasW = Math.max(64, Math.ceil(Math.sqrt(area) * 1.15));
  let x = 1, y = 1, shelf = 0;
  for (const g of glyphs) {
    if (g.bmp.w === 0) continue;
    if (x + g.bmp.w + 1 > atlasW) { x = 1; y += shelf + 1; shelf = 0; }
    g.ax = x; g.ay = y;
    x += g.bmp.w + 1; shelf = Math.max(shelf, g.bmp.h);
  }
  const atlasH = y + shelf + 1;
  const pixels = new Uint8Array(atlasW * atlasH);
  for (const g of glyphs) {
    for (let r = 0; r < g.bmp.h; r++) pixels.set(g.bmp.alpha.subarray(r * g.bmp.w, (r + 1) * g.bmp.w), (g.ay + r) * atlasW + g.ax);
  }
  const name = `${face.name}-${px}`;

  const info = new Bytes().i16(px).u8(0x80 | 0x40 | (face.bold ? 0x10 : 0)).u8(0).u16(100).u8(1)
    .u8(0).u8(0).u8(0).u8(0).u8(1).u8(1).u8(0).str(face.bold ? 'DejaVu Sans Bold' : 'DejaVu Sans');
  const common = new Bytes().u16(lineHeight).u16(base).u16(atlasW).u16(atlasH).u16(1).u8(0).u8(0).u8(4).u8(4).u8(4);
  const pages = new Bytes().str(`${name}.png`);
  const chars = new Bytes();
  for (const g of glyphs) {
    chars.u32(g.id).u16(g.ax).u16(g.ay).u16(g.bmp.w).u16(g.bmp.h)
      .i16(g.bmp.x).i16(g.bmp.w === 0 ? 0 : base + g.bmp.y).i16(g.advance).u8(0).u8(15);
  }
  const fnt = new Bytes().u8(0x42).u8(0x4d).u8(0x46).u8(3).block(1, info).block(2, common).block(3, pages).block(4, chars).bytes();
  return { name, fnt, png: png(atlasW, atlasH, pixels), glyphs: glyphs.length, atlas: { w: atlasW, h: atlasH } };
}

// --- PNG: 8-bit grey + alpha, grey 0 (black), alpha = coverage --------------------------------
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; t[n] = c >>> 0; }
  return t;
})();
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
function png(w: number, h: number, alpha: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w); dv.setUint32(4, h);
  ihdr.set([8, 4, 0, 0, 0], 8); // depth 8, grey + alpha, deflate, filter 0, no interlace
  const raw = new Uint8Array(h * (1 + 2 * w));
  for (let y = 0; y < h; y++) {
    const o = y * (1 + 2 * w);
    raw[o] = 0; // filter: none
    for (let x = 0; x < w; x++) raw[o + 2 + 2 * x] = alpha[y * w + x];
  }
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))];
  return Buffer.concat(parts);
}

// --- reading them back (tests) -----------------------------------------------------------------
export interface FntGlyph { id: number; x: number; y: number; w: number; h: number; xoffset: number; yoffset: number; xadvance: number }
export interface ParsedFnt { size: number; lineHeight: number; base: number; scaleW: number; scaleH: number; pages: number; page: string; glyphs: Map<number, FntGlyph>; ids: number[] }

/** Parses a BMFont binary v3 file as Moddable's ParseBMF and compressbmf read it (blocks 1–4, optional 5). */
export function parseFnt(bytes: Uint8Array): ParsedFnt {
  if (bytes[0] !== 0x42 || bytes[1] !== 0x4d || bytes[2] !== 0x46 || bytes[3] !== 3) throw new Error('not a BMFont binary v3');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ParsedFnt = { size: 0, lineHeight: 0, base: 0, scaleW: 0, scaleH: 0, pages: 0, page: '', glyphs: new Map(), ids: [] };
  let p = 4;
  const seen: number[] = [];
  while (p < bytes.length) {
    const type = bytes[p], size = dv.getUint32(p + 1, true);
    p += 5;
    seen.push(type);
    if (type === 1) out.size = dv.getInt16(p, true);
    else if (type === 2) {
      out.lineHeight = dv.getUint16(p, true); out.base = dv.getUint16(p + 2, true);
      out.scaleW = dv.getUint16(p + 4, true); out.scaleH = dv.getUint16(p + 6, true); out.pages = dv.getUint16(p + 8, true);
    } else if (type === 3) out.page = Buffer.from(bytes.subarray(p, p + size - 1)).toString('utf8');
    else if (type === 4) {
      if (size % 20 !== 0) throw new Error('bad chars block size');
      for (let q = p; q < p + size; q += 20) {
        const g: FntGlyph = { id: dv.getUint32(q, true), x: dv.getUint16(q + 4, true), y: dv.getUint16(q + 6, true), w: dv.getUint16(q + 8, true), h: dv.getUint16(q + 10, true), xoffset: dv.getInt16(q + 12, true), yoffset: dv.getInt16(q + 14, true), xadvance: dv.getInt16(q + 16, true) };
        out.glyphs.set(g.id, g); out.ids.push(g.id);
      }
    }
    p += size;
  }
  if (seen.slice(0, 4).join() !== '1,2,3,4') throw new Error(`blocks ${seen.join()}: Moddable needs info, common, pages, chars in that order`);
  return out;
}

/** Text widths from the fonts' advances, as Piu adds them up (no kerning): a ballot-layout Measure. */
export function fntMeasure(dir = OUT_DIR): (text: string, font: string) => number {
  const fonts = new Map<string, ParsedFnt>();
  return (text, font) => {
    let f = fonts.get(font);
    if (!f) { f = parseFnt(new Uint8Array(readFileSync(join(dir, `${font}.fnt`)))); fonts.set(font, f); }
    let w = 0;
    for (const ch of text) w += f.glyphs.get(ch.codePointAt(0)!)?.xadvance ?? 0;
    return w;
  };
}

// --- main -------------------------------------------------------------------------------------
function main(argv: string[]): void {
  let out = OUT_DIR;
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--only') only = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  mkdirSync(out, { recursive: true });
  let total = 0;
  for (const px of FONT_SIZES_PX) {
    for (const face of FACES) {
      if (only && only !== `${face.name}-${px}`) continue;
      const f = makeFont(face, px);
      writeFileSync(join(out, `${f.name}.fnt`), f.fnt);
      writeFileSync(join(out, `${f.name}.png`), f.png);
      total += f.fnt.length + f.png.length;
      console.log(`${f.name}: ${f.glyphs} glyphs, atlas ${f.atlas.w}×${f.atlas.h}, .fnt ${f.fnt.length} B, .png ${f.png.length} B`);
    }
  }
  console.log(`${out}: ${total} bytes`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
