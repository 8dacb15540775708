// The printable protocol (the paper copy members sign and post, 001 §19, §21): Kazakh and
// Russian, every figure in figures and in words, the reconciliation, the anomalies, the
// devices, signature lines for the members, a QR code with the chairman-signed summary,
// and the attached list of verification codes with the choice each stands for.
// pdfkit with the DejaVu fonts (they cover the Kazakh letters ә ғ қ ң ө ұ ү һ і).
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../protocol/bytes';
import { AGAINST_ALL_ID, type LocalizedText } from '../../protocol/election/model';
import { printedLines, type ProtocolContest, type ProtocolDocument } from './document';
import { decodeSummary, qrPayload, type SignedProtocol } from './sign';
import { kazakhWords, russianWords } from './words';
import type { Choice } from '../count/types';

const FONT_DIRS = [process.env.SAILAU_FONT_DIR, '/usr/share/fonts/truetype/dejavu'].filter((d): d is string => !!d);

function fontPath(file: string): string {
  for (const d of FONT_DIRS) if (existsSync(join(d, file))) return join(d, file);
  throw new Error(`font ${file} not found in ${FONT_DIRS.join(', ')}; install fonts-dejavu-core or set SAILAU_FONT_DIR`);
}

export interface Member { role: 'chairman' | 'deputy' | 'secretary' | 'member'; name?: string }

export interface PdfOptions {
  /** Signature lines; default chairman, deputy, secretary and four members (7, by law). */
  members?: Member[];
}

const ROLE: Record<Member['role'], LocalizedText> = {
  chairman: { kk: 'Комиссия төрағасы', ru: 'Председатель комиссии' },
  deputy: { kk: 'Төрағаның орынбасары', ru: 'Заместитель председателя' },
  secretary: { kk: 'Комиссия хатшысы', ru: 'Секретарь комиссии' },
  member: { kk: 'Комиссия мүшесі', ru: 'Член комиссии' },
};

export const HEADINGS = {
  title: {
    kk: 'УЧАСКЕЛІК САЙЛАУ КОМИССИЯСЫНЫҢ ДАУЫС БЕРУ ҚОРЫТЫНДЫЛАРЫ ТУРАЛЫ ХАТТАМАСЫ',
    ru: 'ПРОТОКОЛ УЧАСТКОВОЙ ИЗБИРАТЕЛЬНОЙ КОМИССИИ ОБ ИТОГАХ ГОЛОСОВАНИЯ',
  },
  reconciliation: { kk: 'Сайлаушылар мен бюллетеньдерді салыстыру', ru: 'Сверка данных об избирателях и бюллетенях' },
  results: { kk: 'Дауыс беру нәтижелері', ru: 'Результаты голосования' },
  portable: { kk: 'Көшпелі электрондық бюллетеньнің дауыстары — комиссияның шешіміне', ru: 'Голоса переносного электронного бюллетеня — на решение комиссии' },
  anomalies: { kk: 'Ауытқулар', ru: 'Отклонения' },
  devices: { kk: 'Құрылғылар және олардың деректері', ru: 'Устройства и их данные' },
  signatures: { kk: 'Комиссия мүшелерінің қолдары', ru: 'Подписи членов комиссии' },
  codes: { kk: 'Тексеру кодтарының тізімі (хаттамаға қосымша)', ru: 'Список кодов проверки (приложение к протоколу)' },
  qr: { kk: 'Төраға қол қойған қысқаша мазмұн', ru: 'Сводка, подписанная председателем' },
};

