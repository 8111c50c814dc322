import { describe, expect, it } from 'vitest';
import { decide, isNegativeFeedback, isPositiveFeedback } from '../../src/core/ingest/decide.js';
import { extractOrderNumber } from '../../src/core/ingest/order-number.js';
import type { Classification } from '../../src/core/ports/classifier.js';
import { priorityFor } from '../../src/core/tickets/priority-policy.js';
import { firstResponseDue } from '../../src/core/tickets/sla-policy.js';

const c = (over: Partial<Classification>): Classification => ({
  language: 'en',
  intent: 'consultation',
  confidence: 0.9,
  sentiment: 0,
  urgency: 0,
  kind: 'consultation',
  ...over,
});
const policy = { minConfidence: 0.5, faqMinScore: 0.5, handoffAfterMisunderstandings: 2 };
const fresh = { lowConfidenceStreak: 0 };

describe('hand-off rules', () => {
  it('answers greetings and thanks, looks up orders, tries the FAQ for questions', () => {
    expect(decide(c({ intent: 'greeting', kind: 'none' }), 'hi', fresh, false, policy)).toEqual({
      action: 'greet',
    });
    expect(decide(c({ intent: 'thanks_bye', kind: 'none' }), 'thx', fresh, false, policy)).toEqual({
      action: 'farewell',
    });
    expect(
      decide(c({ intent: 'order_status', kind: 'none' }), 'where is 10023', fresh, false, policy),
    ).toEqual({
      action: 'order_status',
    });
    expect(decide(c({}), 'do you ship to Canada', fresh, false, policy)).toEqual({
      action: 'answer_from_faq',
    });
  });

  it('hands off when asked for a person and on any complaint', () => {
    expect(decide(c({ intent: 'ask_human' }), 'agent please', fresh, false, policy)).toEqual({
      action: 'handoff',
      kind: 'consultation',
      reason: 'asked_for_human',
    });
    expect(
      decide(c({ intent: 'complaint', kind: 'complaint', confidence: 0.3 }), 'meh', fresh, false, policy),
    ).toEqual({
      action: 'handoff',
      kind: 'complaint',
      reason: 'complaint',
    });
  });

  it('asks again the first time it does not understand, hands off the second time in a row', () => {
    const unsure = c({ confidence: 0.3 });
    expect(decide(unsure, 'blorp', fresh, false, policy)).toEqual({ action: 'clarify' });
    expect(decide(unsure, 'blorp', { lowConfidenceStreak: 1 }, false, policy)).toMatchObject({
      action: 'handoff',
      reason: 'not_understood',
    });
    const oos = c({ intent: 'out_of_scope', kind: 'none', confidence: 0.99 });
    expect(decide(oos, 'weather?', fresh, false, policy)).toEqual({ action: 'clarify' });
    expect(decide(oos, 'weather?', { lowConfidenceStreak: 1 }, false, policy)).toMatchObject({
      action: 'handoff',
    });
  });

  it('follows the threshold from configuration', () => {
    const mid = c({ confidence: 0.6 });
    expect(decide(mid, 'x', fresh, false, policy).action).toBe('answer_from_faq');
    expect(decide(mid, 'x', fresh, false, { ...policy, minConfidence: 0.7 }).action).toBe('clarify');
    expect(
      decide(mid, 'x', { lowConfidenceStreak: 1 }, false, {
        ...policy,
        minConfidence: 0.7,
        handoffAfterMisunderstandings: 3,
      }).action,
    ).toBe('clarify');
  });

  it('hands off on "no, that did not help" after a FAQ answer, and is glad on yes', () => {
    const waiting = { lowConfidenceStreak: 0, awaitingFeedbackOn: 'a1' };
    expect(decide(c({ intent: 'out_of_scope' }), 'No, that did not help', waiting, false, policy)).toEqual({
      action: 'handoff',
      kind: 'consultation',
      reason: 'faq_did_not_help',
    });
    expect(decide(c({ intent: 'thanks_bye' }), '没有用', waiting, false, policy)).toMatchObject({
      reason: 'faq_did_not_help',
    });
    expect(decide(c({ intent: 'thanks_bye' }), 'yes thanks!', waiting, false, policy)).toEqual({
      action: 'faq_helped',
    });
    // Without a pending question, "no" is just a message.
    expect(decide(c({ intent: 'out_of_scope', confidence: 0.9 }), 'no', fresh, false, policy)).toEqual({
      action: 'clarify',
    });
    expect(isNegativeFeedback('nope')).toBe(true);
    expect(isPositiveFeedback('有帮助，谢谢')).toBe(true);
  });

  it('keeps a conversation with the person already on it', () => {
    expect(decide(c({ intent: 'greeting', kind: 'none' }), 'hi', fresh, true, policy)).toMatchObject({
      action: 'handoff',
      reason: 'live_ticket',
    });
  });
});

describe('order numbers in messages', () => {
  it.each([
    ['where is my order 10023', '10023'],
    ['我的订单10023到哪了', '10023'],
    ['has #a5521 shipped yet?', 'A5521'],
    ['订单号：20231234 还没发货', '20231234'],
    ['order no. AB-12345', 'AB-12345'],
    ['where is my package', null],
    ['I ordered 2 items on 12.05', null],
  ])('%s → %s', (text, expected) => {
    expect(extractOrderNumber(text)).toBe(expected);
  });
});

describe('priority and SLA', () => {
  it('raises angry or urgent complaints', () => {
    expect(priorityFor(c({ kind: 'complaint' }))).toBe('normal');
    expect(priorityFor(c({ kind: 'complaint', sentiment: -0.8 }))).toBe('high');
    expect(priorityFor(c({ kind: 'complaint', urgency: 1 }))).toBe('high');
    expect(priorityFor(c({ kind: 'complaint', sentiment: -0.8, urgency: 1 }))).toBe('urgent');
    expect(priorityFor(c({ kind: 'consultation', sentiment: -0.9 }))).toBe('normal');
  });

  it('shortens the first-response deadline for higher priority', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const sla = { firstResponseMinutes: { consultation: 60, complaint: 30 } };
    expect(firstResponseDue(sla, 'consultation', 'normal', from).toISOString()).toBe(
      '2026-01-01T01:00:00.000Z',
    );
    expect(firstResponseDue(sla, 'complaint', 'high', from).toISOString()).toBe('2026-01-01T00:15:00.000Z');
    expect(firstResponseDue(sla, 'complaint', 'urgent', from).toISOString()).toBe('2026-01-01T00:08:00.000Z');
  });
});
