/**
 * Customer search without a text index (FerretDB has none): every word of a customer's name,
 * email, phone and identities is stored lowercased with its prefixes in one indexed array, so a
 * search term is one equality match on that array. A query's words must each start a word.
 */

/** Prefixes are kept from this many characters (one for Chinese, Japanese and Korean). */
const MIN_PREFIX = 2;
/** Longer words are stored up to this length; longer search terms are cut to it. */
export const MAX_KEY_LENGTH = 24;
/** A customer's keys are capped, so the document stays small. */
const MAX_KEYS = 300;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

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

function addPrefixes(keys: Set<string>, word: string): void {
  const w = [...word].slice(0, MAX_KEY_LENGTH).join('');
  const chars = [...w];
  const min = CJK.test(w) ? 1 : MIN_PREFIX;
  for (let n = Math.min(min, chars.length); n <= chars.length; n++) keys.add(chars.slice(0, n).join(''));
  // A Chinese name is written without spaces: its given name must be findable too.
  if (CJK.test(w) && chars.length <= 6) {
    for (let i = 1; i < chars.length; i++) addPrefixes(keys, chars.slice(i).join(''));
  }
}

function digits(text: string): string {
  return text.replace(/\D+/g, '');
}

export interface SearchSources {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  identities?: { externalId: string; displayName?: string | null }[];
}

/** The keys one customer is found by. */
export function searchKeysFor(c: SearchSources): string[] {
  const keys = new Set<string>();
  const addText = (text: string | null | undefined) => {
    if (!text) return;
    for (const w of words(text)) addPrefixes(keys, w);
  };
  const addWhole = (text: string | null | undefined) => {
    if (!text) return;
    addPrefixes(keys, normalise(text).replace(/\s+/g, ''));
  };
  const addPhone = (text: string | null | undefined) => {
    const d = text ? digits(text) : '';
    if (d.length < 3) return;
    addPrefixes(keys, d);
    // Without a country code or trunk prefix: "+1 555 0100" is also found as "5550100".
    for (let cut = 1; cut <= 3 && d.length - cut >= 6; cut++) addPrefixes(keys, d.slice(cut));
  };
  addText(c.name);
  if (c.email) {
    addWhole(c.email);
    addText(c.email);
  }
  addPhone(c.phone);
  for (const id of c.identities ?? []) {
    addWhole(id.externalId);
    addText(id.externalId);
    addText(id.displayName);
    if (/^\+?[\d\s().-]{6,}$/.test(id.externalId)) addPhone(id.externalId);
  }
  return [...keys].slice(0, MAX_KEYS);
}

/**
 * A search box's text as terms to match: whole emails and phone numbers stay whole, other text
 * splits into words. Terms too short to be stored are refused by the caller (see `tooShort`).
 */
export function queryTerms(q: string): string[] {
  const terms = new Set<string>();
  for (const raw of normalise(q).split(/\s+/).filter(Boolean)) {
    if (raw.includes('@')) {
      terms.add(cut(raw));
      continue;
    }
    if (/^\+?[\d().-]{3,}$/.test(raw)) {
      terms.add(cut(digits(raw)));
      continue;
    }
    for (const w of words(raw)) terms.add(cut(w));
  }
  // A run of digits split by spaces ("555 0100") is one phone number.
  const joined = q.replace(/[\s().-]+/g, '');
  if (/^\+?\d{6,}$/.test(joined) && /\s/.test(q.trim())) return [cut(digits(joined))];
  return [...terms];
}

export const tooShort = (term: string): boolean => [...term].length < (CJK.test(term) ? 1 : MIN_PREFIX);

function cut(term: string): string {
  return [...term].slice(0, MAX_KEY_LENGTH).join('');
}

/** How customers sort by name: the normalised name, or after everyone named when there is none. */
export function sortNameFor(name: string | null | undefined): string {
  const n = name ? normalise(name).trim() : '';
  return n || '\uffff';
}
