/**
 * Text normalisation shared by every feature and cue: NFKC folds full-width forms (common in
 * Chinese input) to ASCII, URLs and @handles become placeholder words, digits collapse to "0"
 * (order numbers vary, their presence matters) and stretched letters ("sooooo") are capped.
 */
const URL_RE = /\b(?:https?:\/\/|www\.)\S+/g;
const MENTION_RE = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu;
const DIGIT_RE = /\p{Nd}/gu;
const STRETCH_RE = /(\p{L})\1{3,}/gu;
const APOSTROPHE_RE = /['’`]/g;

/** What URLs and @handles become: words of their own, so "a tweet at someone" can count. */
export const URL_WORD = 'httpurl';
export const MENTION_WORD = 'atuser';

export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(URL_RE, ` ${URL_WORD} `)
    .replace(MENTION_RE, `$1 ${MENTION_WORD} `)
    .replace(APOSTROPHE_RE, '')
    .replace(DIGIT_RE, '0')
    .replace(STRETCH_RE, '$1$1$1');
}
