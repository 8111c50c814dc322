import { describe, expect, it } from 'vitest';
import { sentimentScore, urgencyCues, urgencyScore } from '../../src/nlp/index.js';

describe('sentiment', () => {
  it('scores English with AFINN, negation included', () => {
    expect(sentimentScore('This is terrible, worst service ever')).toBeLessThan(-0.5);
    expect(sentimentScore('thank you so much, great help')).toBeGreaterThan(0.5);
    expect(sentimentScore('I am not happy')).toBeLessThan(0);
    expect(sentimentScore('where is my order')).toBe(0);
  });

  it('reads praise phrased with a negation as praise', () => {
    expect(sentimentScore('never had such good service from a phone company')).toBeGreaterThan(0.3);
    expect(sentimentScore('she could not have been more helpful')).toBeGreaterThan(0.3);
    expect(sentimentScore("couldn't be better, thanks")).toBeGreaterThan(0.3);
    // ... while plain negations still flip.
    expect(sentimentScore('the food was not so good')).toBeLessThan(0);
    expect(sentimentScore('never helpful, never on time')).toBeLessThan(0);
    expect(sentimentScore("couldn't be worse")).toBeLessThan(0);
    expect(sentimentScore('they could not have been less helpful')).toBeLessThan(0);
  });

  it('scores Chinese with the lexicon, negators and intensifiers', () => {
    expect(sentimentScore('服务太差了，再也不来了')).toBeLessThan(-0.5);
    expect(sentimentScore('非常满意，谢谢')).toBeGreaterThan(0.5);
    expect(sentimentScore('我不喜欢')).toBeLessThan(0);
    expect(sentimentScore('很喜欢')).toBeGreaterThan(sentimentScore('喜欢'));
    expect(sentimentScore('挑不出任何毛病')).toBeGreaterThan(0.3);
    expect(sentimentScore('用了一个月，一点问题都没有')).toBeGreaterThan(0.3);
    expect(sentimentScore('毛病太多了')).toBeLessThan(0);
  });

  it('stays within -1..1', () => {
    const s = sentimentScore('awful awful awful horrible disgusting terrible worst 垃圾 垃圾 骗子');
    expect(s).toBeGreaterThanOrEqual(-1);
    expect(s).toBeLessThan(-0.9);
  });
});

describe('urgency', () => {
  it('finds English cues', () => {
    expect(urgencyCues('refund me now or I will call my lawyer')).toEqual(
      expect.arrayContaining(['legal', 'refund', 'now']),
    );
    expect(urgencyScore('I will file a chargeback')).toBeGreaterThan(0.5);
  });

  it('finds Chinese cues', () => {
    expect(urgencyCues('再不退款我就投诉，还要曝光你们')).toEqual(
      expect.arrayContaining(['refund', 'complaint', 'exposure']),
    );
    expect(urgencyScore('我要找律师起诉你们')).toBeGreaterThan(0.5);
  });

  it('is zero for calm messages and bounded', () => {
    expect(urgencyScore('hello, what are your opening hours?')).toBe(0);
    expect(urgencyScore('你好')).toBe(0);
    const u = urgencyScore('REFUND NOW!!! lawyer, chargeback, BBB, scam, 投诉 曝光 律师 马上');
    expect(u).toBeGreaterThan(0.9);
    expect(u).toBeLessThanOrEqual(1);
  });
});
