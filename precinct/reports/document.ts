// A printable report as data: headings in Kazakh and Russian, a few labelled facts, tables,
// and signature lines. text.ts and pdf.ts render the same document, so the screen, the
// printout and the stored PDF say the same thing.
import type { CheckOutcome, SelfTestSummary, ZeroReport } from '../morning';
import type { CloseResult } from '../devices/close';

export interface Bilingual { kk: string; ru: string }

export interface ReportTable {
  heading: Bilingual;
  columns: string[];
  rows: string[][];
}

export interface ReportDocument {
  title: Bilingual;
  facts: [Bilingual, string][];
  /** One line under the title that says what it all comes to. */
  verdict: Bilingual;
  tables: ReportTable[];
  notes: string[];
  /** Who signs (chairman, members, technician). */
  signatures: Bilingual[];
}

export const OUTCOME_TEXT: Record<CheckOutcome, Bilingual> = {
  passed: { kk: 'өтті', ru: 'пройдена' },
  failed: { kk: 'ӨТПЕДІ', ru: 'НЕ ПРОЙДЕНА' },
  'needs-operator': { kk: 'оператор қажет', ru: 'нужен оператор' },
};

const b = (kk: string, ru: string): Bilingual => ({ kk, ru });
const both = (x: Bilingual): string => `${x.kk} / ${x.ru}`;
const SIGN_CHAIR = b('Төраға', 'Председатель');
const SIGN_MEMBER = b('Комиссия мүшесі', 'Член комиссии');
const SIGN_TECH = b('Маман', 'Специалист');

function localTime(iso: string): string {
  const t = new Date(Date.parse(iso) + 5 * 3600_000); // Kazakhstan, UTC+5 (precinct/db/clock.ts)
  return `${t.toISOString().slice(0, 16).replace('T', ' ')} (UTC+5)`;
}

export function selfTestDocument(r: SelfTestSummary): ReportDocument {
  const rows: string[][] = [];
  for (const d of r.devices) {
    rows.push([d.deviceId, d.kind, d.serial, both(OUTCOME_TEXT[d.outcome]).toUpperCase(), '']);
    for (const c of d.checks) rows.push(['', '', c.name, both(OUTCOME_TEXT[c.outcome]), c.detail]);
  }
  return {
    title: b('ЖАБДЫҚТЫ ӨЗІН-ӨЗІ ТЕКСЕРУ', 'САМОТЕСТИРОВАНИЕ ОБОРУДОВАНИЯ'),
    facts: [
      [b('Учаске', 'Участок'), String(r.precinct)],
      [b('Сайлау', 'Выборы'), r.electionId],
      [b('Уақыты', 'Время'), localTime(r.madeAt)],
      [b('Есеп №', 'Отчёт №'), String(r.reportId)],
    ],
    verdict: r.outcome === 'passed' ? b('Барлық құрылғы тексеруден өтті.', 'Все устройства прошли проверку.')
      : r.outcome === 'needs-operator' ? b('Ақау жоқ; кейбір тексерулерді оператор растауы керек.', 'Отказов нет; часть проверок должен подтвердить оператор.')
        : b('Кейбір құрылғылар тексеруден ӨТПЕДІ: дауыс беруді ашуға болмайды.', 'Часть устройств НЕ ПРОШЛА проверку: открывать голосование нельзя.'),
    tables: [{ heading: b('Құрылғылар мен тексерулер', 'Устройства и проверки'), columns: ['device', 'kind', 'check', 'result', 'detail'], rows }],
    notes: ['001 §4: the self-test is run 30 minutes before voting starts, with members present.'],
    signatures: [SIGN_TECH, SIGN_CHAIR, SIGN_MEMBER],
  };
}

export function zeroReportDocument(r: ZeroReport): ReportDocument {
  return {
    title: b('НӨЛДІК ЕСЕП', 'НУЛЕВОЙ ОТЧЁТ'),
    facts: [
      [b('Учаске', 'Участок'), String(r.precinct)],
      [b('Сайлау', 'Выборы'), r.electionId],
      [b('Сайлау таңбасы', 'Отпечаток выборов'), `${r.fingerprint.slice(0, 20)}…`],
      [b('Уақыты', 'Время'), localTime(r.madeAt)],
      [b('Өзін-өзі тексеру', 'Самотестирование'), r.selfTest ? `№${r.selfTest.reportId}, ${localTime(r.selfTest.madeAt)}: ${both(OUTCOME_TEXT[r.selfTest.outcome])}` : '—'],
      [b('Есеп №', 'Отчёт №'), String(r.reportId)],
    ],
    verdict: r.allZero
      ? b('Әр құрылғыда нөл дауыс: дауыс беруді ашуға болады.', 'Каждое устройство содержит ноль голосов: голосование можно открыть.')
      : b('Нөл емес немесе жауап бермейтін құрылғы бар: дауыс беру АШЫЛМАЙДЫ.', 'Есть устройства не на нуле или без ответа: голосование НЕ ОТКРЫВАЕТСЯ.'),
    tables: [{
      heading: b('Құрылғылар', 'Устройства'),
      columns: ['device', 'kind', 'serial', 'state', 'votes', 'zero', 'problem'],
      rows: r.lines.map((l) => [l.deviceId, l.kind, l.serial, l.state ?? '—', l.votes === null ? '?' : String(l.votes), l.zero ? '0 ✓' : '✗', l.problem ?? '']),
    }],
    notes: ['VVSG 2.0 1.1.3-B: before opening, every device shows that it holds no votes.'],
    signatures: [SIGN_CHAIR, SIGN_MEMBER, SIGN_MEMBER],
  };
}

export function closeReportDocument(r: CloseResult, precinct: number, madeAt: string): ReportDocument {
  return {
    title: b('ҚҰРЫЛҒЫЛАР ДЕРЕКТЕРІН ЖИНАУ', 'СБОР ДАННЫХ УСТРОЙСТВ'),
    facts: [[b('Учаске', 'Участок'), String(precinct)], [b('Уақыты', 'Время'), localTime(madeAt)]],
    verdict: r.complete ? b('Барлық құрылғының деректері алынды: санауға болады.', 'Данные всех устройств получены: можно считать.')
      : b('Кейбір құрылғылардың деректері жоқ: санау басталмайды (001 §17).', 'Нет данных части устройств: подсчёт не начинается (001 §17).'),
    tables: [
      { heading: b('Алынды', 'Получено'), columns: ['device', 'kind', 'records', 'fingerprint'], rows: r.collected.map((c) => [c.deviceId, c.kind, String(c.records), `${c.fingerprint.slice(0, 16)}…`]) },
      { heading: b('Жоқ', 'Отсутствует'), columns: ['device', 'kind', 'problem'], rows: r.missing.map((m) => [m.deviceId, m.kind, m.problem]) },
    ],
    notes: r.notes,
    signatures: [SIGN_CHAIR, SIGN_MEMBER],
  };
}
