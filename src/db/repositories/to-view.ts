import type { Types } from 'mongoose';
import type {
  Channel,
  ConversationView,
  DeliveryStatus,
  Intent,
  Language,
  MessageView,
  StoredClassification,
  TicketKind,
  TicketPriority,
  TicketStatus,
  TicketView,
} from '../../core/views/index.js';

/** Lean documents as read from MongoDB; mapped here to the domain's plain views. */
type Id = Types.ObjectId;

export interface LeanMessage {
  _id: Id;
  conversationId: Id;
  customerId: Id;
  ticketId?: Id | null;
  channel: string;
  direction: string;
  author: { kind: string; id?: string | null };
  text: string;
  clientMessageId?: string | null;
  requestedKind?: string | null;
  classification?: Partial<Record<keyof StoredClassification, unknown>> | null;
  processedAt?: Date | null;
  prompt?: { kind?: string | null; ticketId?: string | null } | null;
  processing?: { attempts?: number | null; lastError?: string | null; parkedAt?: Date | null } | null;
  delivery?: {
    status: string;
    attempts?: number | null;
    lastError?: string | null;
    externalId?: string | null;
    updatedAt: Date;
  } | null;
  slackPost?: { channel?: string | null; ts?: string | null } | null;
  createdAt: Date;
}

export function toMessageView(d: LeanMessage): MessageView {
  const c = d.classification;
  return {
    id: String(d._id),
    conversationId: String(d.conversationId),
    customerId: String(d.customerId),
    ...(d.ticketId ? { ticketId: String(d.ticketId) } : {}),
    channel: d.channel as Channel,
    direction: d.direction as 'in' | 'out',
    author: {
      kind: d.author.kind as MessageView['author']['kind'],
      ...(d.author.id ? { id: d.author.id } : {}),
    },
    text: d.text,
    ...(d.clientMessageId ? { clientMessageId: d.clientMessageId } : {}),
    ...(d.requestedKind ? { requestedKind: d.requestedKind as TicketKind } : {}),
    ...(c?.intent ? { classification: c as StoredClassification } : {}),
    processed: Boolean(d.processedAt),
    ...(d.prompt?.kind && d.prompt.ticketId
      ? { prompt: { kind: 'csat' as const, ticketId: d.prompt.ticketId } }
      : {}),
    ...(d.processing
      ? {
          processing: {
            attempts: d.processing.attempts ?? 0,
            ...(d.processing.lastError ? { lastError: d.processing.lastError } : {}),
            ...(d.processing.parkedAt ? { parkedAt: d.processing.parkedAt.toISOString() } : {}),
          },
        }
      : {}),
    ...(d.delivery?.status
      ? {
          delivery: {
            status: d.delivery.status as DeliveryStatus,
            attempts: d.delivery.attempts ?? 0,
            ...(d.delivery.lastError ? { lastError: d.delivery.lastError } : {}),
            ...(d.delivery.externalId ? { externalId: d.delivery.externalId } : {}),
            updatedAt: d.delivery.updatedAt.toISOString(),
          },
        }
      : {}),
    ...(d.slackPost?.channel && d.slackPost.ts
      ? { slackPost: { channel: d.slackPost.channel, ts: d.slackPost.ts } }
      : {}),
    createdAt: d.createdAt.toISOString(),
  };
}

