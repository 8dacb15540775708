// PDF rendering of a report with pdfkit and the DejaVu fonts (Kazakh letters: Әә Ғғ Ққ Ңң Өө
// Ұұ Үү Һһ Іі are in DejaVu Sans). A4, one document per report.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { PrecinctError } from '../errors';
import type { CloseResult } from '../devices/close';
import type { SelfTestSummary, ZeroReport } from '../morning';
import { closeReportDocument, selfTestDocument, zeroReportDocument, type ReportDocument } from './document';

export const FONT_REGULAR = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const FONT_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export function renderPdf(doc: ReportDocument): Promise<Uint8Array> {
  if (!existsSync(FONT_REGULAR) || !existsSync(FONT_BOLD)) {
    throw new PrecinctError('report-fonts-missing', `the DejaVu fonts are missing (${FONT_REGULAR}); install fonts-dejavu-core (./sailau setup) or print the text report`);
  }
  const pdf = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `${doc.title.kk} / ${doc.title.ru}`, Producer: 'sailau', CreationDate: new Date(0) } });
  pdf.registerFont('regular', FONT_REGULAR);
  pdf.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    pdf.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    pdf.on('error', reject);
  });
  const width = pdf.page.width - 80;
  pdf.font('bold').fontSize(15).text(doc.title.kk, { align: 'center' }).text(doc.title.ru, { align: 'center' }).moveDown(0.8);
  pdf.fontSize(9.5);
  for (const [label, value] of doc.facts) {
    pdf.font('bold').text(`${label.kk} / ${label.ru}: `, { continued: true }).font('regular').text(value);
  }
  pdf.moveDown(0.6).font('bold').fontSize(10.5).text(doc.verdict.kk).text(doc.verdict.ru).moveDown(0.6);
  for (const t of doc.tables) {
    pdf.font('bold').fontSize(10).text(`${t.heading.kk} / ${t.heading.ru}`).moveDown(0.2);
    const n = t.columns.length;
    // Each column as wide as its widest cell (within limits); the last one (detail, problem)
    // takes what the others leave, and wraps.
    pdf.font('regular').fontSize(8);
    const natural = t.columns.map((c, i) => Math.min(150, 8 + Math.max(pdf.widthOfString(c), ...t.rows.map((r) => pdf.widthOfString(r[i] ?? '')))));
    const used = natural.slice(0, n - 1).reduce((x, y) => x + y, 0);
    const scale = used > width * 0.7 ? (width * 0.7) / used : 1;
    const widths = natural.map((w, i) => (i === n - 1 ? 0 : w * scale));
    widths[n - 1] = width - widths.reduce((x, y) => x + y, 0);
    const row = (cells: string[], font: string): void => {
      pdf.font(font).fontSize(8);
      const heights = cells.map((c, i) => pdf.heightOfString(c || ' ', { width: widths[i] - 4 }));
      const h = Math.max(...heights) + 3;
      if (pdf.y + h > pdf.page.height - 60) pdf.addPage();
      const y = pdf.y;
      let x = 40;
      cells.forEach((c, i) => { pdf.text(c, x, y, { width: widths[i] - 4 }); x += widths[i]; });
      pdf.x = 40;
      pdf.y = y + h;
    };
    row(t.columns, 'bold');
    if (t.rows.length === 0) row(['—', ...t.columns.slice(1).map(() => '')], 'regular');
    for (const r of t.rows) row(t.columns.map((_, i) => r[i] ?? ''), 'regular');
    pdf.moveDown(0.6);
  }
  pdf.font('regular').fontSize(8);
  for (const note of doc.notes) pdf.text(note, 40, pdf.y, { width });
  pdf.moveDown(1.2).fontSize(10);
  for (const s of doc.signatures) {
    if (pdf.y > pdf.page.height - 80) pdf.addPage();
    pdf.text(`${s.kk} / ${s.ru}:  ______________________________   ________________`, 40, pdf.y, { width }).moveDown(1);
  }
  pdf.end();
  return done;
}

export const selfTestPdf = (r: SelfTestSummary): Promise<Uint8Array> => renderPdf(selfTestDocument(r));
export const zeroReportPdf = (r: ZeroReport): Promise<Uint8Array> => renderPdf(zeroReportDocument(r));
export const closeReportPdf = (r: CloseResult, precinct: number, madeAt: string): Promise<Uint8Array> => renderPdf(closeReportDocument(r, precinct, madeAt));
