import type { FilterQuery } from 'mongoose';
import type { TicketStore } from '../../core/ports/store.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { TicketDoc } from '../models/ticket.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';
import { type LeanTicket, toTicketView } from './to-view.js';

const LIVE = ['open', 'pending'];

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const view = (d: unknown) => toTicketView(d as LeanTicket);

export function createTicketRepository(m: Models): TicketStore {
  async function nextNumber(): Promise<number> {
    const c = await m.Counter.findOneAndUpdate(
      { _id: 'ticket' },
      { $inc: { value: 1 } },
      { upsert: true, new: true, lean: true },
    );
    if (!c) throw new Error('ticket counter upsert returned nothing');
    return c.value;
  }

  return {
    async create(input) {
      try {
        const doc = await m.Ticket.create({
          number: await nextNumber(),
          kind: input.kind,
          status: 'open',
          priority: input.priority,
          customerId: input.customerId,
          conversationId: input.conversationId,
          channel: input.channel,
          // One live ticket per conversation: a second open is refused by the unique index.
          openKey: input.conversationId,
          subject: input.subject,
          language: input.language,
          intent: input.intent,
          sla: { firstResponseDueAt: input.firstResponseDueAt },
          ...(input.openedBy ? { openedByMessageId: input.openedBy } : {}),
          messageCount: 1,
          dayKey: dayKey(input.at),
        });
        await m.Customer.updateOne({ _id: input.customerId }, { $inc: { 'stats.tickets': 1 } });
        return view(doc.toObject());
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    },

    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Ticket.findById(id).lean();
      return doc ? view(doc) : null;
    },

    async findLive(conversationId) {
      const doc = await m.Ticket.findOne({ openKey: conversationId }).lean();
      return doc ? view(doc) : null;
    },

    async updateIfUnchanged(id, expected, patch) {
      const set: Record<string, unknown> = {};
      if (patch.kind) set.kind = patch.kind;
      if (patch.priority) set.priority = patch.priority;
      if (patch.status) set.status = patch.status;
      if (patch.firstResponseDueAt) set['sla.firstResponseDueAt'] = patch.firstResponseDueAt;
      const doc = await m.Ticket.findOneAndUpdate(
        {
          _id: id,
          status: { $in: LIVE },
          kind: expected.kind,
          priority: expected.priority,
          'sla.firstResponseDueAt': new Date(expected.firstResponseDueAt),
        },
        { $set: set, $inc: { messageCount: 1 } },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
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
      return latest ? view(latest) : null;
    },

    async list({ status, kind, assigneeId, limit }) {
      const filter: FilterQuery<TicketDoc> = {};
      if (status?.length) filter.status = { $in: status };
      if (kind) filter.kind = kind;
      if (assigneeId) filter.assigneeId = assigneeId;
      const docs = await m.Ticket.find(filter).sort({ createdAt: 1 }).limit(limit).lean();
      return docs.map(view);
    },

    async queueSnapshot() {
      const [waiting, agents] = await Promise.all([
        m.Ticket.countDocuments({ status: 'open', 'sla.firstRespondedAt': { $exists: false } }),
        m.Agent.countDocuments({ active: true, role: { $in: ['agent', 'supervisor'] } }),
      ]);
      return { waiting, agents };
    },

    async listDueForBreach(now, limit) {
      const docs = await m.Ticket.find({
        status: { $in: LIVE },
        'sla.firstRespondedAt': { $exists: false },
        'sla.breachedAt': { $exists: false },
        'sla.firstResponseDueAt': { $lte: now },
      })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async markBreached(id, at, priority) {
      // Conditional: with several workers each ticket is marked (and announced) once.
      const doc = await m.Ticket.findOneAndUpdate(
        { _id: id, 'sla.breachedAt': { $exists: false }, 'sla.firstRespondedAt': { $exists: false } },
        { $set: { 'sla.breachedAt': at, priority } },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },

    async recordFailedDelivery(id) {
      const doc = await m.Ticket.findOneAndUpdate(
        { _id: id },
        { $inc: { failedDeliveries: 1 } },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },

    async findBySlackThread(channel, ts) {
      // Channel and thread together: a thread ts alone is not unique across channels.
      const doc = await m.Ticket.findOne({ 'slackThread.channel': channel, 'slackThread.ts': ts }).lean();
      return doc ? view(doc) : null;
    },

    async markSlackPostAttempt(id, at) {
      const before = await m.Ticket.findOneAndUpdate(
        { _id: id },
        { $set: { slackPostAttemptAt: at } },
        { new: false, lean: true },
      );
      return Boolean(before?.slackPostAttemptAt);
    },

    async setSlackThread(id, thread) {
      try {
        const doc = await m.Ticket.findOneAndUpdate(
          { _id: id, 'slackThread.ts': { $exists: false } },
          { $set: { 'slackThread.channel': thread.channel, 'slackThread.ts': thread.ts } },
          { new: true, lean: true },
        );
        return doc ? view(doc) : null;
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    },

    async assign(id, agentId, expected) {
      if (!isObjectId(id) || !isObjectId(agentId)) return null;
      const doc = await m.Ticket.findOneAndUpdate(
        {
          _id: id,
          status: { $in: LIVE },
          ...(expected ? { assigneeId: expected } : { assigneeId: { $exists: false } }),
        },
        { $set: { assigneeId: agentId } },
        { new: true, lean: true },
      );
      if (!doc) return null;
      await m.Agent.updateOne({ _id: agentId }, { $inc: { openTickets: 1 } });
      if (expected) await m.Agent.updateOne({ _id: expected }, { $inc: { openTickets: -1 } });
      return view(doc);
    },

    async setPriority(id, priority) {
      if (!isObjectId(id)) return null;
      const doc = await m.Ticket.findOneAndUpdate(
        { _id: id, status: { $in: LIVE } },
        { $set: { priority } },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },

    async resolve(id, at) {
      if (!isObjectId(id)) return null;
      // Removing openKey lets the conversation open a new ticket when the customer writes again.
      const doc = await m.Ticket.findOneAndUpdate(
        { _id: id, status: { $in: LIVE } },
        { $set: { status: 'resolved', resolvedAt: at }, $unset: { openKey: 1 } },
        { new: true, lean: true },
      );
      if (!doc) return null;
      if (doc.assigneeId) await m.Agent.updateOne({ _id: doc.assigneeId }, { $inc: { openTickets: -1 } });
      return view(doc);
    },

    async addNote(id, note) {
      if (!isObjectId(id)) return false;
      const result = await m.Ticket.updateOne(
        { _id: id, 'notes.key': { $ne: note.key } },
        { $push: { notes: { key: note.key, authorId: note.authorId, text: note.text, at: note.at } } },
      );
      return result.modifiedCount === 1;
    },

    async liveCounts() {
      const live = { status: { $in: LIVE } };
      const [open, pending, unassigned, awaitingFirstResponse, breached, highOrUrgent] = await Promise.all([
        m.Ticket.countDocuments({ status: 'open' }),
        m.Ticket.countDocuments({ status: 'pending' }),
        m.Ticket.countDocuments({ ...live, assigneeId: { $exists: false } }),
        m.Ticket.countDocuments({ ...live, 'sla.firstRespondedAt': { $exists: false } }),
        m.Ticket.countDocuments({ ...live, 'sla.breachedAt': { $exists: true } }),
        m.Ticket.countDocuments({ ...live, priority: { $in: ['high', 'urgent'] } }),
      ]);
      return { open, pending, unassigned, awaitingFirstResponse, breached, highOrUrgent };
    },
  };
}
