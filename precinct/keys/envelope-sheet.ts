// The envelope sheet: the one printout of the start password (001 §4-1), sealed in an
// envelope that commission members sign across the flap. Plain UTF-8 text for any
// printer; the password appears in large block digits (one group per block, to be read
// across a table) and once in plain digits. Labels are in Kazakh and Russian.
import { shortFingerprint } from '../../protocol/election/encoding';
import type { LocalizedText } from '../../protocol/election/model';
import { PrecinctError } from '../errors';
import { keyFingerprint } from './fingerprint';
import type { CryptoPort } from '../../protocol/crypto/port';
import { groupStartPassword, normalizeStartPassword } from './start-password';

export interface EnvelopeSheetInfo {
  electionId: string;
  title: LocalizedText;
  /** Election day, YYYY-MM-DD. */
  electionDate: string;
  precinct: number;
  electionFingerprint: Uint8Array;
  electionPublicKey: Uint8Array;
  /** When the password was generated and sealed, as the operator's clock gives it. */
  sealedOn: string;
  /** Commission members besides the chairman who sign (by law the commission has 7). */
  members?: number;
}

// 5 rows × 5 columns per digit.
const BIG: Record<string, string[]> = {
  '0': [' ### ', '#   #', '#   #', '#   #', ' ### '],
  '1': ['  #  ', ' ##  ', '  #  ', '  #  ', ' ### '],
  '2': [' ### ', '#   #', '  ## ', ' #   ', '#####'],
  '3': ['#### ', '    #', ' ### ', '    #', '#### '],
  '4': ['#   #', '#   #', '#####', '    #', '    #'],
  '5': ['#####', '#    ', '#### ', '    #', '#### '],
  '6': [' ### ', '#    ', '#### ', '#   #', ' ### '],
  '7': ['#####', '    #', '   # ', '  #  ', '  #  '],
  '8': [' ### ', '#   #', ' ### ', '#   #', ' ### '],
  '9': [' ### ', '#   #', ' ####', '    #', ' ### '],
};

/** A group of digits in block letters: five lines. */
export function bigDigits(digits: string): string[] {
  const rows = ['', '', '', '', ''];
  for (const d of digits) {
    const g = BIG[d];
    if (!g) throw new PrecinctError('key-bad-argument', `no block glyph for ${JSON.stringify(d)}`);
    for (let r = 0; r < 5; r++) rows[r] += (rows[r] ? '   ' : '') + g[r];
  }
  return rows;
}

const RULE = '='.repeat(72);

export function envelopeSheet(crypto: CryptoPort, info: EnvelopeSheetInfo, password: string): string {
  const groups = groupStartPassword(normalizeStartPassword(password));
  const members = info.members ?? 6;
  if (!Number.isInteger(members) || members < 1 || members > 20) throw new PrecinctError('key-bad-argument', 'members must be 1..20');
  const lines: string[] = [
    RULE,
    'ІСКЕ ҚОСУ ПАРОЛІ  /  ПАРОЛЬ ЗАПУСКА',
    'Конверт комиссия мүшелерінің, байқаушылардың көзінше ғана ашылады.',
    'Конверт вскрывается только в присутствии членов комиссии и наблюдателей.',
    RULE,
    `Сайлау / Выборы:         ${info.title.kk}`,
    `                         ${info.title.ru}`,
    `Сайлау идентификаторы / Идентификатор выборов: ${info.electionId}`,
    `Сайлау күні / Дата выборов: ${info.electionDate}`,
    `Учаске / Участок №:      ${info.precinct}`,
    `Сайлау таңбасы / Отпечаток выборов:  ${shortFingerprint(info.electionFingerprint)}`,
    `Сайлау кілті / Ключ выборов:         ${keyFingerprint(crypto, info.electionPublicKey)}`,
    `Мөрленді / Запечатано:   ${info.sealedOn}`,
    '',
    'ПАРОЛЬ (5 топ × 4 сан / 5 групп по 4 цифры):',
    '',
  ];
  groups.forEach((g, i) => {
    lines.push(`  ${i + 1})`);
    for (const row of bigDigits(g)) lines.push(`      ${row}`);
    lines.push('');
  });
  lines.push(`  ${groups.join('  ')}`, '');
  lines.push(
    'Пароль қағазда ғана: бағдарлама оны сақтамайды. Пароль жоғалса, дауыстарды санау мүмкін емес.',
    'Пароль существует только на этом листе: программа его не хранит. Без пароля подсчёт голосов невозможен.',
    '',
    RULE,
    'Қолдар / Подписи:',
    '',
    'Төраға / Председатель:   ______________________  ____________________',
    '                          (Т.А.Ә. / Ф.И.О.)        (қолы / подпись)',
  );
  for (let i = 1; i <= members; i++) {
    lines.push('', `Мүше / Член комиссии ${i}: ______________________  ____________________`);
  }
  lines.push(RULE, '');
  return lines.join('\n');
}
