// What the terminal shows when it is not taking voters: before an election is loaded, before
// the chairman opens voting with the start password, and after close. Bilingual, Kazakh first,
// like every screen before the voter's language choice. A card inserted anyway gets the
// ballot flow's own refusal screen ("voting has not started" / "voting is over").

import type { Text } from './ballot/view';
import type { Screen, ScreenText } from './screens/types';

export type ServiceState = 'unconfigured' | 'loaded' | 'closed';

const T: Record<ServiceState, { title: Text; body: Text }> = {
  unconfigured: {
    title: { kk: 'Терминал дайын емес', ru: 'Терминал не готов' },
    body: { kk: 'Сайлау деректері жүктелмеген. Комиссия мүшесіне жүгініңіз.', ru: 'Данные выборов не загружены. Обратитесь к члену комиссии.' },
  },
  loaded: {
    title: { kk: 'Дауыс беру әлі басталған жоқ', ru: 'Голосование ещё не началось' },
    body: { kk: 'Терминалды комиссия төрағасы іске қосады.', ru: 'Терминал запустит председатель комиссии.' },
  },
  closed: {
    title: { kk: 'Дауыс беру аяқталды', ru: 'Голосование завершено' },
    body: { kk: 'Бұл терминалда дауыс беру жабық.', ru: 'Голосование на этом терминале закрыто.' },
  },
};

export function serviceScreen(state: ServiceState, detail?: Text): Screen {
  const texts: ScreenText[] = [];
  for (const lang of ['kk', 'ru'] as const) {
    texts.push({ role: 'title', text: T[state].title[lang], lang });
    texts.push({ role: 'body', text: T[state].body[lang], lang });
    if (detail) texts.push({ role: 'notice', text: detail[lang], lang });
  }
  return { id: 'out-of-service', lang: 'both', texts, buttons: [], largeText: false };
}
