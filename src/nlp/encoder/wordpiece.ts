/**
 * BERT's uncased WordPiece tokenizer, as the sentence encoder was trained with it (the Hugging
 * Face `BertNormalizer` + `BertPreTokenizer` + `WordPiece` pipeline): clean, space out CJK
 * ideographs, lowercase, strip accents, split off punctuation, then greedy longest-match pieces.
 * test/nlp/wordpiece.test.ts checks it against ids the reference implementation produced.
 */

/** BERT's own; all-mpnet-base-v2 keeps BERT's vocabulary but wraps texts in <s> … </s>. */
const BERT_SPECIAL_TOKENS = { cls: '[CLS]', sep: '[SEP]', unk: '[UNK]' };
const MAX_WORD_CHARS = 100;

export interface WordPieceEncoding {
  /** Token ids with the start token ([CLS]) first and the end token ([SEP]) last. */
  ids: number[];
}

function isControl(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  return /^[\p{Cc}\p{Cf}]$/u.test(String.fromCodePoint(cp));
}

function isWhitespace(cp: number): boolean {
  return (
    cp === 0x20 || cp === 0x09 || cp === 0x0a || cp === 0x0d || /^\p{Zs}$/u.test(String.fromCodePoint(cp))
  );
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function isPunctuation(cp: number): boolean {
  // BERT counts every non-alphanumeric ASCII symbol ($, ^, `…) as punctuation, not just \p{P}.
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  return /^\p{P}$/u.test(String.fromCodePoint(cp));
}

/** Normalise and pre-tokenise: the words WordPiece then cuts into pieces. */
export function basicTokens(text: string): string[] {
  let cleaned = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || isControl(cp)) continue;
    if (isWhitespace(cp)) cleaned += ' ';
    else if (isCjk(cp)) cleaned += ` ${ch} `;
    else cleaned += ch;
  }
  const folded = cleaned
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
  const words: string[] = [];
  for (const chunk of folded.split(' ')) {
    let word = '';
    for (const ch of chunk) {
      if (isPunctuation(ch.codePointAt(0)!)) {
        if (word) words.push(word);
        words.push(ch);
        word = '';
      } else word += ch;
    }
    if (word) words.push(word);
  }
  return words;
}

export class WordPieceTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly cls: number;
  private readonly sep: number;
  private readonly unk: number;

  /** `vocab` is BERT's vocab.txt: one piece per line, the line number is the id. */
  readonly maxTokens: number;

  constructor(
    vocabText: string,
    options: { maxTokens?: number; specialTokens?: { cls: string; sep: string; unk: string } } = {},
  ) {
    this.maxTokens = options.maxTokens ?? 128;
    const special = options.specialTokens ?? BERT_SPECIAL_TOKENS;
    this.vocab = new Map();
    const lines = vocabText.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const piece = lines[i]!.replace(/\r$/, '');
      if (piece && !this.vocab.has(piece)) this.vocab.set(piece, i);
    }
    const id = (t: string) => {
      const v = this.vocab.get(t);
      if (v === undefined) throw new Error(`vocabulary lacks ${t}`);
      return v;
    };
    this.cls = id(special.cls);
    this.sep = id(special.sep);
    this.unk = id(special.unk);
  }

  private pieces(word: string, out: number[]): void {
    const chars = Array.from(word);
    if (chars.length > MAX_WORD_CHARS) {
      out.push(this.unk);
      return;
    }
    const found: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let id: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        id = this.vocab.get(piece);
        if (id !== undefined) break;
        end--;
      }
      if (id === undefined) {
        out.push(this.unk);
        return;
      }
      found.push(id);
      start = end;
    }
    out.push(...found);
  }

  /** [CLS] pieces… [SEP], cut to `maxTokens` in all (the encoder's training length). */
  encode(text: string): WordPieceEncoding {
    const body: number[] = [];
    const room = this.maxTokens - 2;
    for (const word of basicTokens(text)) {
      this.pieces(word, body);
      if (body.length >= room) break;
    }
    return { ids: [this.cls, ...body.slice(0, room), this.sep] };
  }
}
