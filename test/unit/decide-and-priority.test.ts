import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/ingest/decide.js';
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

describe('hand-off decision and priority', () => {
  it('answers small talk itself unless a person is already on it', () => {
    expect(decide(c({ intent: 'greeting', kind: 'none' }), false)).toEqual({
      action: 'bot_answer',
      text: 'greeting',
    });
    expect(decide(c({ intent: 'greeting', kind: 'none' }), true).action).toBe('handoff');
  });

  it('hands complaints off as complaints, with the complaint notice once', () => {
    expect(decide(c({ intent: 'complaint', kind: 'complaint' }), false)).toEqual({
      action: 'handoff',
      kind: 'complaint',
      notice: 'handoff_complaint',
    });
    expect(decide(c({ intent: 'complaint', kind: 'complaint' }), true)).toMatchObject({ notice: null });
  });

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
