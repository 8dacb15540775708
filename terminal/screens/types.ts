// A screen described as data: what to show and which buttons to offer. The drawing code
// (device) and the text renderer (tests, command line) both work from this; the ballot
// flow never draws.

import type { Lang } from '../ballot/view';

export type ScreenId =
  | 'waiting' | 'checking' | 'refused'
  | 'language' | 'contest' | 'confirm-choice' | 'review' | 'final-confirm'
  | 'inactivity-alert'
  | 'writing' | 'thanks' | 'code' | 'take-card' | 'write-failed'
  /** The terminal itself is not taking voters (not configured, not yet open, closed): terminal/service-screens. */
  | 'out-of-service';

/** A piece of text and its role, which sets its style (size, weight, colour). */
export interface ScreenText {
  role: 'title' | 'body' | 'notice' | 'code';
  text: string;
  /** Set on bilingual screens (before the language choice), so each block can be styled by language. */
  lang?: Lang;
}

export interface ScreenButton {
  /** What a touch reports (DisplayPort.onTouch). */
  id: string;
  label: string;
  /** A second line under the label (a candidate's party, "self-nominated"). */
  detail?: string;
  /** option: a ballot choice; primary: the step forward; nav: back, pages, settings. */
  role: 'option' | 'primary' | 'nav';
  /** The voter's current choice in this contest. */
  selected?: boolean;
}

export interface Screen {
  id: ScreenId;
  /** The language of the texts; 'both' before the voter has chosen. */
  lang: Lang | 'both';
  texts: ScreenText[];
  buttons: ScreenButton[];
  /** 1-based page number and count, when the content is paged. */
  page?: { number: number; count: number };
  largeText: boolean;
}
