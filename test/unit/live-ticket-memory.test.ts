import { describe, expect, it } from 'vitest';
import type { TicketView } from '../../src/core/views/ticket.js';
import { LiveTicketMemory } from '../../src/realtime/live-ticket-memory.js';

const ticket = (id: string, status: TicketView['status'], conversationId = 'c1') =>
  ({ id, status, conversationId }) as TicketView;

describe('LiveTicketMemory (routing a message without a read)', () => {
  it('knows nothing until told, then the live ticket for two seconds', () => {
    let now = 1_000;
    const memory = new LiveTicketMemory(() => now);
    expect(memory.recall('c1')).toBeUndefined();
    memory.heard(ticket('t1', 'open'));
    expect(memory.recall('c1')?.id).toBe('t1');
    expect(memory.recall('c1', 't1')?.id).toBe('t1');
    now += 2_001;
    expect(memory.recall('c1')).toBeUndefined();
  });

  it('remembers that a conversation has no live ticket', () => {
    const memory = new LiveTicketMemory(() => 0);
    memory.remember('c1', null);
    expect(memory.recall('c1')).toBeNull();
    // A message that names a ticket is not routed from a memory of "none".
    expect(memory.recall('c1', 't9')).toBeUndefined();
  });

  it('forgets a conversation when a ticket of it stops being live (an old one may sit beside a live one)', () => {
    const memory = new LiveTicketMemory(() => 0);
    memory.heard(ticket('t1', 'open'));
    memory.heard(ticket('t0', 'resolved'));
    expect(memory.recall('c1')).toBeUndefined();
  });

  it('answers for a named ticket only when it is the remembered live one', () => {
    const memory = new LiveTicketMemory(() => 0);
    memory.heard(ticket('t1', 'pending'));
    expect(memory.recall('c1', 't2')).toBeUndefined();
  });
});