export interface LeanTicket {
  _id: Id;
  number: number;
  kind: string;
  status: string;
  priority: string;
  customerId: Id;
  conversationId: Id;
  channel: string;
  subject?: string | null;
  language?: string | null;
  intent?: string | null;
  assigneeId?: Id | null;
  assignedAt?: Date | null;
  queuedAt?: Date | null;
  participantIds?: string[] | null;
  tags?: string[] | null;
  notes?: { id: string; authorId: string; text: string; at: Date }[] | null;
  sla: { firstResponseDueAt: Date; firstRespondedAt?: Date | null; breachedAt?: Date | null };
  csat?: {
    requested?: boolean | null;
    score?: number | null;
    comment?: string | null;
    at?: Date | null;
  } | null;
  messageCount: number;
  failedDeliveries?: number | null;
  resolvedAt?: Date | null;
  closedAt?: Date | null;
  reopenedAt?: Date | null;
  reopenCount?: number | null;
  mergedInto?: Id | null;
  mergedFrom?: Id[] | null;
  extraConversationIds?: Id[] | null;
  rev?: number | null;
  slackThread?: { channel?: string | null; ts?: string | null } | null;
  openedByMessageId?: Id | null;
  createdAt: Date;
  updatedAt: Date;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

export function toTicketView(d: LeanTicket): TicketView {
  const csat = d.csat;
  return {
    id: String(d._id),
    number: d.number,
    kind: d.kind as TicketKind,
    status: d.status as TicketStatus,
    priority: d.priority as TicketPriority,
    customerId: String(d.customerId),
    conversationId: String(d.conversationId),
    channel: d.channel as Channel,
    ...(d.subject ? { subject: d.subject } : {}),
    ...(d.language ? { language: d.language as Language } : {}),
    ...(d.intent ? { intent: d.intent as Intent } : {}),
    ...(d.assigneeId ? { assigneeId: String(d.assigneeId) } : {}),
    ...(d.assignedAt && d.assigneeId ? { assignedAt: d.assignedAt.toISOString() } : {}),
    ...(d.queuedAt ? { queuedAt: d.queuedAt.toISOString() } : {}),
    participantIds: d.participantIds ?? [],
    tags: d.tags ?? [],
    notes: (d.notes ?? []).map((n) => ({
      id: n.id,
      authorId: n.authorId,
      text: n.text,
      at: n.at.toISOString(),
    })),
    sla: {
      firstResponseDueAt: d.sla.firstResponseDueAt.toISOString(),
      ...(d.sla.firstRespondedAt ? { firstRespondedAt: d.sla.firstRespondedAt.toISOString() } : {}),
      ...(d.sla.breachedAt ? { breachedAt: d.sla.breachedAt.toISOString() } : {}),
    },
    messageCount: d.messageCount,
    failedDeliveries: d.failedDeliveries ?? 0,
    ...(d.resolvedAt ? { resolvedAt: iso(d.resolvedAt) } : {}),
    ...(d.closedAt ? { closedAt: iso(d.closedAt) } : {}),
    ...(d.reopenedAt ? { reopenedAt: iso(d.reopenedAt) } : {}),
    reopenCount: d.reopenCount ?? 0,
    ...(d.mergedInto ? { mergedInto: String(d.mergedInto) } : {}),
    mergedFrom: (d.mergedFrom ?? []).map(String),
    extraConversationIds: (d.extraConversationIds ?? []).map(String),
    ...(csat?.score && csat.at
      ? {
          csat: {
            score: csat.score,
            ...(csat.comment ? { comment: csat.comment } : {}),
            at: csat.at.toISOString(),
          },
        }
      : {}),
    csatRequested: Boolean(csat?.requested),
    rev: d.rev ?? 0,
    ...(d.slackThread?.channel && d.slackThread.ts
      ? { slackThread: { channel: d.slackThread.channel, ts: d.slackThread.ts } }
      : {}),
    ...(d.openedByMessageId ? { openedByMessageId: String(d.openedByMessageId) } : {}),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export interface LeanConversation {
  _id: Id;
  customerId: Id;
  channel: string;
  status: string;
  language?: string | null;
  channelRef?: Record<string, string> | null;
  botState?: {
    lowConfidenceStreak?: number | null;
    awaitingFeedbackOn?: Types.ObjectId | string | null;
  } | null;
}

export function toConversationView(d: LeanConversation): ConversationView {
  return {
    id: String(d._id),
    customerId: String(d.customerId),
    channel: d.channel as Channel,
    status: d.status as 'open' | 'resolved',
    ...(d.language ? { language: d.language as Language } : {}),
    ...(d.channelRef ? { channelRef: d.channelRef } : {}),
    botState: {
      lowConfidenceStreak: d.botState?.lowConfidenceStreak ?? 0,
      ...(d.botState?.awaitingFeedbackOn
        ? { awaitingFeedbackOn: String(d.botState.awaitingFeedbackOn) }
        : {}),
    },
  };
}
