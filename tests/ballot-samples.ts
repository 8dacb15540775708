// Sample ballots for the ballot-flow tests, shaped like the three kinds of Kazakh election
// (names are invented): presidential (one candidate contest), Mazhilis (one party-list
// contest), maslikhat (a single-member district and a party list).

import type { BallotView, BallotOptionView } from '../terminal/ballot/view';
import { createBallotFlow } from '../terminal/ballot/flow';
import type { BallotEffect, BallotEvent, BallotFlow, BallotState, TimerKind } from '../terminal/ballot/flow';
import type { BallotConfig } from '../terminal/ballot/config';
import { ballotScreen } from '../terminal/screens/ballot-screens';
import { renderText } from '../terminal/screens/text';
import type { Screen } from '../terminal/screens/types';

const same = (s: string) => ({ kk: s, ru: s });
const selfNominated = { kk: 'Өзін-өзі ұсыну', ru: 'Самовыдвижение' };
const againstAll: BallotOptionView = { id: 'against-all', kind: 'against-all', name: { kk: 'Барлығына қарсы', ru: 'Против всех' } };

const parties: BallotOptionView[] = [
  { id: 'p-dala', kind: 'party', name: { kk: '«Дала» партиясы', ru: 'Партия «Дала»' } },
  { id: 'p-zhol', kind: 'party', name: { kk: '«Жол» демократиялық партиясы', ru: 'Демократическая партия «Жол»' } },
  { id: 'p-orda', kind: 'party', name: { kk: '«Орда» халықтық партиясы', ru: 'Народная партия «Орда»' } },
  { id: 'p-tulpar', kind: 'party', name: { kk: '«Тұлпар» партиясы', ru: 'Партия «Тулпар»' } },
  { id: 'p-shanyrak', kind: 'party', name: { kk: '«Шаңырақ» партиясы', ru: 'Партия «Шанырак»' } },
];

export const presidential: BallotView = {
  title: { kk: 'Қазақстан Республикасы Президентінің сайлауы', ru: 'Выборы Президента Республики Казахстан' },
  contests: [{
    id: 'president',
    title: { kk: 'Қазақстан Республикасының Президенті', ru: 'Президент Республики Казахстан' },
    kind: 'candidates',
    blankAllowed: false,
    options: [
      { id: 1, kind: 'candidate', name: same('Әбілов Ерлан Серікұлы'), detail: { kk: '«Дала» партиясы', ru: 'Партия «Дала»' } },
      { id: 2, kind: 'candidate', name: same('Байжанова Гүлнар Асқарқызы'), detail: selfNominated },
      { id: 3, kind: 'candidate', name: same('Жұмабеков Нұрлан Маратұлы'), detail: { kk: '«Жол» демократиялық партиясы', ru: 'Демократическая партия «Жол»' } },
      { id: 4, kind: 'candidate', name: same('Иванов Сергей Петрович'), detail: selfNominated },
      { id: 5, kind: 'candidate', name: same('Қасымова Айгүл Болатқызы'), detail: { kk: '«Орда» халықтық партиясы', ru: 'Народная партия «Орда»' } },
      { id: 6, kind: 'candidate', name: same('Омаров Дәурен Қайратұлы'), detail: selfNominated },
      { id: 7, kind: 'candidate', name: same('Сәрсенов Бақыт Ержанұлы'), detail: { kk: '«Тұлпар» партиясы', ru: 'Партия «Тулпар»' } },
      againstAll,
    ],
  }],
};

export const mazhilis: BallotView = {
  title: { kk: 'Қазақстан Республикасы Парламенті Мәжілісінің депутаттарын сайлау', ru: 'Выборы депутатов Мажилиса Парламента Республики Казахстан' },
  contests: [{
    id: 'mazhilis-list',
    title: { kk: 'Мәжіліс: партиялық тізімдер', ru: 'Мажилис: партийные списки' },
    kind: 'parties',
    blankAllowed: false,
    options: [...parties, againstAll],
  }],
};

