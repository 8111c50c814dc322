import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { basicTokens, WordPieceTokenizer } from '../../src/nlp/encoder/wordpiece.js';

const vocab = readFileSync(new URL('../../src/nlp/model/minilm/vocab.txt', import.meta.url), 'utf8');
const tokenizer = new WordPieceTokenizer(vocab);

/** Ids the reference tokenizer (Hugging Face `tokenizers`, the model's tokenizer.json) gave. */
const reference = JSON.parse(
  readFileSync(new URL('../fixtures/wordpiece-reference.json', import.meta.url), 'utf8'),
) as { text: string; ids: number[] }[];

describe('WordPiece tokenizer (the sentence encoder input)', () => {
  it('gives the reference ids: punctuation, accents, CJK, emoji, control characters, long input', () => {
    expect(reference.length).toBeGreaterThan(10);
    for (const r of reference) expect(tokenizer.encode(r.text).ids, r.text.slice(0, 40)).toEqual(r.ids);
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