const RECONCILIATION_LABELS: [keyof ProtocolDocument['reconciliation'], LocalizedText][] = [
  ['registered', { kk: 'Тізімге енгізілген сайлаушылар саны', ru: 'Число избирателей, внесённых в список' }],
  ['cardsActivated', { kk: 'Белсендірілген сайлаушы карталарының саны', ru: 'Число активированных карт избирателя' }],
  ['cardsSpoiled', { kk: 'Бүлінген карталар саны', ru: 'Число испорченных карт' }],
  ['cardsOutstanding', { kk: 'Жинақтағышқа түспеген карталар саны', ru: 'Число карт, не поступивших в накопитель' }],
  ['votesInPremises', { kk: 'Үй-жайда берілген дауыстар саны', ru: 'Число голосов, поданных в помещении' }],
  ['terminalVotesWritten', { kk: 'Терминалдар жазған дауыстар саны', ru: 'Число голосов, записанных терминалами' }],
  ['homeApplications', { kk: 'Үйде дауыс беруге жазбаша өтініштер саны', ru: 'Число письменных заявлений о голосовании вне помещения' }],
  ['portableMarkedVoters', { kk: 'Көшпелі бюллетень белгілеген сайлаушылар саны', ru: 'Число избирателей, отмеченных переносным бюллетенем' }],
  ['portableVotes', { kk: 'Көшпелі бюллетеньдегі дауыстар саны', ru: 'Число голосов в переносном бюллетене' }],
  ['ballotsCounted', { kk: 'Есептелген бюллетеньдер саны', ru: 'Число учтённых бюллетеней' }],
  ['recordsRejected', { kk: 'Қабылданбаған жазбалар саны', ru: 'Число отклонённых записей' }],
  ['recordsDuplicate', { kk: 'Қайталанған жазбалар саны', ru: 'Число повторных записей' }],
];

/** What each anomaly means, for the printed copy (the detail text in the file is English). */
const ANOMALY_LABELS: Record<string, LocalizedText> = {
  rejected: { kk: 'Тексеруден өтпеген жазба — есептелмеді', ru: 'Запись не прошла проверку — не учтена' },
  'duplicate-activation': { kk: 'Бір карта қайта оқылды — бір рет есептелді', ru: 'Одна карта считана повторно — учтена один раз' },
  'conflicting-activation': { kk: 'Бір белсендіруде әртүрлі дауыстар — ешқайсысы есептелмеді', ru: 'Одна активация с разными голосами — ни один не учтён' },
  'invalid-choice': { kk: 'Бюллетеньде жоқ таңдау — жарамсыз деп есептелді', ru: 'Выбор, которого нет в бюллетене, — учтён как недействительный' },
  'unknown-contest': { kk: 'Анықтамада жоқ бөлім — еленбеді', ru: 'Раздел, которого нет в определении выборов, — не учтён' },
  'duplicate-code': { kk: 'Қайталанған тексеру коды', ru: 'Повторяющийся код проверки' },
  'device-count-mismatch': { kk: 'Жинақтағыштың есептегіші жазбалар санына сәйкес емес', ru: 'Счётчик накопителя не совпадает с числом записей' },
  'votes-exceed-activations': { kk: 'Дауыстар белсендірілген карталардан көп', ru: 'Голосов больше, чем активированных карт' },
  'votes-exceed-terminal-counts': { kk: 'Дауыстар терминалдар жазғаннан көп', ru: 'Голосов больше, чем записали терминалы' },
  'portable-exceeds-applications': { kk: 'Көшпелі бюллетеньдегі дауыстар өтініштерден көп — шешімге', ru: 'Голосов в переносном бюллетене больше, чем заявлений, — на решение' },
  'portable-exceeds-marked': { kk: 'Көшпелі бюллетеньдегі дауыстар белгіленген сайлаушылардан көп — шешімге', ru: 'Голосов в переносном бюллетене больше, чем отмеченных избирателей, — на решение' },
};

const BLANK: LocalizedText = { kk: 'Бос (белгісіз) бюллетеньдер', ru: 'Пустые (без отметки)' };
const INVALID: LocalizedText = { kk: 'Жарамсыз таңдау', ru: 'Недействительный выбор' };

const PAGE = { left: 40, right: 555, bottom: 790 };

type Doc = InstanceType<typeof PDFDocument>;

function ensure(doc: Doc, height: number): void {
  if (doc.y + height > PAGE.bottom) doc.addPage();
}

function heading(doc: Doc, t: LocalizedText, size = 11): void {
  ensure(doc, 40);
  doc.moveDown(0.6);
  doc.font('bold').fontSize(size).text(t.kk, PAGE.left, doc.y, { width: PAGE.right - PAGE.left });
  doc.font('bold').fontSize(size - 1).fillColor('#333333').text(t.ru, { width: PAGE.right - PAGE.left });
  doc.fillColor('black').font('regular').moveDown(0.3);
}

