// Plain-text rendering of a report (the terminal, a line printer, the event of record).
import type { CloseResult } from '../devices/close';
import type { SelfTestSummary, ZeroReport } from '../morning';
import { closeReportDocument, selfTestDocument, zeroReportDocument, type ReportDocument } from './document';

const RULE = '='.repeat(78);

function pad(s: string, n: number): string {
  const len = [...s].length;
  return len >= n ? s : s + ' '.repeat(n - len);
}

export function renderText(doc: ReportDocument): string {
  const out: string[] = [RULE, doc.title.kk, doc.title.ru, RULE];
  for (const [label, value] of doc.facts) out.push(`${pad(`${label.kk} / ${label.ru}:`, 36)} ${value}`);
  out.push('', doc.verdict.kk, doc.verdict.ru, '');
  for (const t of doc.tables) {
    out.push(`-- ${t.heading.kk} / ${t.heading.ru} --`);
    if (t.rows.length === 0) { out.push('  (—)', ''); continue; }
    const widths = t.columns.map((c, i) => Math.min(28, Math.max([...c].length, ...t.rows.map((r) => [...(r[i] ?? '')].length))));
    const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd();
    out.push(line(t.columns));
    for (const r of t.rows) out.push(line(r));
    out.push('');
  }
  for (const n of doc.notes) out.push(n);
  out.push(RULE);
  for (const s of doc.signatures) out.push('', `${pad(`${s.kk} / ${s.ru}:`, 36)} ______________________  ______________`);
  out.push(RULE, '');
  return out.join('\n');
}

export const selfTestText = (r: SelfTestSummary): string => renderText(selfTestDocument(r));
export const zeroReportText = (r: ZeroReport): string => renderText(zeroReportDocument(r));
export const closeReportText = (r: CloseResult, precinct: number, madeAt: string): string => renderText(closeReportDocument(r, precinct, madeAt));
