import type { Channel } from '../views/channel.js';
import type { Language } from '../views/classification.js';
import type {
  Attributes,
  CustomerMergeView,
  CustomerSort,
  CustomerView,
  IdentityKind,
  IdentityView,
  MarketingConsent,
  MergeStep,
} from '../views/customer.js';
import type {
  ApiTokenView,
  Scope,
  WebhookDeliveryView,
  WebhookEventType,
  WebhookView,
} from '../views/integration.js';
import type { InteractionKind, InteractionView } from '../views/interaction.js';
import type { NeedPriority, NeedStatus, NeedView } from '../views/need.js';
import type { OrderStatus, OrderView } from '../views/order.js';

/**
 * Storage the CRM needs (MongoDB implementations in src/db/repositories/crm-*.ts). As everywhere,
 * each write is single-document atomic or guarded by a unique index; what spans documents (a
 * merge, an erasure) is a sequence of idempotent steps recorded first, so it can be resumed.
 */

export interface CustomerFilter {
  /** Normalised search terms; every one must start a word of the customer's name, email, phone or identities. */
  terms?: string[];
  tag?: string;
  channel?: IdentityKind;
  segmentId?: string;
  language?: Language;
  marketingConsent?: boolean;
}

/** Where the previous page ended, in the sort's own terms. */
export interface CustomerCursor {
  value: string | number;
  id: string;
}

export interface NewCustomer {
  name?: string;
  email?: string;
  phone?: string;
  language?: Language;
  tags: string[];
  attributes: Attributes;
  at: Date;
}

export interface CustomerUpdate {
  set: { name?: string; email?: string; phone?: string; language?: Language; tags?: string[] };
  unset: ('name' | 'email' | 'phone')[];
  addTags: string[];
  removeTags: string[];
  setAttributes: Record<string, string | number | boolean>;
  unsetAttributes: string[];
}

export type AttachOutcome = { attached: true } | { attached: false; ownerId: string };

export interface CustomerDirectory {
  create(input: NewCustomer): Promise<CustomerView>;
  /** Any customer, merged and erased ones included (the caller decides what they answer). */
  get(id: string): Promise<CustomerView | null>;
  /** Applies an update to a live customer (not merged or erased); null when there is none. */
  update(id: string, update: CustomerUpdate): Promise<CustomerView | null>;
  /** One page plus one (to know whether there is a next), live customers only. */
  list(
    filter: CustomerFilter,
    sort: CustomerSort,
    limit: number,
    after?: CustomerCursor,
  ): Promise<CustomerView[]>;
  findByIdentity(kind: IdentityKind, externalId: string): Promise<string | null>;
  /**
   * Attaches an identity to a customer (a unique index keeps one owner per identity); says who
   * owns it when it is another customer's. Safe to repeat.
   */
  attachIdentity(
    customerId: string,
    identity: { kind: IdentityKind; externalId: string; displayName?: string; verified: boolean },
  ): Promise<AttachOutcome>;
  /** Rebuilds the copies kept on the customer (identities, channels, search keys) from the sources. */
  refreshDerived(customerId: string): Promise<void>;
  setConsent(id: string, consent: MarketingConsent, unsubscribedAt?: Date): Promise<CustomerView | null>;
  /** Fills a verified user's name and email when the customer has none yet. */
  fillProfile(id: string, profile: { name?: string; email?: string }): Promise<void>;
}

export interface MergeStore {
  /**
   * Records a merge of the pair (unique on the unordered pair): `created: false` returns the
   * merge that exists for the pair already, whichever direction it goes.
   */
  record(input: {
    sourceId: string;
    targetId: string;
    by: string;
    at: Date;
  }): Promise<{ merge: CustomerMergeView; created: boolean }>;
  get(id: string): Promise<CustomerMergeView | null>;
  /** Merges a customer took part in, either side. */
  listFor(customerId: string): Promise<CustomerMergeView[]>;
  /** Claims a customer for one merge; false when another merge holds it or it is merged away already. */
  claim(customerId: string, mergeId: string): Promise<boolean>;
  release(customerId: string, mergeId: string): Promise<void>;
  /** Points the source at the target (once); other reads follow the pointer from then on. */
  markMerged(sourceId: string, targetId: string, at: Date): Promise<void>;
  /** Moves everything of one kind from source to target; returns how many moved. Idempotent. */
  move(step: Exclude<MergeStep, 'profile'>, sourceId: string, targetId: string): Promise<number>;
  /** The target takes what the source knew that it did not; the source keeps no personal data. */
  absorbProfile(sourceId: string, targetId: string): Promise<void>;
  stepDone(mergeId: string, step: MergeStep, moved: number): Promise<void>;
  finish(mergeId: string, at: Date): Promise<CustomerMergeView | null>;
}