/** One figure row: label (kk / ru) · figure · words (kk / ru). */
function figureRow(doc: Doc, label: LocalizedText, n: number, detail?: LocalizedText | null): void {
  ensure(doc, 34);
  const y = doc.y;
  const labelW = 250;
  doc.font('regular').fontSize(8.5).text(label.kk, PAGE.left, y, { width: labelW });
  doc.fillColor('#333333').text(label.ru, PAGE.left, doc.y, { width: labelW });
  if (detail) doc.fontSize(7.5).text(`${detail.kk} / ${detail.ru}`, PAGE.left, doc.y, { width: labelW });
  doc.fillColor('black');
  const yEnd1 = doc.y;
  doc.font('bold').fontSize(11).text(String(n), PAGE.left + labelW + 5, y, { width: 45, align: 'right' });
  doc.font('regular').fontSize(8.5).text(kazakhWords(n), PAGE.left + labelW + 60, y, { width: PAGE.right - PAGE.left - labelW - 60 });
  doc.fillColor('#333333').text(russianWords(n), PAGE.left + labelW + 60, doc.y, { width: PAGE.right - PAGE.left - labelW - 60 });
  doc.fillColor('black');
  doc.y = Math.max(yEnd1, doc.y) + 3;
  doc.moveTo(PAGE.left, doc.y - 1.5).lineTo(PAGE.right, doc.y - 1.5).lineWidth(0.3).strokeColor('#bbbbbb').stroke().strokeColor('black');
}

function contestBlock(doc: Doc, c: ProtocolContest, index: number): void {
  heading(doc, { kk: `${index + 1}. ${c.title.kk}`, ru: `${index + 1}. ${c.title.ru}` }, 10);
  printedLines(c).forEach((l, i) => figureRow(doc, { kk: `${i + 1}. ${l.text.kk}`, ru: `${i + 1}. ${l.text.ru}` }, l.votes, l.detail));
  if (c.blankAllowed || c.blank > 0) figureRow(doc, BLANK, c.blank);
  figureRow(doc, INVALID, c.invalid);
  figureRow(doc, { kk: 'Барлығы', ru: 'Всего' }, c.ballots);
}

function portableBlock(doc: Doc, c: ProtocolContest, index: number): void {
  if (!c.portable) return;
  const q = c.portable;
  doc.font('bold').fontSize(9).text(`${index + 1}. ${c.title.kk} / ${c.title.ru}`, PAGE.left, doc.y);
  printedLines(c).forEach((l, i) => {
    const v = i < q.options.length ? q.options[i] : q.againstAll ?? 0;
    figureRow(doc, { kk: `${i + 1}. ${l.text.kk}`, ru: `${i + 1}. ${l.text.ru}` }, v);
  });
  if (c.blankAllowed || q.blank > 0) figureRow(doc, BLANK, q.blank);
  figureRow(doc, INVALID, q.invalid);
}

/** Line number of a choice on the printed ballot: options 1…n, then "against all". */
function choiceLabel(c: ProtocolContest, ch: Choice): string {
  if (ch === null) return '—';
  if (ch === 'invalid') return '×';
  if (ch === AGAINST_ALL_ID && c.againstAll !== null) return String(c.options.length + 1);
  const i = c.options.findIndex((o) => o.id === ch);
  return i < 0 ? '?' : String(i + 1);
}

function codesAnnex(doc: Doc, p: ProtocolDocument): void {
  doc.addPage();
  heading(doc, HEADINGS.codes, 12);
  doc.font('regular').fontSize(8).text(
    `Әр код — сайлаушы көрген төрт таңбалы сан; жанында әр бөлім бойынша таңдаудың бюллетеньдегі жол нөмірі (хаттаманың нәтижелер бөліміндегідей): «—» бос, «×» жарамсыз${p.flags.portableForDecision ? ', «*» көшпелі бюллетень, шешімге' : ''}. ` +
    `Каждый код — четырёхзначное число, которое видел избиратель; рядом номер строки выбора по каждому разделу (как в разделе результатов): «—» пусто, «×» недействителен${p.flags.portableForDecision ? ', «*» переносной бюллетень, на решение' : ''}. ` +
    `Кодтар өсу ретімен / коды по возрастанию: ${p.codes.length}.`,
    PAGE.left, doc.y, { width: PAGE.right - PAGE.left });
  doc.moveDown(0.5);
  const entryW = 34 + p.contests.length * 14 + 10;
  const cols = Math.max(1, Math.floor((PAGE.right - PAGE.left) / entryW));
  const colW = (PAGE.right - PAGE.left) / cols;
  const rowH = 10.5;
  let col = 0;
  let top = doc.y;
  let y = top;
  doc.font('regular').fontSize(8);
  for (const e of p.codes) {
    if (y + rowH > PAGE.bottom) {
      col++;
      if (col === cols) { doc.addPage(); col = 0; top = PAGE.left; }
      y = top;
    }
    const x = PAGE.left + col * colW;
    const choices = p.contests.map((c, i) => choiceLabel(c, e.choices[i])).join('  ');
    doc.font('bold').text(String(e.code).padStart(4, '0'), x, y, { lineBreak: false });
    doc.font('regular').text(`${choices}${e.forDecision ? ' *' : ''}`, x + 27, y, { lineBreak: false });
    y += rowH;
  }
}

