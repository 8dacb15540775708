// The ballot flow, scenario by scenario, through the screens as the voter reads them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Booth, mazhilis, maslikhat, presidential } from './ballot-samples';
import { REFUSAL_REASONS, createBallotFlow } from '../terminal/ballot/flow';
import type { BallotEffect } from '../terminal/ballot/flow';
import { BallotConfigError, pageSizeForPanel } from '../terminal/ballot/config';
import { BallotViewError } from '../terminal/ballot/view';
import { REFUSAL_TEXT, S } from '../terminal/screens/strings';

const commit = (b: Booth) => b.commits() as Extract<BallotEffect, { type: 'commit-vote' }>[];

test('presidential, Russian: the whole ballot as the voter reads it', () => {
  const b = new Booth(presidential);
  assert.equal(b.lines(), [
    '== Карточканы салыңыз ==',
    '== Вставьте карточку ==',
    'Дауыс беру үшін сайлаушының электрондық карточкасын терминалға салыңыз.',
    'Чтобы проголосовать, вставьте электронную карточку избирателя в',
    'терминал.',
  ]);
  assert.equal(b.send({ type: 'card-inserted' }), [{ type: 'check-card' }]);
  assert.equal(b.screen().id, 'checking');
  b.send({ type: 'card-accepted' });
  assert.equal(b.lines(), ['== Тілді таңдаңыз ==', '== Выберите язык ==', '[1] Қазақша', '[2] Русский', '[3] Үлкен қаріп / Крупный шрифт']);
  b.tap('Русский');
  assert.equal(b.lines(), [
    '== Президент Республики Казахстан ==',
    'Выберите одного кандидата.',
    '[1] Әбілов Ерлан Серікұлы', '      Партия «Дала»',
    '[2] Байжанова Гүлнар Асқарқызы', '      Самовыдвижение',
    '[3] Жұмабеков Нұрлан Маратұлы', '      Демократическая партия «Жол»',
    '[4] Иванов Сергей Петрович', '      Самовыдвижение',
    '[5] Қасымова Айгүл Болатқызы', '      Народная партия «Орда»',
    '[6] Омаров Дәурен Қайратұлы', '      Самовыдвижение',
    '[7] Следующая страница',
    '[8] Назад',
    '[9] Крупный шрифт',
    '-- Страница 1 из 2 --',
  ]);
  assert.not.ok(b.text().includes('Никого не отмечать'), 'no blank button where the contest forbids blank');
  b.tap('Следующая страница');
  assert.ok(b.text().includes('[2] Против всех'));
  assert.ok(b.text().includes('-- Страница 2 из 2 --'));
  b.tap('Против всех');
  assert.equal(b.lines(), [
    'Президент Республики Казахстан', '== Ваш выбор: ==', '== Против всех ==',
    '[1] Подтвердить', '[2] Изменить', '[3] Крупный шрифт',
  ]);
  b.tap('Изменить');
  assert.ok(b.text().includes('-- Страница 2 из 2 --'), 'change returns to the page of the pending option');
  b.tap('Предыдущая страница');
  b.tap('Иванов Сергей Петрович');
  b.tap('Подтвердить');
  assert.equal(b.lines(), [
    '== Проверьте свой выбор ==',
    'Президент Республики Казахстан: Иванов Сергей Петрович',
    '[1] Изменить: Президент Республики Казахстан',
    '[2] Продолжить', '[3] Назад', '[4] Крупный шрифт',
  ]);
  b.tap('Продолжить');
  assert.equal(b.lines(), [
    '== Подтвердите свой голос ==', 'После подтверждения изменить выбор будет нельзя.',
    '[1] Проголосовать', '[2] Назад', '[3] Крупный шрифт',
  ]);
  assert.equal(commit(b), [], 'nothing for the card before the final confirmation');
  b.tap('Проголосовать');
  assert.equal(commit(b), [{ type: 'commit-vote', selections: [{ contest: 'president', option: 4 }] }]);
  assert.equal(b.lines(), ['== Ваш голос записывается ==', 'Не вынимайте карточку.']);
  assert.equal(b.state.timer, null, 'no timer while the card is being written');
  b.send({ type: 'vote-written', verificationCode: 427 });
  assert.equal(b.lines(), [
    '== Спасибо! ==', 'Ваш голос принят.',
    'Чтобы увидеть проверочный код, нажмите кнопки «1» и «2».',
    'Выньте карточку и сразу передайте её члену комиссии.',
  ]);
  b.send({ type: 'button', name: '2' });
  assert.equal(b.screen().id, 'thanks', 'one button is not enough');
  b.send({ type: 'button', name: '1' });
  assert.equal(b.lines(), [
    '== Ваш проверочный код ==', '>>> 0427 <<<',
    'Запомните или запишите код. Он будет в списке, приложенном к протоколу', 'участка.',
    'Выньте карточку и сразу передайте её члену комиссии.',
  ]);
  b.send({ type: 'card-removed' });
  assert.equal(b.screen().id, 'waiting');
  assert.equal(b.state.notice, null);
  assert.equal(commit(b).length, 1);
});