export interface NewInteraction {
  customerId: string;
  kind: InteractionKind;
  direction?: 'in' | 'out';
  summary: string;
  occurredAt: Date;
  durationMinutes?: number;
  agentId?: string;
  ticketId?: string;
}

export interface InteractionStore {
  create(input: NewInteraction): Promise<InteractionView>;
  listForCustomer(customerId: string, opts: { before?: Date; limit: number }): Promise<InteractionView[]>;
}

export interface NeedStore {
  create(input: {
    customerId: string;
    title: string;
    description?: string;
    priority: NeedPriority;
    ownerId?: string;
    ticketId?: string;
    by: string;
    at: Date;
  }): Promise<NeedView>;
  get(id: string): Promise<NeedView | null>;
  list(filter: {
    customerId?: string;
    status?: NeedStatus;
    ownerId?: string;
    limit: number;
  }): Promise<NeedView[]>;
  update(
    id: string,
    patch: { title?: string; description?: string; priority?: NeedPriority; ownerId?: string | null },
  ): Promise<NeedView | null>;
  /** Moves the need only if it is still in `from` (compare-and-set); null when it changed meanwhile. */
  transition(
    id: string,
    from: NeedStatus,
    to: NeedStatus,
    step: { by: string; at: Date; note?: string },
  ): Promise<NeedView | null>;
}

/** An order change as the shop reported it, already checked by the rules. */
export interface OrderUpsert {
  externalId: string;
  number: string;
  customerId: string;
  currency: string;
  total: number;
  items?: { sku?: string; name: string; quantity: number; unitPrice: number }[];
  placedAt: Date;
  carrier?: string;
  trackingNumber?: string;
  status: OrderStatus;
  statusAt: Date;
  note?: string;
}

export interface OrderBook {
  getByExternalId(externalId: string): Promise<OrderView | null>;
  get(id: string): Promise<OrderView | null>;
  /**
   * Creates the order once (unique on the shop's id); `created: false` when it existed (nothing
   * written then: the caller moves it with `advance`).
   */
  createOnce(input: OrderUpsert): Promise<{ order: OrderView; created: boolean }>;
  /**
   * Moves an order to `to` only if it is still in one of `from` (compare-and-set), with the
   * step's time in its history; other fields reported with it are updated too.
   */
  advance(
    id: string,
    from: readonly OrderStatus[],
    to: OrderStatus,
    step: { at: Date; note?: string },
    fields: { carrier?: string; trackingNumber?: string; total?: number },
  ): Promise<OrderView | null>;
  /** Updates fields that carry no status change (tracking number…); null when nothing changed. */
  touch(id: string, fields: { carrier?: string; trackingNumber?: string }): Promise<OrderView | null>;
  list(filter: {
    customerId?: string;
    status?: OrderStatus;
    limit: number;
    before?: Date;
  }): Promise<OrderView[]>;
  /** Counts kept on the customer (orders, spend), from the order's own change. */
  recordOnCustomer(
    customerId: string,
    change: { newOrder?: { total: number; placedAt: Date }; spentDelta?: number },
  ): Promise<void>;
}

/** Everything kept about one customer, for an export (plain JSON-able records). */
export interface CustomerDossier {
  customer: Record<string, unknown>;
  identities: Record<string, unknown>[];
  conversations: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  tickets: Record<string, unknown>[];
  orders: Record<string, unknown>[];
  needs: Record<string, unknown>[];
  interactions: Record<string, unknown>[];
  merges: Record<string, unknown>[];
  campaignDeliveries: Record<string, unknown>[];
  auditTrail: Record<string, unknown>[];
}

export interface PrivacyStore {
  dossier(customerId: string): Promise<CustomerDossier>;
  /** Marks the customer erased (first, so it is hidden at once); false when it was already. */
  markErased(customerId: string, at: Date): Promise<boolean>;
  /** Removes personal data, one collection at a time; each step is safe to repeat. */
  eraseStep(
    step:
      | 'identities'
      | 'messages'
      | 'conversations'
      | 'tickets'
      | 'orders'
      | 'needs'
      | 'interactions'
      | 'webhooks'
      | 'profile',
    customerId: string,
  ): Promise<number>;
}

export interface StoredApiToken extends ApiTokenView {
  hash: string;
}

