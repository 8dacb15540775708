// The adapter from the election definition to the ballot view, and the flow on real definitions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { definitionArb, smallDefinition } from './election-fixtures';
import { Booth } from './ballot-samples';
import { ballotViewFromElection } from '../terminal/ballot/from-election';
import { AGAINST_ALL_ID } from '../protocol/election/model';

test('the small definition as the voter reads it, Russian', () => {
  const view = ballotViewFromElection(smallDefinition());
  const b = new Booth(view);
  b.insertAccepted();
  b.tap('Русский');
  assert.equal(b.lines(), [
    'Бюллетень 1 из 2', '== Аким ==', 'Выберите одного кандидата.',
    '[1] Алиев Нур', '      Самовыдвижение',
    '[2] Омирбек Айгуль Галымовна', '      «Ак Бидай»',
    '[3] Против всех',
    '[4] Назад', '[5] Крупный шрифт',
  ]);
  b.tap('Против всех');
  b.tap('Подтвердить');
  assert.ok(b.text().includes('Выберите одну политическую партию.'));
  assert.ok(b.text().includes('Никого не отмечать'), 'the party contest allows blank');
  b.tap('Никого не отмечать');
  b.tap('Подтвердить');
  b.tap('Продолжить');
  b.tap('Проголосовать');
  assert.equal(b.commits(), [{ type: 'commit-vote', selections: [{ contest: 1, option: AGAINST_ALL_ID }, { contest: 2, option: null }] }]);
});

test('any valid definition gives a valid view; a vote commits the ids of the definition', () => {
  fc.assert(fc.property(definitionArb, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (def, picks) => {
    const view = ballotViewFromElection(def);
    assert.is(view.contests.length, def.contests.length);
    const b = new Booth(view, { pageSize: 4 });
    b.insertAccepted();
    b.tap('lang:kk');
    const expected: { contest: number; option: number }[] = [];
    def.contests.forEach((c, i) => {
      const ids = [...c.options.map((o) => o.id), ...(c.againstAll ? [AGAINST_ALL_ID] : [])];
      assert.equal(view.contests[i].options.map((o) => o.id), ids, 'same options, same order, "against all" last');
      const pick = ids[picks[i] % ids.length];
      while (!b.screen().buttons.some((x) => x.id === `opt:${pick}`)) b.tap('page:next');
      b.tap(`opt:${pick}`);
      b.tap('confirm');
      expected.push({ contest: c.id, option: pick });
    });
    b.tap('proceed');
    b.tap('cast');
    assert.equal(b.commits(), [{ type: 'commit-vote', selections: expected }]);
  }), { numRuns: 150 });
});

test.run();
