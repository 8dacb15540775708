// The strings catalogue and the text renderer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REFUSAL_TEXT, S, pageLabel } from '../terminal/screens/strings';
import { renderText, wrap } from '../terminal/screens/text';
import type { Screen } from '../terminal/screens/types';

test('every catalogue entry has both languages, and they differ (bar the language names)', () => {
  const entries = [...Object.entries(S), ...Object.entries(REFUSAL_TEXT)];
  for (const [key, t] of entries) {
    assert.ok(t.kk.trim() !== '' && t.ru.trim() !== '', key);
    assert.not.ok(/[A-Za-z]/.test(t.kk + t.ru), `${key}: Latin letters in a Cyrillic text`);
    if (key !== 'langKk' && key !== 'langRu') assert.is.not(t.kk, t.ru, `${key}: same text in both languages`);
  }
  // Kazakh texts use Kazakh letters where the words need them; Russian texts never do.
  const kazakhOnly = /[әғқңөұүһі]/i;
  for (const [key, t] of entries) if (key !== 'langKk') assert.not.ok(kazakhOnly.test(t.ru), `${key}: Kazakh letter in the Russian text`);
  assert.ok(entries.filter(([, t]) => kazakhOnly.test(t.kk)).length > entries.length / 2);
  assert.is(S.insertCardTitle.kk, 'Карточканы салыңыз');
  assert.is(S.insertCardTitle.ru, 'Вставьте карточку');
  assert.is(S.thanksTitle.kk, 'Рахмет!');
  assert.is(S.thanksTitle.ru, 'Спасибо!');
});

test('wrap: words kept whole, width respected, long words on their own line', () => {
  assert.equal(wrap('Выньте карточку и сразу передайте её члену комиссии.', 20), ['Выньте карточку и', 'сразу передайте её', 'члену комиссии.']);
  assert.equal(wrap('', 10), ['']);
  assert.equal(wrap('ab Сверхдлинноеслово cd', 8), ['ab', 'Сверхдлинноеслово', 'cd']);
  assert.equal(wrap('a b', 10, '  '), ['  a b']);
  for (const line of wrap('Карточканы алып, қайта салыңыз: терминал дауыстың жазылған-жазылмағанын көрсетеді.', 24)) assert.ok(line.length <= 24, line);
});

const sample: Screen = {
  id: 'contest', lang: 'ru', largeText: false,
  texts: [{ role: 'title', text: 'Президент' }, { role: 'notice', text: 'Внимание' }, { role: 'code', text: '0042' }, { role: 'body', text: 'Выберите одного кандидата.' }],
  buttons: [
    { id: 'opt:1', label: 'Иванов Сергей Петрович', detail: 'Самовыдвижение', role: 'option', selected: true },
    { id: 'back', label: 'Назад', role: 'nav' },
  ],
  page: { number: 2, count: 3 },
};

test('renderText: roles, numbered buttons with ids, selection mark, detail, page in the screen language', () => {
  const r = renderText(sample);
  assert.equal(r.lines, [
    '== Президент ==', '! Внимание', '>>> 0042 <<<', 'Выберите одного кандидата.',
    '[1] (*) Иванов Сергей Петрович', '      Самовыдвижение', '[2] Назад', '-- Страница 2 из 3 --',
  ]);
  assert.equal(r.buttonIds, ['opt:1', 'back']);
  assert.is(renderText({ ...sample, lang: 'kk' }).lines.at(-1), `-- ${pageLabel('kk', 2, 3)} --`);
});

test('renderText large-text mode: marked, and wraps at half the width', () => {
  const long = 'Ваш голос не подан, карточка остаётся действительной. Выньте карточку и верните её члену комиссии.';
  const normal = renderText({ ...sample, texts: [{ role: 'body', text: long }], buttons: [] }, { width: 60 }).lines;
  const large = renderText({ ...sample, largeText: true, texts: [{ role: 'body', text: long }], buttons: [] }, { width: 60 }).lines;
  assert.is(large[0], '[A+]');
  assert.ok(large.length > normal.length);
  for (const l of large) assert.ok(l.length <= 30, l);
});

test.run();