export const maslikhat: BallotView = {
  title: { kk: 'Алматы қаласы мәслихатының депутаттарын сайлау', ru: 'Выборы депутатов маслихата города Алматы' },
  contests: [
    {
      id: 'district-12',
      title: { kk: '№ 12 сайлау округі', ru: 'Избирательный округ № 12' },
      kind: 'candidates',
      blankAllowed: true,
      options: [
        { id: 'c-1', kind: 'candidate', name: same('Ахметов Арман Бекұлы'), detail: { kk: '«Дала» партиясы', ru: 'Партия «Дала»' } },
        { id: 'c-2', kind: 'candidate', name: same('Кузнецова Ольга Викторовна'), detail: selfNominated },
        { id: 'c-3', kind: 'candidate', name: same('Тоқтаров Ерболат Сабитұлы'), detail: { kk: '«Шаңырақ» партиясы', ru: 'Партия «Шанырак»' } },
      ],
    },
    {
      id: 'maslikhat-list',
      title: { kk: 'Мәслихат: партиялық тізімдер', ru: 'Маслихат: партийные списки' },
      kind: 'parties',
      blankAllowed: false,
      options: [...parties, againstAll],
    },
  ],
};

export const SAMPLES = { presidential, mazhilis, maslikhat };

/* ---------------------------------------------------------------- a booth for tests */


/** The flow with its state, the effects it emitted, and the screen as text. */
export class Booth {
  readonly flow: BallotFlow;
  state: BallotState;
  effects: BallotEffect[] = [];

  constructor(ballot: BallotView, config: Partial<BallotConfig> = {}) {
    this.flow = createBallotFlow(ballot, config);
    this.state = this.flow.initial();
  }

  send(event: BallotEvent): BallotEffect[] {
    const r = this.flow.step(this.state, event);
    this.state = r.state;
    this.effects.push(...r.effects);
    return r.effects;
  }

  screen(): Screen { return ballotScreen(this.flow, this.state); }
  lines(): string[] { return renderText(this.screen()).lines; }
  text(): string { return this.lines().join('\n'); }

  /** Touches the button with this label (or id); fails when the screen has no such button. */
  tap(labelOrId: string): void {
    const b = this.screen().buttons.find((x) => x.label === labelOrId || x.id === labelOrId);
    if (!b) throw new Error(`no button "${labelOrId}" on ${this.screen().id}: ${this.screen().buttons.map((x) => x.label).join(' | ')}`);
    this.send({ type: 'touch', button: b.id });
  }

  /** Fires the timer the state asks for, which must be of this kind. */
  fire(kind: TimerKind): void {
    const t = this.state.timer;
    if (!t || t.kind !== kind) throw new Error(`expected a ${kind} timer, have ${t ? t.kind : 'none'}`);
    this.send({ type: 'timeout', timer: t.id });
  }

  insertAccepted(): void {
    this.send({ type: 'card-inserted' });
    this.send({ type: 'card-accepted' });
  }

  commits(): BallotEffect[] { return this.effects.filter((e) => e.type === 'commit-vote'); }
}

/** A scripted session on the maslikhat ballot, as every screen's text: the same on Node and XS. */
export function ballotScript(): string[][] {
  const b = new Booth(maslikhat);
  const out: string[][] = [b.lines()];
  const step = (f: () => void) => { f(); out.push(b.lines()); };
  step(() => b.send({ type: 'card-inserted' }));
  step(() => b.send({ type: 'card-accepted' }));
  for (const id of ['lang:kk', 'large-text', 'opt:c-3', 'confirm', 'large-text', 'opt:against-all', 'confirm', 'change:1', 'opt:p-orda', 'confirm', 'proceed', 'cast']) {
    step(() => b.tap(id));
  }
  step(() => b.send({ type: 'vote-written', verificationCode: 507 }));
  step(() => b.send({ type: 'button', name: '2' }));
  step(() => b.send({ type: 'button', name: '1' }));
  step(() => b.send({ type: 'card-removed' }));
  return out;
}
