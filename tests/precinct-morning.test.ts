// The morning's printouts: the self-test report and the zero report, as text and as PDF
// (read back with pdftotext: the Kazakh and Russian headings, each device, each verdict),
// and the verdicts they print for failed and not-at-zero cases.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SelfTestSummary, ZeroReport } from '../precinct/morning';
import { votesOf } from '../precinct/morning';
import { selfTestText, zeroReportText, closeReportText } from '../precinct/reports/text';
import { selfTestPdf, zeroReportPdf, closeReportPdf } from '../precinct/reports/pdf';

function pdftotext(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-morning-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'r.pdf'), join(dir, 'r.txt')]);
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    return readFileSync(join(dir, 'r.txt'), 'utf8');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const selfTest: SelfTestSummary = {
  reportId: 4, madeAt: '2025-03-01T01:30:00.000Z', precinct: 7, electionId: 'MAZHILIS-2025', outcome: 'failed',
  devices: [
    { deviceId: 'accumulator-1', kind: 'accumulator', serial: 'SN-A1', outcome: 'passed', run: 2, checks: [{ name: 'journal', outcome: 'passed', detail: '12 records, 0 votes' }] },
    { deviceId: 'terminal-1', kind: 'terminal', serial: 'SN-T1', outcome: 'failed', run: null, checks: [{ name: 'link', outcome: 'failed', detail: 'terminal-1: no answer to identify' }] },
    { deviceId: 'terminal-2', kind: 'terminal', serial: 'SN-T2', outcome: 'needs-operator', run: 1, checks: [{ name: 'screen', outcome: 'needs-operator', detail: 'touch the test pattern' }] },
  ],
};

const zero: ZeroReport = {
  reportId: 2, madeAt: '2025-03-01T01:55:00.000Z', precinct: 7, electionId: 'MAZHILIS-2025', fingerprint: 'ab'.repeat(32), allZero: false,
  selfTest: { reportId: 4, madeAt: '2025-03-01T01:30:00.000Z', outcome: 'needs-operator' },
  lines: [
    { deviceId: 'accumulator-1', kind: 'accumulator', serial: 'SN-A1', reachable: true, state: 'loaded', votes: 0, electionMatches: true, zero: true, problem: null },
    { deviceId: 'terminal-1', kind: 'terminal', serial: 'SN-T1', reachable: true, state: 'loaded', votes: 3, electionMatches: true, zero: false, problem: 'holds 3 votes before opening' },
    { deviceId: 'precinct-computer', kind: 'precinct-computer', serial: '-', reachable: true, state: 'setup', votes: 0, electionMatches: true, zero: true, problem: null },
  ],
};

test('self-test report: text and PDF carry both languages, every device and check, the verdict, local time', async () => {
  const text = selfTestText(selfTest);
  for (const s of ['ЖАБДЫҚТЫ ӨЗІН-ӨЗІ ТЕКСЕРУ', 'САМОТЕСТИРОВАНИЕ ОБОРУДОВАНИЯ', 'НЕ ПРОЙДЕНА', 'оператор қажет', 'открывать голосование нельзя', '2025-03-01 06:30 (UTC+5)', 'SN-T2', 'Специалист']) {
    assert.ok(text.includes(s), s);
  }
  const pdf = pdftotext(await selfTestPdf(selfTest));
  for (const s of ['ЖАБДЫҚТЫ ӨЗІН-ӨЗІ ТЕКСЕРУ', 'САМОТЕСТИРОВАНИЕ ОБОРУДОВАНИЯ', 'accumulator-1', 'terminal-2', 'touch the test pattern', 'Председатель']) {
    assert.ok(pdf.includes(s), `PDF: ${s}`);
  }
});

test('zero report: the device not at zero is named with its count; the verdict says voting does not open', async () => {
  const text = zeroReportText(zero);
  for (const s of ['НӨЛДІК ЕСЕП', 'НУЛЕВОЙ ОТЧЁТ', 'голосование НЕ ОТКРЫВАЕТСЯ', 'holds 3 votes before opening', '№4']) assert.ok(text.includes(s), s);
  const ok = zeroReportText({ ...zero, allZero: true, lines: [zero.lines[0], zero.lines[2]] });
  assert.ok(ok.includes('голосование можно открыть'));
  const pdf = pdftotext(await zeroReportPdf(zero));
  for (const s of ['НӨЛДІК ЕСЕП', 'НУЛЕВОЙ ОТЧЁТ', 'terminal-1', 'holds 3 votes', 'precinct-computer']) assert.ok(pdf.includes(s), `PDF: ${s}`);
});

test('collection report: missing devices listed; the verdict refers to 001 §17', async () => {
  const r = { collected: [{ deviceId: 'accumulator-1', kind: 'accumulator' as const, records: 412, fingerprint: 'cd'.repeat(32) }], missing: [{ deviceId: 'terminal-1', kind: 'terminal' as const, problem: 'no answer' }], complete: false, notes: ['portable-ballot-1: votes set aside'] };
  const text = closeReportText(r, 7, '2025-03-01T15:10:00.000Z');
  assert.ok(text.includes('001 §17') && text.includes('terminal-1') && text.includes('412') && text.includes('votes set aside'));
  const pdf = pdftotext(await closeReportPdf(r, 7, '2025-03-01T15:10:00.000Z'));
  assert.ok(pdf.includes('СБОР ДАННЫХ УСТРОЙСТВ') && pdf.includes('no answer'));
});

test('a device\'s vote count is read from its status detail; none means unknown', () => {
  const base = { state: 'loaded', uptimeMs: 1, eventCount: 1 };
  assert.is(votesOf({ ...base, detail: { accepted: 0, slotsFree: 40 } }), 0);
  assert.is(votesOf({ ...base, detail: { votesWritten: 5 } }), 5);
  assert.is(votesOf({ ...base, detail: { other: 1 } }), null);
  assert.is(votesOf(base), null);
});

test.run();