test('presidential, Kazakh: same ballot, Kazakh texts throughout', () => {
  const b = new Booth(presidential);
  b.insertAccepted();
  b.tap('Қазақша');
  assert.equal(b.lines().slice(0, 2), ['== Қазақстан Республикасының Президенті ==', 'Бір кандидатты таңдаңыз.']);
  assert.ok(b.text().includes('-- Бет 1 / 2 --'));
  assert.ok(b.text().includes('[7] Келесі бет'));
  b.tap('Әбілов Ерлан Серікұлы');
  assert.equal(b.lines(), [
    'Қазақстан Республикасының Президенті', '== Сіздің таңдауыңыз: ==', '== Әбілов Ерлан Серікұлы ==',
    '«Дала» партиясы', '[1] Растау', '[2] Өзгерту', '[3] Үлкен қаріп',
  ]);
  b.tap('Растау');
  assert.equal(b.lines()[1], 'Қазақстан Республикасының Президенті: Әбілов Ерлан Серікұлы');
  b.tap('Жалғастыру');
  assert.equal(b.lines()[0], '== Дауысыңызды растаңыз ==');
  b.tap('Дауыс беру');
  assert.equal(commit(b), [{ type: 'commit-vote', selections: [{ contest: 'president', option: 1 }] }]);
  b.send({ type: 'vote-written', verificationCode: 9051 });
  assert.equal(b.lines()[0], '== Рахмет! ==');
  assert.equal(b.lines()[1], 'Сіздің дауысыңыз қабылданды.');
  b.send({ type: 'button', name: '1' });
  b.send({ type: 'button', name: '2' });
  assert.equal(b.lines().slice(0, 2), ['== Сіздің тексеру кодыңыз ==', '>>> 9051 <<<']);
});

test('Mazhilis, both languages: one party-list contest', () => {
  for (const [lang, label, party, vote, thanks] of [
    ['kk', 'Қазақша', '«Тұлпар» партиясы', 'Дауыс беру', 'Рахмет!'],
    ['ru', 'Русский', 'Партия «Тулпар»', 'Проголосовать', 'Спасибо!'],
  ] as const) {
    const b = new Booth(mazhilis);
    b.insertAccepted();
    b.tap(label);
    assert.equal(b.lines()[1], lang === 'kk' ? 'Бір саяси партияны таңдаңыз.' : 'Выберите одну политическую партию.');
    assert.equal(b.screen().buttons.filter((x) => x.role === 'option').length, 6, 'five parties and "against all" on one page');
    b.tap(party);
    b.tap(S.confirm[lang]);
    assert.ok(b.text().includes(`: ${party}`));
    b.tap(S.proceed[lang]);
    b.tap(vote);
    assert.equal(commit(b), [{ type: 'commit-vote', selections: [{ contest: 'mazhilis-list', option: 'p-tulpar' }] }]);
    b.send({ type: 'vote-written', verificationCode: 12 });
    assert.equal(b.lines()[0], `== ${thanks} ==`);
    b.send({ type: 'button', name: '1' });
    b.send({ type: 'button', name: '2' });
    assert.ok(b.text().includes('>>> 0012 <<<'));
  }
});

