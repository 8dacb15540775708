// A realistic sample register for tests, benches and the simulated polling station:
// Kazakh and Russian names (with Kazakh letters, ё, -ұлы/-қызы and -ович/-овна patronymics),
// addresses on the streets of one urban precinct, valid IINs. Deterministic from a seed.
// CLI: npx tsx precinct/sample-register.ts [--seed N] [--count N] [--election-day YYYY-MM-DD] > register.csv
import { pathToFileURL } from 'node:url';
import { daysInMonth, generateIin, type Sex } from './iin';
import { REGISTER_COLUMNS, type VoterInput } from './register';

/** mulberry32: small, fast, deterministic; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KZ_SURNAMES = ['Ахметов', 'Қасымов', 'Жұмабаев', 'Омаров', 'Бекболатов', 'Төлеубаев', 'Серікбаев', 'Әбдірахманов', 'Сұлтанбеков', 'Ермеков', 'Исабеков', 'Мұқанов', 'Байжанов', 'Оспанов', 'Нұрпейісов', 'Құдайбергенов', 'Ғабдуллин', 'Өтегенов', 'Ұзақов', 'Шәріпов', 'Есенов', 'Кенжебаев', 'Сәрсенбаев', 'Дүйсенов'];
const KZ_ULY_SURNAMES = ['Сәрсенбай', 'Тұрсын', 'Әбілқас', 'Нұрлыбек'];
const KZ_MALE = ['Айбек', 'Нұрлан', 'Ерлан', 'Асқар', 'Данияр', 'Бауыржан', 'Ержан', 'Қайрат', 'Серік', 'Мұрат', 'Әлихан', 'Дәурен', 'Ғалым', 'Жандос', 'Темірлан', 'Арман', 'Ілияс', 'Санжар', 'Ақжол', 'Өркен'];
const KZ_FEMALE = ['Айгүл', 'Гүлнар', 'Динара', 'Әйгерім', 'Жанар', 'Сәуле', 'Меруерт', 'Ақмарал', 'Гүлмира', 'Назгүл', 'Аружан', 'Дана', 'Жұлдыз', 'Раушан', 'Ботагөз', 'Салтанат', 'Қарлығаш', 'Мадина', 'Айнұр', 'Перизат'];
const KZ_FATHERS = ['Серік', 'Нұрлан', 'Бақыт', 'Марат', 'Болат', 'Ерлан', 'Қанат', 'Асқар', 'Мұрат', 'Талғат', 'Жақсылық', 'Әділ'];
const KZ_FATHERS_RU = ['Серик', 'Нурлан', 'Бахыт', 'Марат', 'Болат', 'Ерлан', 'Канат', 'Аскар', 'Мурат', 'Талгат'];
const RU_SURNAMES = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев'];
const RU_INVARIANT = ['Шевченко', 'Бондаренко', 'Коваленко', 'Миллер', 'Шмидт', 'Ким', 'Пак', 'Цой'];
const RU_MALE = ['Александр', 'Сергей', 'Андрей', 'Дмитрий', 'Алексей', 'Владимир', 'Николай', 'Игорь', 'Евгений', 'Виктор', 'Пётр', 'Артём'];
const RU_FEMALE = ['Елена', 'Ольга', 'Татьяна', 'Наталья', 'Ирина', 'Светлана', 'Анна', 'Мария', 'Людмила', 'Галина', 'Алёна', 'Юлия'];
const RU_PATRONYMIC: [string, string][] = [['Александрович', 'Александровна'], ['Сергеевич', 'Сергеевна'], ['Владимирович', 'Владимировна'], ['Николаевич', 'Николаевна'], ['Викторович', 'Викторовна'], ['Иванович', 'Ивановна'], ['Петрович', 'Петровна'], ['Михайлович', 'Михайловна'], ['Андреевич', 'Андреевна'], ['Юрьевич', 'Юрьевна']];
// One precinct: a few streets of Almaty; [Russian form, Kazakh form]
const STREETS: [string, string][] = [['пр. Абая', 'Абай даңғылы'], ['ул. Толе би', 'Төле би көшесі'], ['ул. Жандосова', 'Жандосов көшесі'], ['ул. Байтурсынулы', 'Байтұрсынұлы көшесі'], ['ул. Ауэзова', 'Әуезов көшесі'], ['мкр. Самал-2', 'Самал-2 ш/а']];

export interface SampleOptions {
  seed: number;
  count?: number;
  /** voters are 18..95 on this day */
  electionDay?: string;
}

