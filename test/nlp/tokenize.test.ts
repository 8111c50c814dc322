import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURES, FeatureHasher } from '../../src/nlp/features.js';
import { normalizeText } from '../../src/nlp/normalize.js';
import { englishTokens, wordNgrams } from '../../src/nlp/tokenize-en.js';
import { charNgrams, chineseTokens, segmentZhWords } from '../../src/nlp/tokenize-zh.js';

describe('English tokenization', () => {
  it('lowercases, drops apostrophes and stems with Porter', () => {
    expect(englishTokens("I'm WAITING for my Refunds!!")).toEqual(['im', 'wait', 'for', 'my', 'refund']);
  });

  it('normalises digits, urls, mentions and stretched letters', () => {
    const norm = normalizeText('@acme order 10023 sooooo late https://x.co/a').replace(/\s+/g, ' ');
    expect(norm).toBe(' atuser order 00000 sooo late httpurl ');
  });

  it('keeps unstemmed tokens when asked and builds word n-grams', () => {
    const t = englishTokens('Where is my order', { stem: false });
    expect(t).toEqual(['where', 'is', 'my', 'order']);
    expect(wordNgrams(t, 2)).toEqual(['where', 'is', 'my', 'order', 'where is', 'is my', 'my order']);
  });

  it('folds full-width characters', () => {
    expect(englishTokens('ＯＲＤＥＲ　１２３', { stem: false })).toEqual(['order', '000']);
  });
});

describe('Chinese tokenization', () => {
  it('segments words with Intl.Segmenter', () => {
    const words = segmentZhWords('我的订单到哪了');
    expect(words.join('')).toBe('我的订单到哪了');
    expect(words).toContain('订单');
  });

  it('builds character n-grams', () => {
    expect(charNgrams('退款了', 1, 2)).toEqual(['退', '款', '了', '退款', '款了']);
  });

  it('handles mixed Chinese and Latin text', () => {
    const t = chineseTokens('我的iPhone坏了，订单10023');
    expect(t).toContain('iphone');
    expect(t).toContain('00000');
    expect(t).toContain('订单');
  });
});

describe('feature hashing', () => {
  it('is deterministic and sorted', () => {
    const h = new FeatureHasher(DEFAULT_FEATURES);
    const a = h.hash('where is my order 123').slice();
    const b = h.hash('where is my order 123').slice();
    expect([...a]).toEqual([...b]);
    expect([...a]).toEqual([...a].sort((x, y) => x - y));
    expect(a.length).toBeGreaterThan(10);
  });

  it('shares character n-grams between a word and its typo', () => {
    const h = new FeatureHasher({ ...DEFAULT_FEATURES, lexicon: false });
    const a = new Set(h.hash('refund'));
    const b = [...h.hash('refnud')];
    expect(b.filter((x) => a.has(x)).length).toBeGreaterThan(0);
  });
});
