// The ballot flow's state as a Screen: a pure function, so what the voter sees can be
// tested as text and drawn by any panel driver.

import type { BallotFlow, BallotState } from '../ballot/flow';
import { formatCode, pageCount, pageRange, pageSizeOf } from '../ballot/flow';
import type { BallotContestView, BallotOptionView, Lang, OptionId, Text } from '../ballot/view';
import { REFUSAL_TEXT, S, contestStep, pageLabel } from './strings';
import type { Screen, ScreenButton, ScreenText } from './types';

/** Both languages, Kazakh first (the state language). */
function bilingual(role: ScreenText['role'], ...texts: Text[]): ScreenText[] {
  const out: ScreenText[] = [];
  for (const lang of ['kk', 'ru'] as const) for (const t of texts) out.push({ role, text: t[lang], lang });
  return out;
}

function optionLabel(o: BallotOptionView, lang: Lang): string {
  return o.name[lang];
}

function findOption(contest: BallotContestView, id: OptionId | null): BallotOptionView | undefined {
  return id === null ? undefined : contest.options.find((o) => String(o.id) === String(id));
}

function choiceText(contest: BallotContestView, option: OptionId | null | undefined, lang: Lang): string {
  if (option === null || option === undefined) return S.blankChoice[lang];
  const o = findOption(contest, option);
  return o ? optionLabel(o, lang) : '?';
}

