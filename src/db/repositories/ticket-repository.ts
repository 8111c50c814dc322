import type { FilterQuery, UpdateQuery } from 'mongoose';
import { dayKeyOf } from '../../core/ports/daily-stats.js';
import type { TicketChange, TicketGuard, TicketStore } from '../../core/ports/store.js';
import { LIVE_STATUSES } from '../../core/views/ticket.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { TicketDoc } from '../models/ticket.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';
import { type LeanTicket, toTicketView } from './to-view.js';

const LIVE = [...LIVE_STATUSES];

const view = (d: unknown) => toTicketView(d as LeanTicket);
type Filter = FilterQuery<TicketDoc>;

function guardFilter(id: string, guard: TicketGuard): Filter {
  const f: Filter = { _id: id };
  if (guard.rev !== undefined) f.rev = guard.rev;
  if (guard.status) f.status = { $in: [...guard.status] };
  if (guard.assigneeId === null) f.assigneeId = { $exists: false };
  else if (guard.assigneeId !== undefined) f.assigneeId = guard.assigneeId;
  if (guard.notMerged) {
    f.mergingInto = { $exists: false };
    f.mergedInto = { $exists: false };
  }
  if (guard.noteKeyAbsent !== undefined) f['notes.key'] = { $ne: guard.noteKeyAbsent };
  return f;
}

