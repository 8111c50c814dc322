import type { FilterQuery } from 'mongoose';
import type { TicketStore } from '../../core/ports/store.js';
import { escalatedPriority, isHigherPriority } from '../../core/tickets/priority-policy.js';
import type { TicketPriority } from '../../core/views/views.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { TicketDoc } from '../models/ticket.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';
import { type LeanTicket, toTicketView } from './to-view.js';

const LIVE = ['open', 'pending'];

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

export function createTicketRepository(m: Models): TicketStore {
  async function nextNumber(): Promise<number> {
    const c = await m.Counter.findOneAndUpdate(
      { _id: 'ticket' },
      { $inc: { value: 1 } },
      { upsert: true, new: true, lean: true },
    );
    return c!.value;
  }

  async function updateLive(input: Parameters<TicketStore['openOrUpdate']>[0]) {
    const current = await m.Ticket.findOne({ openKey: input.conversationId }).lean();
    if (!current) return null;
    const set: Record<string, unknown> = { status: 'open' };
    // A complaint upgrades a consultation; never the other way round.
    if (input.kind === 'complaint' && current.kind !== 'complaint') set.kind = 'complaint';
    if (isHigherPriority(input.priority, current.priority as TicketPriority)) {
      set.priority = input.priority;
      // A raised priority tightens a deadline that has not been met yet, never loosens it.
      if (
        current.sla &&
        !current.sla.firstRespondedAt &&
        input.firstResponseDueAt < current.sla.firstResponseDueAt
      ) {
        set['sla.firstResponseDueAt'] = input.firstResponseDueAt;
      }
    }
    const doc = await m.Ticket.findOneAndUpdate(
      { _id: current._id, openKey: input.conversationId },
      { $set: set, $inc: { messageCount: 1 } },
      { new: true, lean: true },
    );
    return doc ? toTicketView(doc as LeanTicket) : null;
  }

  return {
    async openOrUpdate(input) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const updated = await updateLive(input);
        if (updated) return { ticket: updated, opened: false };
        try {
          const doc = await m.Ticket.create({
            number: await nextNumber(),
            kind: input.kind,
            status: 'open',
            priority: input.priority,
            customerId: input.customerId,
            conversationId: input.conversationId,
            channel: input.channel,
            openKey: input.conversationId,
            subject: input.subject,
            language: input.language,
            intent: input.intent,
            sla: { firstResponseDueAt: input.firstResponseDueAt },
            messageCount: 1,
            dayKey: dayKey(input.at),
          });
          await m.Customer.updateOne({ _id: input.customerId }, { $inc: { 'stats.tickets': 1 } });
          return { ticket: toTicketView(doc.toObject() as LeanTicket), opened: true };
        } catch (err) {
          // Another message of the same conversation opened it first: update that one instead.
          if (!isDuplicateKey(err)) throw err;
        }
      }
      throw new Error('could not open or update the ticket after 3 attempts');
    },

    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Ticket.findById(id).lean();
      return doc ? toTicketView(doc as LeanTicket) : null;
    },

    async findLive(conversationId) {
      const doc = await m.Ticket.findOne({ openKey: conversationId }).lean();
      return doc ? toTicketView(doc as LeanTicket) : null;
    },

    async recordAgentReply(id, agentId, at) {
      // First response is recorded once (conditional update), the assignee claimed only if none.
      await m.Ticket.updateOne(
        { _id: id, 'sla.firstRespondedAt': { $exists: false } },
        { $set: { 'sla.firstRespondedAt': at } },
      );
      const claimed = await m.Ticket.updateOne(
        { _id: id, assigneeId: { $exists: false } },
        { $set: { assigneeId: agentId } },
      );
      if (claimed.modifiedCount === 1)
        await m.Agent.updateOne({ _id: agentId }, { $inc: { openTickets: 1 } });
      const doc = await m.Ticket.findOneAndUpdate(
        { _id: id, status: { $in: LIVE } },
        { $set: { status: 'pending' } },
        { new: true, lean: true },
      );
      const latest = doc ?? (await m.Ticket.findById(id).lean());
      return latest ? toTicketView(latest as LeanTicket) : null;
    },

    async list({ status, kind, assigneeId, limit }) {
      const filter: FilterQuery<TicketDoc> = {};
      if (status?.length) filter.status = { $in: status };
      if (kind) filter.kind = kind;
      if (assigneeId) filter.assigneeId = assigneeId;
      const docs = await m.Ticket.find(filter).sort({ createdAt: 1 }).limit(limit).lean();
      return docs.map((d) => toTicketView(d as LeanTicket));
    },

    async queueSnapshot() {
      const [waiting, agents] = await Promise.all([
        m.Ticket.countDocuments({ status: 'open', 'sla.firstRespondedAt': { $exists: false } }),
        m.Agent.countDocuments({ active: true, role: { $in: ['agent', 'supervisor'] } }),
      ]);
      return { waiting, agents };
    },

    async markBreached(now, limit) {
      const due = await m.Ticket.find({
        status: { $in: LIVE },
        'sla.firstRespondedAt': { $exists: false },
        'sla.breachedAt': { $exists: false },
        'sla.firstResponseDueAt': { $lte: now },
      })
        .limit(limit)
        .lean();
      const breached = [];
      for (const t of due) {
        // Conditional update: with several workers each ticket is marked (and announced) once.
        // A breach escalates: the priority goes up one step.
        const priority = escalatedPriority(t.priority as TicketPriority);
        const doc = await m.Ticket.findOneAndUpdate(
          { _id: t._id, 'sla.breachedAt': { $exists: false }, 'sla.firstRespondedAt': { $exists: false } },
          { $set: { 'sla.breachedAt': now, priority } },
          { new: true, lean: true },
        );
        if (doc) breached.push(toTicketView(doc as LeanTicket));
      }
      return breached;
    },
  };
}
