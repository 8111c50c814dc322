import type { Static } from '@sinclair/typebox';
import type { Types } from 'mongoose';
import type {
  AttributeValueSchema,
  CustomerMergeView,
  CustomerView,
  IdentityKind,
  InteractionKind,
  InteractionView,
  Language,
  NeedPriority,
  NeedStatus,
  NeedView,
} from '../../core/views/index.js';

/** Lean CRM documents as read from MongoDB, mapped to the domain's plain views. */
type Id = Types.ObjectId;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

export interface LeanCustomer {
  _id: Id;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  language?: string | null;
  tags?: string[] | null;
  attributes?: Record<string, unknown> | null;
  identities?:
    | { kind: string; externalId: string; displayName?: string | null; verified?: boolean | null }[]
    | null;
  channels?: string[] | null;
  marketingConsent?: { granted: boolean; at?: Date | null; source?: string | null } | null;
  unsubscribedAt?: Date | null;
  segmentId?: Id | null;
  stats?: {
    conversations?: number | null;
    tickets?: number | null;
    orders?: number | null;
    totalSpent?: number | null;
  } | null;
  firstSeenAt?: Date | null;
  lastSeenAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
  mergedInto?: Id | null;
  erasedAt?: Date | null;
}

type AttributeValue = Static<typeof AttributeValueSchema>;

export function toCustomerView(d: LeanCustomer): CustomerView {
  const attributes: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(d.attributes ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null)
      attributes[k] = v;
  }
  return {
    id: String(d._id),
    ...(d.name ? { name: d.name } : {}),
    ...(d.email ? { email: d.email } : {}),
    ...(d.phone ? { phone: d.phone } : {}),
    ...(d.language ? { language: d.language as Language } : {}),
    tags: d.tags ?? [],
    attributes,
    identities: (d.identities ?? []).map((i) => ({
      kind: i.kind as IdentityKind,
      externalId: i.externalId,
      ...(i.displayName ? { displayName: i.displayName } : {}),
      verified: i.verified === true,
    })),
    channels: (d.channels ?? []) as IdentityKind[],
    ...(d.marketingConsent
      ? {
          marketingConsent: {
            granted: d.marketingConsent.granted,
            // Consent written without its when and how (an import): the record's own time.
            at: (d.marketingConsent.at ?? d.updatedAt).toISOString(),
            source: d.marketingConsent.source ?? 'unknown',
          },
        }
      : {}),
    ...(d.unsubscribedAt ? { unsubscribedAt: d.unsubscribedAt.toISOString() } : {}),
    ...(d.segmentId ? { segmentId: String(d.segmentId) } : {}),
    stats: {
      conversations: d.stats?.conversations ?? 0,
      tickets: d.stats?.tickets ?? 0,
      orders: d.stats?.orders ?? 0,
      totalSpent: d.stats?.totalSpent ?? 0,
    },
    firstSeenAt: (d.firstSeenAt ?? d.createdAt).toISOString(),
    lastSeenAt: (d.lastSeenAt ?? d.createdAt).toISOString(),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    ...(d.mergedInto ? { mergedInto: String(d.mergedInto) } : {}),
    ...(d.erasedAt ? { erasedAt: d.erasedAt.toISOString() } : {}),
  };
}

export interface LeanMerge {
  _id: Id;
  sourceId: Id;
  targetId: Id;
  status: string;
  stepsDone?: string[] | null;
  moved?: Record<string, number> | null;
  by: string;
  startedAt: Date;
  finishedAt?: Date | null;
}

export const toMergeView = (d: LeanMerge): CustomerMergeView => ({
  id: String(d._id),
  sourceId: String(d.sourceId),
  targetId: String(d.targetId),
  status: d.status as 'running' | 'done',
  stepsDone: d.stepsDone ?? [],
  moved: d.moved ?? {},
  by: d.by,
  startedAt: d.startedAt.toISOString(),
  ...(d.finishedAt ? { finishedAt: d.finishedAt.toISOString() } : {}),
});

export interface LeanInteraction {
  _id: Id;
  customerId: Id;
  kind: string;
  direction?: string | null;
  summary: string;
  occurredAt: Date;
  durationMinutes?: number | null;
  agentId?: Id | null;
  ticketId?: Id | null;
  createdAt: Date;
}

export const toInteractionView = (d: LeanInteraction): InteractionView => ({
  id: String(d._id),
  customerId: String(d.customerId),
  kind: (d.kind === 'chat' ? 'note' : d.kind) as InteractionKind,
  ...(d.direction ? { direction: d.direction as 'in' | 'out' } : {}),
  summary: d.summary,
  occurredAt: d.occurredAt.toISOString(),
  ...(d.durationMinutes != null ? { durationMinutes: d.durationMinutes } : {}),
  ...(d.agentId ? { agentId: String(d.agentId) } : {}),
  ...(d.ticketId ? { ticketId: String(d.ticketId) } : {}),
  createdAt: d.createdAt.toISOString(),
});

export interface LeanNeed {
  _id: Id;
  customerId: Id;
  title: string;
  description?: string | null;
  status: string;
  priority?: string | null;
  ownerId?: Id | null;
  ticketId?: Id | null;
  history?: { status: string; at: Date; by: string; note?: string | null }[] | null;
  createdAt: Date;
  updatedAt: Date;
}

export const toNeedView = (d: LeanNeed): NeedView => ({
  id: String(d._id),
  customerId: String(d.customerId),
  title: d.title,
  ...(d.description ? { description: d.description } : {}),
  status: d.status as NeedStatus,
  priority: (d.priority ?? 'normal') as NeedPriority,
  ...(d.ownerId ? { ownerId: String(d.ownerId) } : {}),
  ...(d.ticketId ? { ticketId: String(d.ticketId) } : {}),
  history: (d.history ?? []).map((h) => ({
    status: h.status as NeedStatus,
    at: h.at.toISOString(),
    by: h.by,
    ...(h.note ? { note: h.note } : {}),
  })),
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export { iso };