test('maslikhat, both languages: candidate then party list, blank allowed only in the district', () => {
  for (const lang of ['kk', 'ru'] as const) {
    const b = new Booth(maslikhat);
    b.insertAccepted();
    b.tap(lang === 'kk' ? 'Қазақша' : 'Русский');
    assert.equal(b.lines()[0], lang === 'kk' ? 'Бюллетень 1 / 2' : 'Бюллетень 1 из 2');
    assert.equal(b.lines()[1], lang === 'kk' ? '== № 12 сайлау округі ==' : '== Избирательный округ № 12 ==');
    b.tap(S.leaveBlank[lang]);
    assert.equal(b.lines()[2], `== ${S.blankChoice[lang]} ==`);
    b.tap(S.confirm[lang]);
    assert.equal(b.lines()[0], lang === 'kk' ? 'Бюллетень 2 / 2' : 'Бюллетень 2 из 2');
    assert.not.ok(b.screen().buttons.some((x) => x.id === 'blank'), 'the party list does not allow blank');
    b.send({ type: 'touch', button: 'blank' });
    assert.equal(b.screen().id, 'contest', 'a forged blank touch does nothing');
    b.tap(S.againstAll[lang]);
    b.tap(S.confirm[lang]);
    const review = b.lines();
    assert.equal(review.slice(0, 3), lang === 'kk'
      ? ['== Таңдауыңызды тексеріңіз ==', '№ 12 сайлау округі: Белгі қойылмады', 'Мәслихат: партиялық тізімдер: Барлығына қарсы']
      : ['== Проверьте свой выбор ==', 'Избирательный округ № 12: Без отметки', 'Маслихат: партийные списки: Против всех']);
    // Change the district from the review: it comes back to the review, not to the next contest.
    b.tap('change:0');
    assert.ok(b.screen().buttons.find((x) => x.id === 'blank')?.selected, 'the current choice is marked');
    b.tap('Кузнецова Ольга Викторовна');
    b.tap(S.confirm[lang]);
    assert.equal(b.screen().id, 'review');
    assert.ok(b.text().includes('Кузнецова Ольга Викторовна'));
    b.tap(S.proceed[lang]);
    b.tap(S.back[lang]);
    assert.equal(b.screen().id, 'review', 'back from the final confirmation');
    assert.equal(commit(b), []);
    b.tap(S.proceed[lang]);
    b.tap(S.cast[lang]);
    assert.equal(commit(b), [{ type: 'commit-vote', selections: [
      { contest: 'district-12', option: 'c-2' }, { contest: 'maslikhat-list', option: 'against-all' },
    ] }]);
  }
});

test('back walks the contests in reverse, to the language screen; choices are kept and marked', () => {
  const b = new Booth(maslikhat);
  b.insertAccepted();
  b.tap('Русский');
  b.tap('Ахметов Арман Бекұлы');
  b.tap('Подтвердить');
  b.tap('Назад');
  assert.equal(b.state.contest, 0);
  assert.ok(b.screen().buttons.find((x) => x.id === 'opt:c-1')?.selected);
  b.tap('Назад');
  assert.equal(b.screen().id, 'language');
  b.tap('Қазақша');
  assert.equal(b.state.lang, 'kk');
  assert.ok(b.screen().buttons.find((x) => x.id === 'opt:c-1')?.selected);
  assert.equal(commit(b), []);
});