export function sampleVoters(options: SampleOptions): VoterInput[] {
  const rnd = seededRandom(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const count = options.count ?? 3000;
  const [ey, em, ed] = (options.electionDay ?? '2026-03-15').split('-').map(Number);
  const usedIins = new Set<string>();
  const people: (Omit<VoterInput, 'registerNo'> & { sortKey: string })[] = [];
  for (let i = 0; i < count; i++) {
    const sex: Sex = rnd() < 0.53 ? 'female' : 'male';
    const name = rnd() < 0.7 ? kazakhName(sex, rnd, pick) : russianName(sex, pick);
    const age = 18 + Math.floor(Math.pow(rnd(), 1.3) * 78);
    const year = ey - age - 1 + (rnd() < 0.5 ? 1 : 0);
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * daysInMonth(year, month));
    const birth = clampToAdult(year, month, day, ey, em, ed);
    let iin: string;
    let serial = Math.floor(rnd() * 9000);
    do {
      const g = generateIin({ birthDate: birth, sex, serial });
      iin = g.iin;
      serial = g.serial + 1;
    } while (usedIins.has(iin));
    usedIins.add(iin);
    const s = Math.floor(rnd() * STREETS.length);
    const house = 1 + Math.floor(rnd() * 40);
    const flat = rnd() < 0.85 ? 1 + Math.floor(rnd() * 120) : 0;
    const address = rnd() < 0.6
      ? `г. Алматы, ${STREETS[s][0]}, д. ${house}${flat ? `, кв. ${flat}` : ''}`
      : `Алматы қ., ${STREETS[s][1]}, ${house} үй${flat ? `, ${flat} пәтер` : ''}`;
    people.push({ ...name, iin, birthDate: birth, address, sortKey: `${s}:${String(house).padStart(3, '0')}:${String(flat).padStart(4, '0')}` });
  }
  // Lists are ordered by address; the register number follows that order.
  people.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return people.map(({ sortKey: _sortKey, ...p }, i) => ({ registerNo: i + 1, ...p }));
}

function clampToAdult(y: number, m: number, d: number, ey: number, em: number, ed: number): string {
  // Someone born after election day minus 18 years is not a voter: move them a year back.
  const tooYoung = y > ey - 18 || (y === ey - 18 && (m > em || (m === em && d > ed)));
  const year = tooYoung ? y - 1 : y;
  const day = Math.min(d, daysInMonth(year, m));
  return `${year}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

type Name = Pick<VoterInput, 'surname' | 'firstName' | 'patronymic'>;

function kazakhName(sex: Sex, rnd: () => number, pick: <T>(xs: readonly T[]) => T): Name {
  const female = sex === 'female';
  const firstName = pick(female ? KZ_FEMALE : KZ_MALE);
  let surname: string;
  if (rnd() < 0.1) surname = pick(KZ_ULY_SURNAMES) + (female ? 'қызы' : 'ұлы');
  else surname = pick(KZ_SURNAMES) + (female ? 'а' : '');
  const r = rnd();
  let patronymic: string;
  if (r < 0.45) patronymic = pick(KZ_FATHERS) + (female ? 'қызы' : 'ұлы');
  else if (r < 0.9) patronymic = pick(KZ_FATHERS_RU) + (female ? 'овна' : 'ович');
  else patronymic = ''; // not everyone has a patronymic on their ID
  return { surname, firstName, patronymic };
}

function russianName(sex: Sex, pick: <T>(xs: readonly T[]) => T): Name {
  const female = sex === 'female';
  const inv = pick([false, false, false, true]);
  const surname = inv ? pick(RU_INVARIANT) : pick(RU_SURNAMES) + (female ? 'а' : '');
  const [m, f] = pick(RU_PATRONYMIC);
  return { surname, firstName: pick(female ? RU_FEMALE : RU_MALE), patronymic: female ? f : m };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The register as CSV text in the import format (precinct/register.ts). */
export function toCsv(voters: readonly VoterInput[]): string {
  const rows = [REGISTER_COLUMNS.join(',')];
  for (const v of voters) {
    rows.push([String(v.registerNo), v.iin, v.surname, v.firstName, v.patronymic, v.birthDate, v.address].map(csvField).join(','));
  }
  return rows.join('\n') + '\n';
}

export function sampleRegisterCsv(options: SampleOptions): string {
  return toCsv(sampleVoters(options));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  process.stdout.write(sampleRegisterCsv({
    seed: Number(arg('--seed') ?? 1),
    count: Number(arg('--count') ?? 3000),
    electionDay: arg('--election-day') ?? '2026-03-15',
  }));
}
