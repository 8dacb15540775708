// The small definition of the byte-level vectors. No imports beyond types: the XS entry uses it too.
import type { ElectionDefinition } from '../protocol/election/model';

/** The definition of the byte-level test vectors: one small ballot with both contest kinds. */
export function smallDefinition(): ElectionDefinition {
  return {
    electionId: 'TEST-1',
    title: { kk: 'Сынақ сайлауы', ru: 'Тестовые выборы' },
    date: '2028-03-19',
    precinct: 7,
    votingHours: { opens: '07:00', closes: '20:00' },
    contests: [
      {
        id: 1, kind: 'candidates', title: { kk: 'Әкім', ru: 'Аким' }, againstAll: true, blankAllowed: false,
        options: [
          { id: 2, surname: { kk: 'Әлиев', ru: 'Алиев' }, firstName: { kk: 'Нұр', ru: 'Нур' }, patronymic: null, party: null },
          { id: 1, surname: { kk: 'Өмірбек', ru: 'Омирбек' }, firstName: { kk: 'Айгүл', ru: 'Айгуль' }, patronymic: { kk: 'Ғалымқызы', ru: 'Галымовна' }, party: { kk: '«Ақ Бидай»', ru: '«Ак Бидай»' } },
        ],
      },
      {
        id: 2, kind: 'party-list', title: { kk: 'Партиялар', ru: 'Партии' }, againstAll: false, blankAllowed: true,
        options: [{ id: 2, name: { kk: '«Тұғыр»', ru: '«Тугыр»' } }, { id: 1, name: { kk: '«Қамқор»', ru: '«Камкор»' } }],
      },
    ],
  };
}