test('each refusal has its own screen in both languages; removing the card returns to waiting', () => {
  for (const reason of REFUSAL_REASONS) {
    const b = new Booth(presidential);
    b.send({ type: 'card-inserted' });
    const fx = b.send({ type: 'card-refused', reason });
    assert.equal(fx, [{ type: 'log', event: 'card-refused', detail: reason }]);
    const text = b.text();
    assert.equal(b.screen().lang, 'both');
    for (const l of ['kk', 'ru'] as const) {
      assert.ok(text.includes(REFUSAL_TEXT[reason][l].split(' ')[0]), `${reason} ${l}`);
      assert.ok(b.screen().texts.some((t) => t.text === REFUSAL_TEXT[reason][l]));
    }
    assert.equal(b.screen().buttons, [], 'no way to vote from a refusal');
    b.send({ type: 'touch', button: 'lang:ru' });
    assert.equal(b.screen().id, 'refused');
    b.send({ type: 'card-removed' });
    assert.equal(b.screen().id, 'waiting');
    assert.equal(commit(b), []);
  }
  const texts = new Set(REFUSAL_REASONS.map((r) => REFUSAL_TEXT[r].ru));
  assert.is(texts.size, REFUSAL_REASONS.length, 'distinct explanations');
});

test('inactivity: alert, answer, alert again, then reset with the card left unvoted', () => {
  const b = new Booth(mazhilis, { inactivityAlertMs: 150_000, inactivityResponseMs: 25_000 });
  b.insertAccepted();
  b.tap('Русский');
  assert.equal(b.state.timer?.kind, 'inactivity');
  assert.equal(b.state.timer?.afterMs, 150_000);
  const stale = b.state.timer!.id;
  b.tap('Партия «Дала»');
  b.send({ type: 'timeout', timer: stale });
  assert.equal(b.screen().id, 'confirm-choice', 'a timer replaced by input does not fire');
  b.fire('inactivity');
  assert.equal(b.screen().id, 'inactivity-alert');
  assert.equal(b.state.timer?.afterMs, 25_000);
  assert.equal(b.lines(), ['== Вы продолжаете голосование? ==', 'Если ответа не будет, голосование будет прервано.', '[1] Да, продолжить']);
  b.send({ type: 'touch', button: 'confirm' });
  assert.equal(b.screen().id, 'inactivity-alert', 'only the alert\'s button works under the alert');
  b.tap('Да, продолжить');
  assert.equal(b.screen().id, 'confirm-choice');
  b.tap('Подтвердить');
  b.tap('Продолжить');
  b.fire('inactivity');
  const fx = b.effects.length;
  b.fire('alert-response');
  assert.equal(b.effects.slice(fx), [{ type: 'log', event: 'session-reset-inactivity' }]);
  assert.equal(b.lines(), [
    '== Время истекло ==',
    'Ваш голос не подан, карточка остаётся действительной. Выньте карточку и',
    'верните её члену комиссии.',
  ]);
  assert.equal(b.state.choices, [], 'choices forgotten');
  b.send({ type: 'touch', button: 'cast' });
  assert.equal(commit(b), [], 'no commit after a reset');
  b.send({ type: 'card-removed' });
  assert.equal(b.screen().id, 'waiting');
});

test('inactivity on the language screen speaks both languages', () => {
  const b = new Booth(presidential);
  b.insertAccepted();
  b.fire('inactivity');
  assert.equal(b.screen().lang, 'both');
  b.fire('alert-response');
  assert.equal(b.screen().lang, 'both');
  assert.ok(b.text().includes('Уақыт бітті') && b.text().includes('Время истекло'));
});

test('inactivity bounds follow VVSG 2.0 7.2-O', () => {
  for (const bad of [{ inactivityAlertMs: 119_999 }, { inactivityAlertMs: 300_001 }, { inactivityResponseMs: 19_999 }, { inactivityResponseMs: 45_001 }, { pageSize: 0 }]) {
    assert.throws(() => createBallotFlow(presidential, bad), (e: unknown) => e instanceof BallotConfigError && e.code === 'ballot-config-invalid');
  }
  createBallotFlow(presidential, { inactivityAlertMs: 300_000, inactivityResponseMs: 20_000 });
  assert.equal(createBallotFlow(presidential).config.inactivityAlertMs, 120_000);
});

