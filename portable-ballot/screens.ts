// What the portable ballot shows. Two kinds of screen: the voter's ballot (the shared flow's
// screens, terminal/screens) while a voter votes, and the members' screens otherwise: search,
// the voter's record to compare with the ID document, hand-back, recovery notices. Data only;
// the panel driver draws them (buttons by id, as DisplayPort.onTouch reports them).

import type { Screen } from '../terminal/screens/types';
import type { Text } from '../terminal/ballot/view';
import type { HomeVoter } from './voter-list';

export type MemberScreenId =
  | 'not-ready' | 'search' | 'identify' | 'refused' | 'hand-back' | 'recovery' | 'closed';

export interface MemberScreen {
  id: MemberScreenId;
  title: Text;
  /** Lines to read (the voter's record, counters, warnings), language-neutral data or bilingual. */
  lines: string[];
  buttons: { id: string; label: Text }[];
  /** A warning the member must see first (low battery, an interrupted session). */
  warning?: Text;
}

export type PortableScreen = { mode: 'ballot'; screen: Screen } | { mode: 'member'; screen: MemberScreen };

export type VoterRefusal = 'already-voted' | 'not-on-list' | 'session-open' | 'battery-critical' | 'not-open' | 'no-codes' | 'store-full' | 'too-many-sessions';

const T = {
  notReady: { kk: 'Құрылғы дайын емес', ru: 'Устройство не готово' },
  search: { kk: 'Сайлаушыны іздеу', ru: 'Поиск избирателя' },
  identify: { kk: 'Жеке куәлікпен салыстырыңыз', ru: 'Сверьте с удостоверением личности' },
  refused: { kk: 'Дауыс беруге болмайды', ru: 'Голосование невозможно' },
  handBack: { kk: 'Құрылғыны комиссия мүшесіне қайтарыңыз', ru: 'Верните устройство члену комиссии' },
  recovery: { kk: 'Қуат үзілгеннен кейін', ru: 'После отключения питания' },
  closed: { kk: 'Дауыс беру аяқталды', ru: 'Голосование завершено' },
  confirm: { kk: 'Сәйкес келеді: бюллетеньді ашу', ru: 'Совпадает: открыть бюллетень' },
  cancel: { kk: 'Болдырмау', ru: 'Отмена' },
  finish: { kk: 'Аяқтау', ru: 'Завершить' },
  lowBattery: { kk: 'Батарея заряды төмен', ru: 'Низкий заряд батареи' },
} as const;

export const REFUSAL_TEXT: Record<VoterRefusal, Text> = {
  'already-voted': { kk: 'Бұл сайлаушы дауыс берген', ru: 'Этот избиратель уже проголосовал' },
  'not-on-list': { kk: 'Сайлаушы тізімде жоқ', ru: 'Избирателя нет в списке' },
  'session-open': { kk: 'Басқа сайлаушының бюллетені ашық', ru: 'Открыт бюллетень другого избирателя' },
  'battery-critical': { kk: 'Батарея заряды өте төмен: зарядтаңыз', ru: 'Батарея почти разряжена: зарядите' },
  'not-open': { kk: 'Дауыс беру ашылмаған', ru: 'Голосование не открыто' },
  'no-codes': { kk: 'Тексеру кодтары таусылды', ru: 'Коды проверки закончились' },
  'store-full': { kk: 'Жад толды', ru: 'Память заполнена' },
  'too-many-sessions': { kk: 'Тым көп әрекет: төрағаны шақырыңыз', ru: 'Слишком много попыток: позовите председателя' },
};

export function voterLines(v: HomeVoter): string[] {
  return [
    `№ ${v.registerNo}`,
    [v.surname, v.firstName, v.patronymic].filter((s) => s !== '').join(' '),
    v.birthDate,
    v.address,
  ];
}

export function notReadyScreen(): MemberScreen { return { id: 'not-ready', title: T.notReady, lines: [], buttons: [] }; }
export function closedScreen(marked: number, votes: number): MemberScreen {
  return { id: 'closed', title: T.closed, lines: [`${marked} / ${votes}`], buttons: [] };
}
export function searchScreen(marked: number, applications: number, lowBattery: boolean): MemberScreen {
  const s: MemberScreen = { id: 'search', title: T.search, lines: [`${marked} / ${applications}`], buttons: [] };
  if (lowBattery) s.warning = T.lowBattery;
  return s;
}
export function identifyScreen(v: HomeVoter, lowBattery: boolean): MemberScreen {
  const s: MemberScreen = { id: 'identify', title: T.identify, lines: voterLines(v), buttons: [{ id: 'member:confirm', label: T.confirm }, { id: 'member:cancel', label: T.cancel }] };
  if (lowBattery) s.warning = T.lowBattery;
  return s;
}
export function refusedScreen(reason: VoterRefusal, v?: HomeVoter): MemberScreen {
  return { id: 'refused', title: T.refused, lines: v ? voterLines(v) : [], buttons: [{ id: 'member:cancel', label: T.cancel }], warning: REFUSAL_TEXT[reason] };
}
export function handBackScreen(): MemberScreen { return { id: 'hand-back', title: T.handBack, lines: [], buttons: [{ id: 'member:finish', label: T.finish }] }; }
export function recoveryScreen(what: Text, v?: HomeVoter): MemberScreen {
  return { id: 'recovery', title: T.recovery, lines: v ? voterLines(v) : [], buttons: [{ id: 'member:cancel', label: T.cancel }], warning: what };
}