/** Every page names the precinct, the election and the protocol's hash, and its number: pages cannot be swapped unseen. */
function footers(doc: Doc, p: ProtocolDocument, signed: SignedProtocol): void {
  const range = doc.bufferedPageRange();
  const hash = toHex(decodeSummary(signed.summary).protocolHash).slice(0, 16); // the signed summary carries SHA-256(protocol)
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing below the margin must not start a new page
    doc.font('regular').fontSize(7).fillColor('#555555').text(
      `№ ${p.precinct} · ${p.election.id} · SHA-256 ${hash}… · бет / стр. ${i - range.start + 1} / ${range.count}`,
      PAGE.left, 842 - 28, { width: PAGE.right - PAGE.left, align: 'center', lineBreak: false });
    doc.fillColor('black');
    doc.page.margins.bottom = bottom;
  }
}

/** Renders the printable protocol. Returns the PDF bytes. */
export async function renderProtocolPdf(signed: SignedProtocol, p: ProtocolDocument, options: PdfOptions = {}): Promise<Buffer> {
  const qr = await QRCode.toBuffer(qrPayload(signed), { errorCorrectionLevel: 'M', type: 'png', margin: 1, scale: 4 });
  const doc = new PDFDocument({
    size: 'A4', margins: { top: 40, bottom: 40, left: PAGE.left, right: 595 - PAGE.right }, bufferPages: true,
    info: { Title: `${HEADINGS.title.ru} № ${p.precinct}`, Author: `УИК № ${p.precinct}`, Creator: 'sailau', CreationDate: new Date(p.signedAt) },
  });
  doc.registerFont('regular', fontPath('DejaVuSans.ttf'));
  doc.registerFont('bold', fontPath('DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => { doc.on('end', () => resolve(Buffer.concat(chunks))); doc.on('error', reject); });

  // Title block, with the QR code at the right.
  const qrSize = 110;
  const textW = PAGE.right - PAGE.left - qrSize - 10;
  doc.image(qr, PAGE.right - qrSize, 40, { width: qrSize });
  doc.font('regular').fontSize(6).text(`${HEADINGS.qr.kk} / ${HEADINGS.qr.ru}`, PAGE.right - qrSize, 40 + qrSize + 2, { width: qrSize, align: 'center' });
  doc.font('bold').fontSize(12).text(HEADINGS.title.kk, PAGE.left, 40, { width: textW });
  doc.fontSize(11).text(HEADINGS.title.ru, { width: textW });
  doc.moveDown(0.4);
  doc.font('regular').fontSize(9).text(`${p.election.title.kk}`, { width: textW });
  doc.fillColor('#333333').text(`${p.election.title.ru}`, { width: textW }).fillColor('black');
  doc.text(`№ ${p.precinct} сайлау учаскесі / Избирательный участок № ${p.precinct} · ${p.election.date} · ${p.election.id}`, { width: textW });
  doc.fontSize(7.5).text(`Сайлау анықтамасының саусақ ізі / Отпечаток определения выборов: ${toHex(p.election.fingerprint)}`, { width: textW });
  doc.y = Math.max(doc.y, 40 + qrSize + 30);

  if (p.flags.portableForDecision) {
    doc.moveDown(0.4);
    doc.font('bold').fontSize(9).fillColor('#a00000').text(
      `НАЗАР АУДАРЫҢЫЗ: көшпелі бюллетеньдегі дауыстар (${p.reconciliation.portableVotes}) жазбаша өтініштерден (${p.reconciliation.homeApplications}) немесе белгіленген сайлаушылардан (${p.reconciliation.portableMarkedVoters}) көп — олар есептелмеді, комиссияның шешіміне жіберіледі. ` +
      `ВНИМАНИЕ: голосов в переносном бюллетене (${p.reconciliation.portableVotes}) больше, чем письменных заявлений (${p.reconciliation.homeApplications}) или отмеченных избирателей (${p.reconciliation.portableMarkedVoters}) — они не учтены и передаются на решение комиссии.`,
      PAGE.left, doc.y, { width: PAGE.right - PAGE.left });
    doc.fillColor('black').font('regular');
  }

  heading(doc, HEADINGS.reconciliation);
  for (const [key, label] of RECONCILIATION_LABELS) figureRow(doc, label, p.reconciliation[key] as number);

  heading(doc, HEADINGS.results, 12);
  p.contests.forEach((c, i) => contestBlock(doc, c, i));

  if (p.flags.portableForDecision) {
    heading(doc, HEADINGS.portable);
    p.contests.forEach((c, i) => portableBlock(doc, c, i));
  }

  heading(doc, HEADINGS.anomalies);
  doc.fontSize(8);
  if (p.anomalies.length === 0) doc.text('Жоқ / Нет', PAGE.left, doc.y);
  for (const a of p.anomalies) {
    ensure(doc, 22);
    const label = ANOMALY_LABELS[a.code] ?? (a.code.startsWith('rejected-') ? ANOMALY_LABELS.rejected : null);
    doc.font('bold').text(`${a.code}${a.device ? ` · ${a.device}` : ''}${a.contest !== null ? ` · ${a.contest}` : ''}: ${a.count} (${kazakhWords(a.count)} / ${russianWords(a.count)})`, PAGE.left, doc.y, { width: PAGE.right - PAGE.left });
    if (label) doc.font('regular').text(`${label.kk} / ${label.ru}`, { width: PAGE.right - PAGE.left });
    doc.font('regular').fillColor('#333333').text(a.detail, { width: PAGE.right - PAGE.left }).fillColor('black');
  }

  heading(doc, HEADINGS.devices);
  doc.fontSize(7);
  for (const d of p.devices) {
    ensure(doc, 20);
    const figures = d.kind === 'terminal'
      ? `жазылған дауыстар / записано голосов ${d.votesWritten}`
      : `жазбалар / записей ${d.records}, қабылданды / принято ${d.accepted}${d.markedVoters !== null ? `, белгіленген сайлаушылар / отмечено избирателей ${d.markedVoters}` : ''}${d.reportedCount !== null ? `, құрылғы есептегіші / счётчик устройства ${d.reportedCount}` : ''}`;
    doc.font('bold').text(`${d.id} (${d.kind}) — ${figures}`, PAGE.left, doc.y);
    doc.font('regular').text(`кілт / ключ ${toHex(d.signKey).slice(0, 32)}…  деректер / данные ${toHex(d.data)}`);
  }
  doc.moveDown(0.3);
  doc.fontSize(7.5).text(`Оқиғалар журналының соңы / Конец журнала событий: № ${p.eventLog.seq}, ${toHex(p.eventLog.hash)}`, PAGE.left, doc.y, { width: PAGE.right - PAGE.left });
  doc.text(`Төраға қол қойды / Подписано председателем (ЭЦП): ${p.signedAt} · кілт / ключ ${toHex(signed.chairmanKey)}`, { width: PAGE.right - PAGE.left });

  const members = options.members ?? [{ role: 'chairman' }, { role: 'deputy' }, { role: 'secretary' }, { role: 'member' }, { role: 'member' }, { role: 'member' }, { role: 'member' }];
  ensure(doc, 60 + members.length * 28); // the signature block stays on one page
  heading(doc, HEADINGS.signatures);
  for (const m of members) {
    ensure(doc, 30);
    const y = doc.y + 12;
    doc.fontSize(8.5).font('regular').text(`${ROLE[m.role].kk} / ${ROLE[m.role].ru}`, PAGE.left, y, { width: 260, lineBreak: false });
    doc.text(m.name ?? '', PAGE.left + 265, y, { width: 130 });
    doc.moveTo(PAGE.left + 400, y + 9).lineTo(PAGE.right, y + 9).lineWidth(0.5).stroke();
    doc.y = y + 16;
  }

  codesAnnex(doc, p);
  footers(doc, p, signed);
  doc.end();
  return done;
}
