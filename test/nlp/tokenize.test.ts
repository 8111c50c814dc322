import { describe, expect, it } from 'vitest';
import {
  charNgrams,
  chineseTokens,
  DEFAULT_FEATURES,
  englishTokens,
  FeatureHasher,
  hashString,
  normalizeText,
  segmentZhWords,
  TextClassifier,
  type TextClassifierJson,
  trainTextClassifier,
  wordNgrams,
  ZhDictionary,
} from '../../src/nlp/index.js';

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

describe('Chinese dictionary segmentation (ICU at training, maximum matching at classify time)', () => {
  const seed = 12345;
  const dict = ZhDictionary.fromTexts(['我的订单到哪了', '退款还没到账，太慢了', '不好意思'], seed);
  const cut = (run: string) => {
    const out: number[] = [];
    dict.segmentInto(run, out);
    return out;
  };

  it('keeps the multi-character ICU words of the training messages', () => {
    expect(dict.has(hashString('订单', seed))).toBe(true);
    expect(dict.has(hashString('退款', seed))).toBe(true);
    expect(dict.has(hashString('我', seed))).toBe(false);
  });

  it('cuts a new message into the same word hashes ICU gives, single characters elsewhere', () => {
    const icu = segmentZhWords('我的订单到哪了').map((w) => hashString(w, seed));
    expect(cut('我的订单到哪了')).toEqual(icu);
    expect(cut('订单退款')).toEqual([hashString('订单', seed), hashString('退款', seed)]);
    expect(cut('猫狗')).toEqual([hashString('猫', seed), hashString('狗', seed)]);
  });

  it('prefers the longest dictionary word', () => {
    const d = new ZhDictionary(
      Int32Array.from([hashString('不好', seed), hashString('不好意思', seed)]).sort(),
      seed,
    );
    const out: number[] = [];
    d.segmentInto('不好意思啊', out);
    expect(out[0]).toBe(hashString('不好意思', seed));
    expect(out).toHaveLength(2);
  });

  it('is saved with the model: a reloaded model predicts exactly the same', () => {
    const data = [
      ...['外卖送得太慢了，饭都凉了', '菜里有头发，差评', '骑手态度很差'].map((text) => ({
        text,
        label: 'complaint',
      })),
      ...['很好吃，送餐也快', '味道不错，会回购', '包装很好，五星'].map((text) => ({
        text,
        label: 'thanks_bye',
      })),
    ];
    const model = trainTextClassifier(data, { calibrationFraction: 0 });
    expect(model.zhDictionary?.size).toBeGreaterThan(5);
    const again = TextClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as TextClassifierJson);
    expect(again.zhDictionary?.size).toBe(model.zhDictionary?.size);
    for (const t of ['送得太慢，凉了', '很好吃']) expect([...again.scores(t)]).toEqual([...model.scores(t)]);
  });
});