export interface ApiTokenStore {
  create(input: {
    name: string;
    prefix: string;
    hash: string;
    scopes: Scope[];
    createdBy: string;
    expiresAt?: Date;
  }): Promise<ApiTokenView>;
  findByHash(hash: string): Promise<StoredApiToken | null>;
  list(): Promise<ApiTokenView[]>;
  revoke(id: string, at: Date): Promise<ApiTokenView | null>;
  /** Notes a use, at most once a minute per token (cheap when nothing changed). */
  touch(id: string, at: Date): Promise<void>;
}

export interface StoredWebhook extends WebhookView {
  secret: string;
}

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** The customer the event is about, so an erasure can scrub it. */
  customerId?: string;
  data: unknown;
  createdAt: string;
}

export interface WebhookStore {
  create(input: {
    url: string;
    events: WebhookEventType[];
    description?: string;
    secret: string;
    createdBy: string;
  }): Promise<WebhookView>;
  list(): Promise<WebhookView[]>;
  get(id: string): Promise<StoredWebhook | null>;
  update(
    id: string,
    patch: { url?: string; events?: WebhookEventType[]; description?: string; active?: boolean },
  ): Promise<WebhookView | null>;
  remove(id: string): Promise<boolean>;
  activeFor(type: WebhookEventType): Promise<StoredWebhook[]>;
  /** Stores the event once (its id is deterministic); a second call is a no-op. */
  saveEvent(event: WebhookEvent): Promise<void>;
  getEvent(id: string): Promise<WebhookEvent | null>;
  /** One delivery per (event, webhook), unique; returns its id either way. */
  ensureDelivery(input: { eventId: string; eventType: WebhookEventType; webhookId: string }): Promise<string>;
  getDelivery(id: string): Promise<WebhookDeliveryView | null>;
  recordAttempt(
    id: string,
    attempt: {
      at: Date;
      ms: number;
      statusCode?: number;
      error?: string;
      outcome: 'delivered' | 'retrying' | 'failed';
    },
  ): Promise<void>;
  deliveries(webhookId: string, limit: number): Promise<WebhookDeliveryView[]>;
}

/** Background work the CRM asks for (BullMQ producers in src/infra/queues.ts). */
export interface WebhookJobs {
  /** Queues one delivery; the job id comes from the delivery id, so queueing twice is harmless. */
  enqueue(deliveryId: string): Promise<void>;
}

/** What analytics read: counts done by the database, the rest in code over small results. */
export interface AnalyticsStore {
  customersTotal(): Promise<number>;
  customersByChannel(): Promise<{ channel: string; customers: number }[]>;
  customersBySegment(): Promise<{ segmentId: string | null; name: string; customers: number }[]>;
  ticketsByDay(fromDay: string, toDay: string): Promise<{ day: string; kind: string; n: number }[]>;
  complaintIntents(fromDay: string, toDay: string): Promise<{ intent: string; n: number }[]>;
  complaintTags(fromDay: string, toDay: string): Promise<{ tag: string; n: number }[]>;
  /** The customer's orders for value: totals, currencies, statuses and times only. */
  orderFigures(
    customerId: string,
  ): Promise<{ total: number; currency: string; status: OrderStatus; placedAt: Date }[]>;
  /** Distinct buyers with an order placed in [from, to), cancelled and refunded ones left out. */
  buyersBetween(from: Date, to: Date): Promise<Set<string>>;
}

/** The read side a timeline needs beyond the stores above. */
export interface TimelineStore {
  messages(
    customerId: string,
    before: Date | undefined,
    limit: number,
  ): Promise<
    { id: string; at: Date; text: string; direction: 'in' | 'out'; channel: Channel; author: string }[]
  >;
  tickets(
    customerId: string,
    before: Date | undefined,
    limit: number,
  ): Promise<
    {
      id: string;
      at: Date;
      number: number;
      kind: string;
      status: string;
      subject?: string;
      channel: Channel;
    }[]
  >;
  counts(
    customerId: string,
  ): Promise<{ messages: number; interactions: number; tickets: number; orders: number; needs: number }>;
}

/** Small named values (the `settings` collection). */
export interface SettingsStore {
  get(key: string): Promise<string | null>;
  /** Sets it only if it does not exist (unique); false when it did. */
  insertOnce(key: string, value: string): Promise<boolean>;
  set(key: string, value: string): Promise<void>;
}

export interface CrmStores {
  customers: CustomerDirectory;
  merges: MergeStore;
  interactions: InteractionStore;
  needs: NeedStore;
  orders: OrderBook;
  privacy: PrivacyStore;
  tokens: ApiTokenStore;
  webhooks: WebhookStore;
  analytics: AnalyticsStore;
  timeline: TimelineStore;
  settings: SettingsStore;
}

export type { IdentityView };
