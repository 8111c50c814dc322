/**
 * Text normalisation shared by every feature and cue: NFKC folds full-width forms (common in
 * Chinese input) to ASCII, URLs and @handles are dropped, digits collapse to "0" (order numbers
 * vary, their presence matters) and stretched letters ("sooooo") are capped.
 *
 * Handles and links say where a message was posted, not what the customer wants. As placeholder
 * words they were the only feature of a bare "@acme" or a pasted link, and a lone feature gets
 * the whole unit-length vector: "@acme" alone came out a complaint at 1.00 confidence, because
 * most tweet-style complaints in the corpus mention a brand.
 */
const URL_RE = /\b(?:https?:\/\/|www\.)\S+/g;
const MENTION_RE = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu;
const DIGIT_RE = /\p{Nd}/gu;
const STRETCH_RE = /(\p{L})\1{3,}/gu;
const APOSTROPHE_RE = /['’`]/g;

export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(URL_RE, ' ')
    .replace(MENTION_RE, '$1 ')
    .replace(APOSTROPHE_RE, '')
    .replace(DIGIT_RE, '0')
    .replace(STRETCH_RE, '$1$1$1');
}