export function ballotScreen(flow: BallotFlow, s: BallotState): Screen {
  const { ballot, config } = flow;
  const contests = ballot.contests;
  const lang: Lang = s.lang ?? 'kk';
  const t = (text: Text): string => text[lang];
  const largeText = s.largeText;
  const one = (id: Screen['id'], texts: ScreenText[], buttons: ScreenButton[] = [], page?: Screen['page']): Screen =>
    (page ? { id, lang, texts, buttons, page, largeText } : { id, lang, texts, buttons, largeText });
  const both = (id: Screen['id'], texts: ScreenText[], buttons: ScreenButton[] = []): Screen =>
    ({ id, lang: 'both', texts, buttons, largeText });
  const largeToggle: ScreenButton = { id: 'large-text', label: t(largeText ? S.largeTextOff : S.largeTextOn), role: 'nav' };
  const paging = (items: number): { buttons: ScreenButton[]; page?: Screen['page'] } => {
    const count = pageCount(items, pageSizeOf(config, s));
    if (count === 1) return { buttons: [] };
    const buttons: ScreenButton[] = [];
    if (s.page > 0) buttons.push({ id: 'page:prev', label: t(S.prevPage), role: 'nav' });
    if (s.page < count - 1) buttons.push({ id: 'page:next', label: t(S.nextPage), role: 'nav' });
    return { buttons, page: { number: s.page + 1, count } };
  };

  if (s.alert && s.lang === null) {
    return both('inactivity-alert', bilingual('title', S.alertTitle).concat(bilingual('body', S.alertBody)),
      [{ id: 'alert:continue', label: `${S.alertContinue.kk} / ${S.alertContinue.ru}`, role: 'primary' }]);
  }
  if (s.alert) {
    return one('inactivity-alert', [{ role: 'title', text: t(S.alertTitle) }, { role: 'body', text: t(S.alertBody) }],
      [{ id: 'alert:continue', label: t(S.alertContinue), role: 'primary' }]);
  }

  switch (s.phase) {
    case 'waiting': {
      const notice = s.notice === 'vote-not-cast' ? S.noticeVoteNotCast : s.notice === 'write-unconfirmed' ? S.noticeWriteUnconfirmed : null;
      const texts = notice ? bilingual('notice', notice) : [];
      return both('waiting', [...texts, ...bilingual('title', S.insertCardTitle), ...bilingual('body', S.insertCardBody)]);
    }
    case 'checking':
      return both('checking', bilingual('title', S.checking));
    case 'refused': {
      const reason = s.refusal ?? 'unreadable';
      const what = reason === 'unreadable' ? S.refusedReinsert : S.refusedReturnCard;
      return both('refused', [...bilingual('title', S.refusedTitle), ...bilingual('body', REFUSAL_TEXT[reason], what)]);
    }
    case 'language':
      return both('language', bilingual('title', S.chooseLanguage), [
        { id: 'lang:kk', label: S.langKk.kk, role: 'primary' },
        { id: 'lang:ru', label: S.langRu.ru, role: 'primary' },
        { id: 'large-text', label: `${S.largeTextOn.kk} / ${S.largeTextOn.ru}`, role: 'nav', ...(largeText ? { selected: true } : {}) },
      ]);

    case 'contest': {
      const contest = contests[s.contest];
      const chosen = s.choices[s.contest];
      const [start, end] = pageRange(contest.options.length, pageSizeOf(config, s), s.page);
      const buttons: ScreenButton[] = [];
      for (let i = start; i < end; i++) {
        const o = contest.options[i];
        const b: ScreenButton = { id: `opt:${String(o.id)}`, label: optionLabel(o, lang), role: 'option' };
        if (o.detail) b.detail = o.detail[lang];
        if (chosen && chosen.option !== null && String(chosen.option) === String(o.id)) b.selected = true;
        buttons.push(b);
      }
      if (contest.blankAllowed) {
        const b: ScreenButton = { id: 'blank', label: t(S.leaveBlank), role: 'option' };
        if (chosen && chosen.option === null) b.selected = true;
        buttons.push(b);
      }
      const pg = paging(contest.options.length);
      buttons.push(...pg.buttons, { id: 'back', label: t(S.back), role: 'nav' }, largeToggle);
      const texts: ScreenText[] = [];
      if (contests.length > 1) texts.push({ role: 'body', text: contestStep(lang, s.contest + 1, contests.length) });
      texts.push({ role: 'title', text: t(contest.title) });
      texts.push({ role: 'body', text: t(contest.kind === 'parties' ? S.chooseOneParty : S.chooseOneCandidate) });
      return one('contest', texts, buttons, pg.page);
    }

    case 'confirm': {
      const contest = contests[s.contest];
      const o = findOption(contest, s.pending);
      const texts: ScreenText[] = [
        { role: 'body', text: t(contest.title) },
        { role: 'title', text: t(S.yourChoice) },
        { role: 'title', text: choiceText(contest, s.pending, lang) },
      ];
      if (o?.detail) texts.push({ role: 'body', text: o.detail[lang] });
      return one('confirm-choice', texts, [
        { id: 'confirm', label: t(S.confirm), role: 'primary' },
        { id: 'change', label: t(S.change), role: 'nav' },
        largeToggle,
      ]);
    }

    case 'review': {
      const [start, end] = pageRange(contests.length, pageSizeOf(config, s), s.page);
      const texts: ScreenText[] = [{ role: 'title', text: t(S.reviewTitle) }];
      const buttons: ScreenButton[] = [];
      for (let i = start; i < end; i++) {
        const c = contests[i];
        const choice = choiceText(c, s.choices[i]?.option, lang);
        texts.push({ role: 'body', text: `${t(c.title)}: ${choice}` });
        buttons.push({ id: `change:${i}`, label: `${t(S.change)}: ${t(c.title)}`, role: 'nav' });
      }
      const pg = paging(contests.length);
      buttons.push(...pg.buttons, { id: 'proceed', label: t(S.proceed), role: 'primary' }, { id: 'back', label: t(S.back), role: 'nav' }, largeToggle);
      return one('review', texts, buttons, pg.page);
    }

    case 'final':
      return one('final-confirm', [{ role: 'title', text: t(S.finalTitle) }, { role: 'body', text: t(S.finalBody) }], [
        { id: 'cast', label: t(S.cast), role: 'primary' },
        { id: 'back', label: t(S.back), role: 'nav' },
        largeToggle,
      ]);

    case 'writing':
      return one('writing', [{ role: 'title', text: t(S.writingTitle) }, { role: 'body', text: t(S.writingBody) }]);

    case 'thanks': {
      const buttons: ScreenButton[] = config.onScreenCodeButtons
        ? ['1', '2'].filter((k) => !s.codeKeys.includes(k)).map((k) => ({ id: `code:${k}`, label: k, role: 'nav' as const }))
        : [];
      return one('thanks', [
        { role: 'title', text: t(S.thanksTitle) },
        { role: 'body', text: t(S.thanksBody) },
        { role: 'body', text: t(S.thanksCodeHint) },
        { role: 'body', text: t(S.takeCardVoted) },
      ], buttons);
    }

    case 'code':
      return one('code', s.code === null
        ? [{ role: 'title', text: t(S.codeTitle) }, { role: 'notice', text: t(S.codeUnavailable) }, { role: 'body', text: t(S.takeCardVoted) }]
        : [{ role: 'title', text: t(S.codeTitle) }, { role: 'code', text: formatCode(s.code) }, { role: 'body', text: t(S.codeHint) }, { role: 'body', text: t(S.takeCardVoted) }]);

    case 'take-card':
      if (s.takeCard === 'timed-out' && s.lang === null) {
        return both('take-card', [...bilingual('title', S.timedOutTitle), ...bilingual('body', S.timedOutBody)]);
      }
      return s.takeCard === 'timed-out'
        ? one('take-card', [{ role: 'title', text: t(S.timedOutTitle) }, { role: 'body', text: t(S.timedOutBody) }])
        : one('take-card', [{ role: 'title', text: t(S.takeCardTitle) }, { role: 'body', text: t(S.takeCardVoted) }]);

    case 'write-failed':
      return one('write-failed', [{ role: 'title', text: t(S.writeFailedTitle) }, { role: 'body', text: t(S.writeFailedBody) }]);
  }
}