test('card pulled before the commit: vote not cast, card still valid, notice then plain waiting', () => {
  const b = new Booth(presidential);
  b.insertAccepted();
  b.tap('Русский');
  b.tap('Омаров Дәурен Қайратұлы');
  b.tap('Подтвердить');
  b.tap('Продолжить');
  const fx = b.send({ type: 'card-removed' });
  assert.equal(fx, [{ type: 'log', event: 'card-removed-before-vote' }]);
  assert.equal(b.state.phase, 'waiting');
  assert.equal(b.state.choices, []);
  assert.ok(b.text().includes('Ваш голос не подан, карточка действительна'));
  assert.ok(b.text().includes('Дауысыңыз берілмеді'));
  b.fire('notice');
  assert.not.ok(b.text().includes('не подан'));
  assert.equal(commit(b), []);
  // A late touch on the old final screen does nothing.
  b.send({ type: 'touch', button: 'cast' });
  assert.equal(commit(b), []);
});

test('card pulled during the commit: no thanks, tells the voter to reinsert; a late result is ignored', () => {
  const b = new Booth(presidential);
  b.insertAccepted();
  b.tap('Қазақша');
  b.tap('Әбілов Ерлан Серікұлы');
  b.tap('Растау');
  b.tap('Жалғастыру');
  b.tap('Дауыс беру');
  assert.equal(b.send({ type: 'card-removed' }), [{ type: 'log', event: 'card-removed-during-write' }]);
  assert.ok(b.text().includes('Вставьте карточку снова: терминал покажет, записан ли голос'));
  b.send({ type: 'vote-written', verificationCode: 1 });
  assert.equal(b.screen().id, 'waiting', 'no "thank you" for a result that comes after the card left');
  // Reinserting: the glue finds the vote on the card.
  b.send({ type: 'card-inserted' });
  b.send({ type: 'card-refused', reason: 'already-voted' });
  assert.ok(b.text().includes('По этой карточке уже проголосовали.'));
  assert.equal(commit(b).length, 1);
});

test('vote-write-failed: not confirmed, take the card out and reinsert; then a fresh session', () => {
  const b = new Booth(mazhilis);
  b.insertAccepted();
  b.tap('Русский');
  b.tap('Партия «Дала»');
  b.tap('Подтвердить');
  b.tap('Продолжить');
  b.tap('Проголосовать');
  const fx = b.send({ type: 'vote-write-failed', reason: 'sw-6581' });
  assert.equal(fx, [{ type: 'log', event: 'vote-write-failed', detail: 'sw-6581' }]);
  assert.equal(b.lines()[0], '== Запись голоса не подтверждена ==');
  b.send({ type: 'button', name: '1' });
  b.send({ type: 'button', name: '2' });
  assert.equal(b.screen().id, 'write-failed', 'no code without a written vote');
  b.send({ type: 'card-removed' });
  assert.equal(b.state.notice, 'write-unconfirmed');
  // Reinserted and still unvoted (the write never happened): a new session, from the language.
  b.insertAccepted();
  assert.equal(b.screen().id, 'language');
  assert.equal(b.state.choices, [], 'the earlier choices are not offered to whoever inserts a card next');
});

test('verification code: both buttons, any order, each counted once, only within the window', () => {
  const voted = () => {
    const b = new Booth(presidential);
    b.insertAccepted();
    b.tap('lang:ru');
    b.tap('opt:2');
    b.tap('confirm');
    b.tap('proceed');
    b.tap('cast');
    b.send({ type: 'vote-written', verificationCode: 3008 });
    return b;
  };
  const a = voted();
  a.send({ type: 'button', name: '1' });
  a.send({ type: 'button', name: '1' });
  assert.equal(a.screen().id, 'thanks', '"1" twice is not "1" and "2"');
  a.send({ type: 'button', name: '3' });
  assert.equal(a.screen().id, 'thanks');
  a.send({ type: 'button', name: '2' });
  assert.ok(a.text().includes('>>> 3008 <<<'));
  a.fire('code-display');
  assert.equal(a.screen().id, 'take-card');
  assert.not.ok(a.text().includes('3008'), 'the code leaves the screen');
  assert.equal(a.state.code, null);

  const late = voted();
  late.fire('code-window');
  late.send({ type: 'button', name: '1' });
  late.send({ type: 'button', name: '2' });
  assert.equal(late.screen().id, 'take-card', 'too late');
  assert.not.ok(late.text().includes('3008'));

  const early = new Booth(presidential);
  early.insertAccepted();
  early.send({ type: 'button', name: '1' });
  early.send({ type: 'button', name: '2' });
  assert.equal(early.screen().id, 'language', 'the buttons do nothing before the vote');
});

