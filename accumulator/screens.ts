// The accumulator's small display, described as data: every screen carries its text in both
// the state language (Kazakh) and Russian at once (the display is read by the voter and the
// member together, before anyone chose a language). The drawing code renders this; tests read it.

export type AccumulatorScreenId =
  | 'not-ready' // no election loaded, or loaded but voting not open yet
  | 'ready' // open: insert the card
  | 'reading' // a card is being read and checked
  | 'accepted' // the vote is stored and the card cleared
  | 'refused' // the card was not taken; the reason is on the screen
  | 'reinsert' // the vote is stored, but the card was pulled before it was cleared
  | 'closed'; // voting closed

export interface BiText { kk: string; ru: string }

export interface AccumulatorScreen {
  id: AccumulatorScreenId;
  title: BiText;
  /** The reason (refused) or the instruction; absent when the title says it all. */
  body?: BiText;
  /** Cards accepted so far, shown on every screen so observers can read it (002 art. 20-1 §2.2). */
  accepted: number;
}

/** Why a card was not taken. Stable strings: counters, the event log and the wire use them. */
export type RefusalReason =
  | 'not-voted' // blank or activated but unvoted card
  | 'unreadable' // no answer, malformed answer, pulled while reading, not a voter card
  | 'malformed' // a record that is not a well-formed activation / vote
  | 'unknown-issuer' // activation not signed by this precinct's issuing key
  | 'unknown-terminal' // vote not signed by an enrolled terminal or portable ballot
  | 'bad-signature' // a signature that does not verify: tampered record
  | 'wrong-activation' // the vote is bound to another activation (records swapped between cards)
  | 'wrong-election' // another election
  | 'wrong-precinct' // another precinct
  | 'duplicate' // this activation's vote is already stored and its card was cleared: a copy
  | 'not-open' // voting not open (before open, or after close)
  | 'store-full' // no free slot
  | 'too-large'; // the vote does not fit a slot

export const REFUSAL_REASONS: readonly RefusalReason[] = [
  'not-voted', 'unreadable', 'malformed', 'unknown-issuer', 'unknown-terminal', 'bad-signature', 'wrong-activation',
  'wrong-election', 'wrong-precinct', 'duplicate', 'not-open', 'store-full', 'too-large',
];

export const T = {
  notReady: { kk: 'Дауыс беру әлі ашылған жоқ', ru: 'Голосование ещё не открыто' },
  ready: { kk: 'Карточканы салыңыз', ru: 'Вставьте карточку' },
  reading: { kk: 'Карточка тексерілуде…', ru: 'Карточка проверяется…' },
  accepted: { kk: 'Дауыс қабылданды', ru: 'Голос принят' },
  acceptedBody: { kk: 'Карточка тазартылды. Оны алыңыз.', ru: 'Карточка очищена. Выньте её.' },
  alreadyStored: { kk: 'Бұл дауыс бұрын сақталған, бір рет есептеледі. Карточка тазартылды.', ru: 'Этот голос уже сохранён и учитывается один раз. Карточка очищена.' },
  refused: { kk: 'Карточка қабылданбады', ru: 'Карточка не принята' },
  reinsert: { kk: 'Дауыс сақталды', ru: 'Голос сохранён' },
  reinsertBody: { kk: 'Карточка тазартылмады. Оны қайта салыңыз.', ru: 'Карточка не очищена. Вставьте её снова.' },
  closed: { kk: 'Дауыс беру аяқталды', ru: 'Голосование завершено' },
} as const;

export const REASON_TEXT: Record<RefusalReason, BiText> = {
  'not-voted': { kk: 'Карточкада дауыс жоқ.', ru: 'На карточке нет голоса.' },
  'unreadable': { kk: 'Карточка оқылмады. Қайта салыңыз.', ru: 'Карточка не прочитана. Вставьте её снова.' },
  'malformed': { kk: 'Карточкадағы деректер бүлінген.', ru: 'Данные на карточке повреждены.' },
  'unknown-issuer': { kk: 'Карточка бұл учаскеде берілмеген.', ru: 'Карточка выдана не на этом участке.' },
  'unknown-terminal': { kk: 'Дауыс осы учаскенің терминалында берілмеген.', ru: 'Голос подан не на терминале этого участка.' },
  'bad-signature': { kk: 'Карточкадағы деректер өзгертілген.', ru: 'Данные на карточке изменены.' },
  'wrong-activation': { kk: 'Дауыс бұл карточкаға тиесілі емес.', ru: 'Голос не относится к этой карточке.' },
  'wrong-election': { kk: 'Карточка басқа сайлауға арналған.', ru: 'Карточка для других выборов.' },
  'wrong-precinct': { kk: 'Карточка басқа учаскеге арналған.', ru: 'Карточка для другого участка.' },
  'duplicate': { kk: 'Бұл дауыс бұрын қабылданған. Карточканы төрағаға беріңіз.', ru: 'Этот голос уже принят. Передайте карточку председателю.' },
  'not-open': { kk: 'Дауыс беру ашық емес.', ru: 'Голосование не открыто.' },
  'store-full': { kk: 'Жад толы. Төрағаға хабарлаңыз.', ru: 'Память заполнена. Сообщите председателю.' },
  'too-large': { kk: 'Дауыс жазбасы тым үлкен.', ru: 'Запись голоса слишком велика.' },
};

export function screenFor(id: AccumulatorScreenId, accepted: number, reason?: RefusalReason, recovered = false): AccumulatorScreen {
  switch (id) {
    case 'not-ready': return { id, title: T.notReady, accepted };
    case 'ready': return { id, title: T.ready, accepted };
    case 'reading': return { id, title: T.reading, accepted };
    case 'accepted': return { id, title: T.accepted, body: recovered ? T.alreadyStored : T.acceptedBody, accepted };
    case 'refused': return { id, title: T.refused, body: REASON_TEXT[reason ?? 'unreadable'], accepted };
    case 'reinsert': return { id, title: T.reinsert, body: T.reinsertBody, accepted };
    case 'closed': return { id, title: T.closed, accepted };
  }
}
