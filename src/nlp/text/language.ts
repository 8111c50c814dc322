import type { Language } from '../../core/ports/classifier.js';

/**
 * Language of a message from its scripts plus a few function-word cues. Han characters carry
 * about a word each, so they are weighted x3 against Latin letters ("我的iPhone坏了" is
 * Chinese); kana or hangul means Japanese/Korean (other); Latin text is English unless it
 * shows more cues of another European language than of English.
 */
const EN_CUES = new Set(
  (
    'the a an is are was were be been am i you he she it we they my your our me him her them this that ' +
    'what where when why how who which do does did dont not no yes can could would should will with ' +
    'for from to of in on at and or but please thanks thank hi hello hey order help'
  ).split(' '),
);

const FOREIGN_CUES = new Set(
  // es / pt / fr / de / it / nl function words and greetings that are not English words
  (
    'el la los las del que y en por para con una uno es está estoy mi pedido hola gracias dónde donde ' +
    'não nao meu minha obrigado obrigada olá você voce está ' +
    'le les des est je tu il nous vous mon ma mes pas bonjour merci où avec pour une et ' +
    'der die das und ist ich nicht mein meine hallo danke wo mit ein eine bitte ' +
    'il che non sono mio ciao grazie dove della ' +
    'het een ik niet mijn bedankt waar'
  ).split(' '),
);

const WORD_RE = /\p{L}+/gu;

export function detectLanguage(text: string): Language {
  let han = 0;
  let kanaHangul = 0;
  let latin = 0;
  let otherLetters = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x20000 && c <= 0x2ebef)) han++;
    else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) {
      kanaHangul++;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) latin++;
    else if (c >= 0xc0 && c <= 0x24f) latin++;
    else if (c > 0x24f && /\p{L}/u.test(ch)) otherLetters++;
  }
  if (kanaHangul > 0 && kanaHangul * 5 >= han) return 'other';
  const latinWeight = latin + otherLetters;
  if (han > 0 && han * 3 >= latinWeight) return 'zh';
  if (latin === 0 || otherLetters > latin) return 'other';
  let en = 0;
  let foreign = 0;
  for (const [w] of text.toLowerCase().matchAll(WORD_RE)) {
    if (EN_CUES.has(w)) en++;
    else if (FOREIGN_CUES.has(w)) foreign++;
  }
  return foreign > en ? 'other' : 'en';
}
