import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { basicTokens, MPNET, WordPieceTokenizer } from '../../src/nlp/index.js';

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8');
const tokenizer = new WordPieceTokenizer(read('../../src/nlp/model/minilm/vocab.txt'));
const mpnetTokenizer = new WordPieceTokenizer(read('../../src/nlp/model/mpnet/vocab.txt'), {
  specialTokens: MPNET.specialTokens,
});

/** Ids the reference tokenizer (Hugging Face `tokenizers`, each model's tokenizer.json) gave. */
type Reference = { text: string; ids: number[] }[];
const reference = JSON.parse(read('../fixtures/wordpiece-reference.json')) as Reference;
const mpnetReference = JSON.parse(read('../fixtures/wordpiece-reference-mpnet.json')) as Reference;

describe('WordPiece tokenizer (the sentence encoder input)', () => {
  it('gives the reference ids: punctuation, accents, CJK, emoji, control characters, long input', () => {
    expect(reference.length).toBeGreaterThan(10);
    for (const r of reference) expect(tokenizer.encode(r.text).ids, r.text.slice(0, 40)).toEqual(r.ids);
  });

  it("gives all-mpnet-base-v2's reference ids with its own vocabulary and <s> … </s>", () => {
    expect(mpnetReference.map((r) => r.text)).toEqual(reference.map((r) => r.text));
    for (const r of mpnetReference)
      expect(mpnetTokenizer.encode(r.text).ids, r.text.slice(0, 40)).toEqual(r.ids);
    expect(mpnetTokenizer.encode('').ids).toEqual([0, 2]);
  });

  it('lowercases, strips accents and splits off punctuation', () => {
    expect(basicTokens("Café NAÏVE, isn't it?")).toEqual(['cafe', 'naive', ',', 'isn', "'", 't', 'it', '?']);
    expect(basicTokens('订单10023')).toEqual(['订', '单', '10023']);
  });

  it('wraps pieces in [CLS] … [SEP] and cuts to the maximum length', () => {
    const ids = tokenizer.encode('word '.repeat(500)).ids;
    expect(ids).toHaveLength(128);
    expect(ids[0]).toBe(101);
    expect(ids.at(-1)).toBe(102);
    expect(tokenizer.encode('').ids).toEqual([101, 102]);
  });

  it('refuses a vocabulary without the special tokens', () => {
    expect(() => new WordPieceTokenizer('hello\nworld')).toThrow(/\[CLS\]/);
  });
});