function changeUpdate(change: TicketChange, at: Date): UpdateQuery<TicketDoc> {
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  if (change.status) set.status = change.status;
  if (change.kind) set.kind = change.kind;
  if (change.priority) set.priority = change.priority;
  if (change.tags) set.tags = change.tags;
  if (change.firstResponseDueAt) set['sla.firstResponseDueAt'] = change.firstResponseDueAt;
  if (change.assigneeId === null) {
    unset.assigneeId = 1;
    unset.assignedAt = 1;
  } else if (change.assigneeId) {
    set.assigneeId = change.assigneeId;
    set.assignedAt = change.assignedAt ?? at;
  }
  if (change.queuedAt === null) {
    unset.queuedAt = 1;
    set.leftQueueAt = at;
  } else if (change.queuedAt) set.queuedAt = change.queuedAt;
  if (change.releaseConversation) unset.openKey = 1;
  if (change.resolvedAt) set.resolvedAt = change.resolvedAt;
  if (change.closedAt) set.closedAt = change.closedAt;
  if (change.mergedInto) {
    set.mergedInto = change.mergedInto;
    unset.mergingInto = 1;
  }
  if (change.csatRequested) set['csat.requested'] = true;
  const update: UpdateQuery<TicketDoc> = { $inc: { rev: 1 } };
  if (Object.keys(set).length) update.$set = set;
  if (Object.keys(unset).length) update.$unset = unset;
  if (change.addParticipant) update.$addToSet = { participantIds: change.addParticipant };
  if (change.addNote) update.$push = { notes: { ...change.addNote, at: new Date(change.addNote.at) } };
  return update;
}

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

  const updateOne = async (filter: Filter, update: UpdateQuery<TicketDoc>) => {
    const doc = await m.Ticket.findOneAndUpdate(filter, update, { new: true, lean: true });
    return doc ? view(doc) : null;
  };

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
          queuedAt: input.at,
          sla: { firstResponseDueAt: input.firstResponseDueAt },
          ...(input.openedBy ? { openedByMessageId: input.openedBy } : {}),
          messageCount: 1,
          dayKey: dayKeyOf(input.at),
          createdAt: input.at,
          rev: 0,
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
      // Read for every inbound message: through the driver (a string filter, nothing to cast).
      const doc = await m.Ticket.collection.findOne({ openKey: conversationId });
      return doc ? view(doc) : null;
    },

    async findResolvedSince(conversationId, since) {
      if (!isObjectId(conversationId)) return null;
      const doc = await m.Ticket.findOne({ conversationId, status: 'resolved', resolvedAt: { $gte: since } })
        .sort({ resolvedAt: -1 })
        .lean();
      return doc ? view(doc) : null;
    },

    async updateIfUnchanged(id, expected, patch, messages = 1) {
      const set: Record<string, unknown> = {};
      if (patch.kind) set.kind = patch.kind;
      if (patch.priority) set.priority = patch.priority;
      if (patch.status) set.status = patch.status;
      if (patch.firstResponseDueAt) set['sla.firstResponseDueAt'] = patch.firstResponseDueAt;
      return updateOne(
        {
          _id: id,
          status: { $in: LIVE },
          kind: expected.kind,
          priority: expected.priority,
          'sla.firstResponseDueAt': new Date(expected.firstResponseDueAt),
          ...(expected.rev !== undefined ? { rev: expected.rev } : {}),
        },
        { $set: set, $inc: { messageCount: messages, rev: 1 } },
      );
    },

    async applyChange(id, guard, change) {
      if (!isObjectId(id)) return null;
      return updateOne(guardFilter(id, guard), changeUpdate(change, new Date()));
    },

    async reopen(id, at, expectedRev) {
      if (!isObjectId(id)) return null;
      const current = await m.Ticket.findById(id).lean();
      if (current?.status !== 'resolved') return null;
      if (expectedRev !== undefined && (current.rev ?? 0) !== expectedRev) return null;
      const filter: Filter = {
        _id: id,
        status: 'resolved',
        rev: current.rev ?? 0,
        assigneeId: current.assigneeId ? current.assigneeId : { $exists: false },
      };
      try {
        return await updateOne(filter, {
          $set: {
            status: 'open',
            // Takes the conversation back: refused (E11000) when another ticket holds it.
            openKey: String(current.conversationId),
            reopenedAt: at,
            ...(current.assigneeId ? {} : { queuedAt: at }),
          },
          $unset: { resolvedAt: 1 },
          $inc: { reopenCount: 1, rev: 1 },
        });
      } catch (err) {
        if (isDuplicateKey(err)) return 'conflict';
        throw err;
      }
    },

    async recordAgentReply(id, { agentId, at, firstResponseSeconds }) {
      if (!isObjectId(id)) return null;
      // First response recorded once (conditional update).
      const first = await m.Ticket.updateOne(
        { _id: id, 'sla.firstRespondedAt': { $exists: false } },
        {
          $set: {
            'sla.firstRespondedAt': at,
            'metrics.firstResponseSeconds': firstResponseSeconds,
            'metrics.firstResponseDay': dayKeyOf(at),
          },
          $inc: { rev: 1 },
        },
      );
      const ticket =
        (await updateOne(
          { _id: id, status: { $in: LIVE } },
          { $set: { status: 'pending' }, $addToSet: { participantIds: agentId }, $inc: { rev: 1 } },
        )) ?? (await updateOne({ _id: id }, { $addToSet: { participantIds: agentId }, $inc: { rev: 1 } }));
      return ticket ? { ticket, firstResponse: first.modifiedCount === 1 } : null;
    },

    async recordResolution(id, at, seconds) {
      await m.Ticket.updateOne(
        { _id: id },
        { $set: { 'metrics.resolutionSeconds': seconds, 'metrics.resolvedDay': dayKeyOf(at) } },
      );
    },

    async beginMerge(sourceId, targetId) {
      if (!isObjectId(sourceId) || !isObjectId(targetId)) return null;
      return updateOne(
        {
          _id: sourceId,
          status: { $ne: 'closed' },
          mergedInto: { $exists: false },
          $or: [{ mergingInto: { $exists: false } }, { mergingInto: targetId }],
        },
        { $set: { mergingInto: targetId }, $inc: { rev: 1 } },
      );
    },

    async absorbMerged(targetId, source) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const target = await m.Ticket.findById(targetId).lean();
        if (!target) return null;
        const current = view(target);
        if (current.mergedFrom.includes(source.id)) return current; // done before
        const notes = [...current.notes, ...source.notes].sort((a, b) => a.at.localeCompare(b.at));
        const updated = await updateOne(
          { _id: targetId, rev: current.rev },
          {
            $set: {
              tags: [...new Set([...current.tags, ...source.tags])],
              notes: notes.map((n) => ({ ...n, at: new Date(n.at) })),
              mergedFrom: [...current.mergedFrom, source.id],
              extraConversationIds: [
                ...new Set([...current.extraConversationIds, source.conversationId]),
              ].filter((c) => c !== current.conversationId),
            },
            $inc: { messageCount: source.messageCount, rev: 1 },
          },
        );
        if (updated) return updated;
      }
      return null;
    },

    async list(filter) {
      const and: Filter[] = [];
      if (filter.status?.length) and.push({ status: { $in: [...filter.status] } });
      if (filter.kind) and.push({ kind: filter.kind });
      if (filter.assigneeId === null) and.push({ assigneeId: { $exists: false } });
      else if (filter.assigneeId) {
        if (!isObjectId(filter.assigneeId)) return [];
        and.push({ assigneeId: filter.assigneeId });
      }
      if (filter.customerId) {
        if (!isObjectId(filter.customerId)) return [];
        and.push({ customerId: filter.customerId });
      }
      if (filter.tag) and.push({ tags: filter.tag });
      if (filter.excludeId) and.push({ _id: { $ne: filter.excludeId } });
      if (filter.updatedSince) and.push({ updatedAt: { $gt: filter.updatedSince } });
      if (filter.leftQueueSince) and.push({ leftQueueAt: { $gt: filter.leftQueueSince } });
      if (filter.visibleTo) {
        and.push({
          $or: [
            { assigneeId: { $exists: false }, status: { $in: LIVE } },
            ...(isObjectId(filter.visibleTo) ? [{ assigneeId: filter.visibleTo }] : []),
            { participantIds: filter.visibleTo },
          ],
        });
      }
      const sort: Record<string, 1 | -1> =
        filter.sort === 'updated'
          ? { updatedAt: 1, _id: 1 }
          : filter.sort === 'newest'
            ? { createdAt: -1, _id: -1 }
            : { createdAt: 1, _id: 1 };
      const docs = await m.Ticket.find(and.length ? { $and: and } : {})
        .sort(sort)
        .limit(filter.limit)
        .lean();
      return docs.map(view);
    },

    async listWaiting(limit) {
      const docs = await m.Ticket.find({
        status: { $in: LIVE },
        assigneeId: { $exists: false },
        mergedInto: { $exists: false },
      })
        .sort({ queuedAt: 1, createdAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async listLiveAssignedTo(agentId, limit) {
      if (!isObjectId(agentId)) return [];
      const docs = await m.Ticket.find({ assigneeId: agentId, status: { $in: LIVE } })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async liveLoadByAgent() {
      const rows = await m.Ticket.aggregate<{ _id: unknown; n: number }>([
        { $match: { status: { $in: LIVE }, assigneeId: { $exists: true } } },
        { $group: { _id: '$assigneeId', n: { $sum: 1 } } },
      ]);
      return new Map(rows.map((r) => [String(r._id), r.n]));
    },

    async listResolvedBefore(before, limit) {
      const docs = await m.Ticket.find({ status: 'resolved', resolvedAt: { $lte: before } })
        .sort({ resolvedAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async listUnansweredDueBefore(until, limit) {
      const docs = await m.Ticket.find({
        status: { $in: LIVE },
        'sla.firstRespondedAt': { $exists: false },
        'sla.firstResponseDueAt': { $lte: until },
      })
        .sort({ 'sla.firstResponseDueAt': 1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },

    async durationsOn(day) {
      const [first, resolved] = await Promise.all([
        m.Ticket.find({ 'metrics.firstResponseDay': day }, { 'metrics.firstResponseSeconds': 1 }).lean(),
        m.Ticket.find({ 'metrics.resolvedDay': day }, { 'metrics.resolutionSeconds': 1 }).lean(),
      ]);
      const nums = (xs: (number | null | undefined)[]) =>
        xs.filter((x): x is number => typeof x === 'number');
      return {
        firstResponse: nums(first.map((d) => d.metrics?.firstResponseSeconds)),
        resolution: nums(resolved.map((d) => d.metrics?.resolutionSeconds)),
      };
    },

    async *openedBetween(from, to) {
      const cursor = m.Ticket.find({ createdAt: { $gte: from, $lt: to } })
        .sort({ createdAt: 1 })
        .lean()
        .cursor({ batchSize: 500 });
      for await (const doc of cursor) yield view(doc);
    },

    async ensureCsatToken(id, candidate) {
      if (!isObjectId(id)) return null;
      await m.Ticket.updateOne(
        { _id: id, 'csat.token': { $exists: false } },
        { $set: { 'csat.token': candidate } },
      );
      const doc = await m.Ticket.findById(id, { 'csat.token': 1 }).lean();
      return doc?.csat?.token ?? null;
    },

    async findByCsatToken(token) {
      const doc = await m.Ticket.findOne({ 'csat.token': token }).lean();
      return doc ? view(doc) : null;
    },

    async rate(match, rating) {
      let filter: Filter;
      if ('token' in match) filter = { 'csat.token': match.token };
      else {
        if (!isObjectId(match.ticketId) || !isObjectId(match.customerId)) return null;
        filter = { _id: match.ticketId, customerId: match.customerId, 'csat.requested': true };
      }
      // One rating per ticket: only a ticket without a score takes one.
      const rated = await updateOne(
        { ...filter, 'csat.score': { $exists: false } },
        {
          $set: {
            'csat.score': rating.score,
            'csat.at': rating.at,
            ...(rating.comment ? { 'csat.comment': rating.comment } : {}),
          },
          $inc: { rev: 1 },
        },
      );
      if (rated) return rated;
      const existing = await m.Ticket.findOne(filter, { 'csat.score': 1 }).lean();
      return existing?.csat?.score ? 'already_rated' : null;
    },

    async queueSnapshot() {
      const [waiting, agents] = await Promise.all([
        m.Ticket.countDocuments({ status: 'open', 'sla.firstRespondedAt': { $exists: false } }),
        m.Agent.countDocuments({ active: true, status: 'online', capacity: { $gt: 0 } }),
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
      return updateOne(
        { _id: id, 'sla.breachedAt': { $exists: false }, 'sla.firstRespondedAt': { $exists: false } },
        { $set: { 'sla.breachedAt': at, priority }, $inc: { rev: 1 } },
      );
    },

    async recordFailedDelivery(id) {
      return updateOne({ _id: id }, { $inc: { failedDeliveries: 1, rev: 1 } });
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