test('a bad code from the glue: thanks still shown, the code screen says so, and it is logged', () => {
  const b = new Booth(presidential);
  b.insertAccepted();
  for (const id of ['lang:kk', 'opt:1', 'confirm', 'proceed', 'cast']) b.tap(id);
  const fx = b.send({ type: 'vote-written', verificationCode: 10_000 });
  assert.equal(fx, [{ type: 'log', event: 'vote-written' }, { type: 'log', event: 'bad-verification-code' }]);
  b.send({ type: 'button', name: '1' });
  b.send({ type: 'button', name: '2' });
  assert.ok(b.text().includes(S.codeUnavailable.kk));
});

test('on-screen code buttons for a device without physical ones', () => {
  const b = new Booth(presidential, { onScreenCodeButtons: true });
  b.insertAccepted();
  for (const id of ['lang:ru', 'opt:3', 'confirm', 'proceed', 'cast']) b.tap(id);
  b.send({ type: 'vote-written', verificationCode: 77 });
  assert.equal(b.screen().buttons.map((x) => x.id), ['code:1', 'code:2']);
  b.tap('code:2');
  assert.equal(b.screen().buttons.map((x) => x.id), ['code:1']);
  b.tap('code:1');
  assert.ok(b.text().includes('>>> 0077 <<<'));
});

test('large text: fewer options per page, same first option kept on screen, flag on the screen', () => {
  const b = new Booth(presidential, { pageSize: 6, largeTextPageSize: 2 });
  b.insertAccepted();
  b.tap('lang:ru');
  b.tap('page:next'); // options 6–7
  b.tap('Крупный шрифт');
  assert.ok(b.screen().largeText);
  assert.equal(b.screen().page, { number: 4, count: 4 });
  assert.equal(b.screen().buttons.filter((x) => x.role === 'option').map((x) => x.id), ['opt:7', 'opt:against-all']);
  assert.equal(b.lines()[0], '[A+]');
  b.tap('Обычный шрифт');
  assert.not.ok(b.screen().largeText);
  assert.equal(b.screen().page, { number: 2, count: 2 });
});

test('page sizes from the panel geometry', () => {
  assert.equal(pageSizeForPanel({ heightPx: 800, reservedPx: 260, rowPx: 90, largeTextScale: 2 }), { pageSize: 6, largeTextPageSize: 3 });
  assert.equal(pageSizeForPanel({ heightPx: 100, reservedPx: 260, rowPx: 90, largeTextScale: 2 }), { pageSize: 1, largeTextPageSize: 1 });
});

test('a ballot view with duplicate ids or no options is refused with a typed error', () => {
  const dup = { ...presidential, contests: [{ ...presidential.contests[0], options: [...presidential.contests[0].options, { id: '1', kind: 'candidate' as const, name: { kk: 'x', ru: 'x' } }] }] };
  assert.throws(() => createBallotFlow(dup), (e: unknown) => e instanceof BallotViewError);
  assert.throws(() => createBallotFlow({ ...presidential, contests: [] }), (e: unknown) => e instanceof BallotViewError);
  assert.throws(() => createBallotFlow({ ...maslikhat, contests: [maslikhat.contests[0], maslikhat.contests[0]] }), (e: unknown) => e instanceof BallotViewError);
});

test.run();
