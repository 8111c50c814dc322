import type { FilterQuery } from 'mongoose';
import type { InteractionStore, NeedStore, TimelineStore } from '../../core/ports/crm.js';
import type { Channel } from '../../core/views/channel.js';
import type { NeedDoc } from '../models/need.js';
import type { Models } from '../models.js';
import { type LeanInteraction, type LeanNeed, toInteractionView, toNeedView } from './crm-views.js';
import { isObjectId } from './object-id.js';

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

export function createInteractionRepository(m: Models): InteractionStore {
  return {
    async create(input) {
      const doc = await m.Interaction.create({ ...input, dayKey: dayKey(input.occurredAt) });
      return toInteractionView(doc.toObject() as LeanInteraction);
    },
    async listForCustomer(customerId, { before, limit }) {
      if (!isObjectId(customerId)) return [];
      const docs = await m.Interaction.find({
        customerId,
        ...(before ? { occurredAt: { $lt: before } } : {}),
      })
        .sort({ occurredAt: -1, _id: -1 })
        .limit(limit)
        .lean();
      return docs.map((d) => toInteractionView(d as LeanInteraction));
    },
  };
}

export function createNeedRepository(m: Models): NeedStore {
  const view = (d: unknown) => toNeedView(d as LeanNeed);
  return {
    async create(input) {
      const doc = await m.Need.create({
        customerId: input.customerId,
        title: input.title,
        description: input.description,
        priority: input.priority,
        ownerId: input.ownerId,
        ticketId: input.ticketId,
        status: 'discovered',
        history: [{ status: 'discovered', at: input.at, by: input.by }],
      });
      return view(doc.toObject());
    },
    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Need.findById(id).lean();
      return doc ? view(doc) : null;
    },
    async list({ customerId, status, ownerId, limit }) {
      const filter: FilterQuery<NeedDoc> = {};
      if (customerId) filter.customerId = customerId;
      if (status) filter.status = status;
      if (ownerId) filter.ownerId = ownerId;
      const docs = await m.Need.find(filter).sort({ updatedAt: -1, _id: -1 }).limit(limit).lean();
      return docs.map(view);
    },
    async update(id, patch) {
      if (!isObjectId(id)) return null;
      const $set: Record<string, unknown> = {};
      for (const f of ['title', 'description', 'priority'] as const)
        if (patch[f] !== undefined) $set[f] = patch[f];
      if (patch.ownerId) $set.ownerId = patch.ownerId;
      const doc = await m.Need.findOneAndUpdate(
        { _id: id },
        {
          ...(Object.keys($set).length ? { $set } : {}),
          ...(patch.ownerId === null ? { $unset: { ownerId: 1 } } : {}),
        },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },
    async transition(id, from, to, step) {
      if (!isObjectId(id)) return null;
      const doc = await m.Need.findOneAndUpdate(
        { _id: id, status: from },
        {
          $set: { status: to, ...(to === 'resolved' ? { resolvedAt: step.at } : {}) },
          $push: {
            history: { status: to, at: step.at, by: step.by, ...(step.note ? { note: step.note } : {}) },
          },
          ...(to !== 'resolved' ? { $unset: { resolvedAt: 1 } } : {}),
        },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },
  };
}

export function createTimelineRepository(m: Models): TimelineStore {
  return {
    async messages(customerId, before, limit) {
      if (!isObjectId(customerId)) return [];
      const docs = await m.Message.find(
        { customerId, ...(before ? { createdAt: { $lt: before } } : {}) },
        { text: 1, direction: 1, channel: 1, author: 1, createdAt: 1 },
      )
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean();
      return docs.map((d) => ({
        id: String(d._id),
        at: d.createdAt,
        text: d.text,
        direction: d.direction as 'in' | 'out',
        channel: d.channel as Channel,
        author:
          d.author?.kind === 'agent' && d.author.id ? `agent:${d.author.id}` : (d.author?.kind ?? 'system'),
      }));
    },
    async tickets(customerId, before, limit) {
      if (!isObjectId(customerId)) return [];
      const docs = await m.Ticket.find(
        { customerId, ...(before ? { createdAt: { $lt: before } } : {}) },
        { number: 1, kind: 1, status: 1, subject: 1, channel: 1, createdAt: 1 },
      )
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean();
      return docs.map((d) => ({
        id: String(d._id),
        at: d.createdAt,
        number: d.number,
        kind: d.kind,
        status: d.status ?? 'open',
        ...(d.subject ? { subject: d.subject } : {}),
        channel: d.channel as Channel,
      }));
    },
    async counts(customerId) {
      if (!isObjectId(customerId)) return { messages: 0, interactions: 0, tickets: 0, orders: 0, needs: 0 };
      const [messages, interactions, tickets, orders, needs] = await Promise.all([
        m.Message.countDocuments({ customerId }),
        m.Interaction.countDocuments({ customerId }),
        m.Ticket.countDocuments({ customerId }),
        m.Order.countDocuments({ customerId }),
        m.Need.countDocuments({ customerId }),
      ]);
      return { messages, interactions, tickets, orders, needs };
    },
  };
}
