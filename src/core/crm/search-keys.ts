/**
 * Customer search without a text index (FerretDB has none). A search term must start a word of
 * the customer's name, email, phone or identities ("ana müll", a whole email, a phone number with
 * or without its country code, a Slack id, 张伟 or 伟).
 *
 * Two key sets, one meaning:
 * - `matchKeysFor`: every prefix of every word; what "starts a word" means, checked in code.
 * - `searchKeysFor`: what is stored in the customer's indexed array — each word's prefixes at a
 *   few lengths only (`TIERS`) and the word itself. A term is looked up by its longest stored
 *   prefix (`lookupKey`), one equality match, and the candidates are then checked against
 *   `matchKeysFor`. Storing tiers, not every prefix, keeps the document small: on FerretDB every
 *   query reads the whole collection, so its size is the search's cost.
 */

/** Prefix lengths stored for each word (and the whole word, up to MAX_KEY_LENGTH). */
const TIERS = [2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 24] as const;
/** Longer words are stored up to this length; longer search terms are cut to it. */
export const MAX_KEY_LENGTH = 24;
/** Phone numbers are found from this many digits (shorter digit runs would match too many). */
const MIN_PHONE_DIGITS = 6;
/** A customer's stored keys are capped, so the document stays small. */
const MAX_KEYS = 120;
const MIN_PREFIX = 2;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PHONE_LIKE = /^\+?[\d\s().-]{6,}$/;

/** Lowercase, compatibility-folded, without accents: "Zoë" and "ZOE" both become "zoe". */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC')
    .toLowerCase();
}

function words(text: string): string[] {
  return normalise(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

const chars = (s: string) => [...s];
const cut = (s: string) => chars(s).slice(0, MAX_KEY_LENGTH).join('');
const digits = (text: string) => text.replace(/\D+/g, '');

/** A phone number as its digits, and without a country code or trunk prefix of one or two digits. */
function phoneVariants(text: string): string[] {
  const d = digits(text);
  if (d.length < MIN_PHONE_DIGITS) return [];
  return [d, d.slice(1), d.slice(2)].filter((v) => v.length >= MIN_PHONE_DIGITS);
}

export interface SearchSources {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  identities?: { externalId: string; displayName?: string | null }[];
}

/** The words, emails, phone numbers and whole ids a customer is found by. */
function sources(c: SearchSources) {
  const wordList: string[] = [];
  const emails: string[] = [];
  const phones: string[] = [];
  const wholes: string[] = [];
  const addEmail = (email: string) => {
    const e = normalise(email).trim();
    emails.push(e);
    // The local part's words; the domain is found through the whole address only.
    wordList.push(...words(e.split('@')[0] ?? ''));
  };
  wordList.push(...words(c.name ?? ''));
  if (c.email) addEmail(c.email);
  if (c.phone) phones.push(...phoneVariants(c.phone));
  for (const id of c.identities ?? []) {
    const x = normalise(id.externalId).trim();
    if (UUID.test(x))
      wholes.push(x); // a widget visitor: found by the whole id only
    else if (x.includes('@')) addEmail(x);
    else if (PHONE_LIKE.test(x)) phones.push(...phoneVariants(x));
    else wordList.push(...words(x));
    wordList.push(...words(id.displayName ?? ''));
  }
  return { words: wordList, emails, phones, wholes };
}

function addCjk(keys: Set<string>, word: string): void {
  // A Chinese name is written without spaces: every prefix, and its given name too.
  const cs = chars(cut(word));
  for (let n = 1; n <= cs.length; n++) keys.add(cs.slice(0, n).join(''));
  if (cs.length <= 6) for (let i = 1; i < cs.length; i++) addCjk(keys, cs.slice(i).join(''));
}

function addTiers(keys: Set<string>, word: string, min = MIN_PREFIX): void {
  const w = cut(word);
  const cs = chars(w);
  if (CJK.test(w)) {
    addCjk(keys, w);
    return;
  }
  for (const n of TIERS) if (n >= min && n < cs.length) keys.add(cs.slice(0, n).join(''));
  if (cs.length >= min) keys.add(w);
}

function addAllPrefixes(keys: Set<string>, word: string, min = MIN_PREFIX): void {
  const w = cut(word);
  if (CJK.test(w)) {
    addCjk(keys, w);
    return;
  }
  const cs = chars(w);
  for (let n = min; n <= cs.length; n++) keys.add(cs.slice(0, n).join(''));
}

/** The keys stored in the customer's indexed array (see the module comment). */
export function searchKeysFor(c: SearchSources): string[] {
  const s = sources(c);
  const keys = new Set<string>();
  for (const w of s.words) addTiers(keys, w);
  for (const e of s.emails) keys.add(cut(e));
  for (const p of s.phones) addTiers(keys, p, MIN_PHONE_DIGITS);
  for (const x of s.wholes) keys.add(cut(x));
  return [...keys].slice(0, MAX_KEYS);
}

/** Every term that finds this customer: what a search means, checked against the candidates. */
export function matchKeysFor(c: SearchSources): Set<string> {
  const s = sources(c);
  const keys = new Set<string>();
  for (const w of s.words) addAllPrefixes(keys, w);
  for (const e of s.emails) addAllPrefixes(keys, e);
  for (const p of s.phones) addAllPrefixes(keys, p, MIN_PHONE_DIGITS);
  for (const x of s.wholes) keys.add(cut(x));
  return keys;
}

/** The stored key to look a term up by: its longest prefix that every match has stored. */
export function lookupKey(term: string): string {
  if (UUID.test(term)) return cut(term);
  if (term.includes('@')) {
    // A (partial) email: its first word is stored at the tiers; the rest is checked in code.
    const first = words(term.split('@')[0] ?? '')[0];
    return first ? lookupKey(first) : cut(term);
  }
  const cs = chars(cut(term));
  if (CJK.test(term)) return cs.join('');
  let best = cs.length >= MIN_PREFIX ? cs.slice(0, MIN_PREFIX).join('') : cs.join('');
  for (const n of TIERS) if (n <= cs.length) best = cs.slice(0, n).join('');
  return best;
}

/**
 * A search box's text as terms to match: whole emails and phone numbers stay whole, other text
 * splits into words. Terms too short to be stored are refused by the caller (see `tooShort`).
 */
export function queryTerms(q: string): string[] {
  // A run of digits split by spaces ("+1 555 0100") is one phone number.
  const joined = q.replace(/[\s().-]+/g, '');
  if (/^\+?\d{6,}$/.test(joined) && /\s/.test(q.trim())) return [cut(digits(joined))];
  const terms = new Set<string>();
  for (const raw of normalise(q).split(/\s+/).filter(Boolean)) {
    if (raw.includes('@') || UUID.test(raw)) terms.add(cut(raw));
    else if (/^\+?[\d().-]{3,}$/.test(raw)) terms.add(cut(digits(raw)));
    else for (const w of words(raw)) terms.add(cut(w));
  }
  return [...terms];
}

export const tooShort = (term: string): boolean => chars(term).length < (CJK.test(term) ? 1 : MIN_PREFIX);

/** How customers sort by name: the normalised name, or after everyone named when there is none. */
export function sortNameFor(name: string | null | undefined): string {
  const n = name ? normalise(name).trim() : '';
  return n || '\uffff';
}
