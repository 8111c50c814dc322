import { createHash, randomBytes } from 'node:crypto';
import { ADMINS, auditActor, auditDetails, authorize, type Caller } from '../crm/access.js';
import { notFound } from '../errors.js';
import type { AuditLog } from '../ports/audit-log.js';
import { DeliveryError } from '../ports/channel-adapter.js';
import type { StoredWebhook, WebhookJobs, WebhookStore } from '../ports/crm.js';
import type { DomainLogger } from '../ports/logger.js';
import type {
  WebhookDeliveryView,
  WebhookEventType,
  WebhookInput,
  WebhookPatch,
  WebhookView,
} from '../views/integration.js';

/** Sends one signed call (src/infra/signed-webhook.ts); throws DeliveryError when it did not go through. */
export interface WebhookSender {
  post(url: string, secret: string, eventId: string, payload: unknown): Promise<{ status: number }>;
}

export interface WebhookDeps {
  webhooks: WebhookStore;
  jobs: WebhookJobs;
  audit: AuditLog;
  sender: WebhookSender;
  log: DomainLogger;
  now?: () => Date;
}

/** One thing that happened, for integrations. `key` identifies it: the same key is the same event. */
export interface OutgoingEvent {
  type: WebhookEventType;
  key: string;
  customerId?: string;
  data: unknown;
}

export type EmitWebhook = (event: OutgoingEvent) => Promise<void>;

const MANAGE = { roles: ADMINS, scope: 'webhooks:manage' } as const;

/** The event's id, the same in every process that sees the same change (BullMQ ids allow no ':'). */
export const webhookEventId = (type: WebhookEventType, key: string): string =>
  `${type}-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/** A webhook's subscriptions change rarely; each process reads them at most this often per event type. */
const SUBSCRIPTIONS_TTL_MS = 2000;

/**
 * Queues an event for every active webhook that wants it: the event is stored once (id from its
 * key), one delivery record per webhook (unique), one job per delivery (id from the record), so
 * several processes announcing the same change queue it once. Nothing is stored without a
 * subscriber.
 */
export function webhookEmitter(deps: Pick<WebhookDeps, 'webhooks' | 'jobs' | 'log' | 'now'>): {
  emit: EmitWebhook;
  invalidate(): void;
} {
  const cache = new Map<WebhookEventType, { at: number; hooks: StoredWebhook[] }>();
  const subscribers = async (type: WebhookEventType) => {
    const cached = cache.get(type);
    if (cached && Date.now() - cached.at < SUBSCRIPTIONS_TTL_MS) return cached.hooks;
    const hooks = await deps.webhooks.activeFor(type);
    cache.set(type, { at: Date.now(), hooks });
    return hooks;
  };
  return {
    invalidate: () => cache.clear(),
    async emit(event) {
      const hooks = await subscribers(event.type);
      if (hooks.length === 0) return;
      const id = webhookEventId(event.type, event.key);
      await deps.webhooks.saveEvent({
        id,
        type: event.type,
        customerId: event.customerId,
        data: event.data,
        createdAt: (deps.now?.() ?? new Date()).toISOString(),
      });
      for (const hook of hooks) {
        const deliveryId = await deps.webhooks.ensureDelivery({
          eventId: id,
          eventType: event.type,
          webhookId: hook.id,
        });
        await deps.jobs.enqueue(deliveryId);
      }
    },
  };
}

export async function createWebhook(
  deps: Pick<WebhookDeps, 'webhooks' | 'audit'>,
  caller: Caller,
  input: WebhookInput,
): Promise<{ webhook: WebhookView; secret: string }> {
  authorize(caller, MANAGE, 'managing webhooks');
  const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  const webhook = await deps.webhooks.create({
    url: input.url,
    events: input.events,
    description: input.description,
    secret,
    createdBy: caller.kind === 'staff' ? caller.id : `integration:${caller.id}`,
  });
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'webhook.create',
    target: { kind: 'webhook', id: webhook.id },
    details: auditDetails(caller, { events: input.events }),
  });
  return { webhook, secret };
}

export async function listWebhooks(
  deps: Pick<WebhookDeps, 'webhooks'>,
  caller: Caller,
): Promise<WebhookView[]> {
  authorize(caller, MANAGE, 'managing webhooks');
  return deps.webhooks.list();
}

export async function updateWebhook(
  deps: Pick<WebhookDeps, 'webhooks' | 'audit'>,
  caller: Caller,
  id: string,
  patch: WebhookPatch,
): Promise<WebhookView> {
  authorize(caller, MANAGE, 'managing webhooks');
  const webhook = await deps.webhooks.update(id, patch);
  if (!webhook) throw notFound('webhook');
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'webhook.update',
    target: { kind: 'webhook', id },
    details: auditDetails(caller, { fields: Object.keys(patch) }),
  });
  return webhook;
}

export async function removeWebhook(
  deps: Pick<WebhookDeps, 'webhooks' | 'audit'>,
  caller: Caller,
  id: string,
): Promise<void> {
  authorize(caller, MANAGE, 'managing webhooks');
  if (!(await deps.webhooks.remove(id))) throw notFound('webhook');
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'webhook.delete',
    target: { kind: 'webhook', id },
    details: auditDetails(caller),
  });
}

/** The delivery log: every event sent to a webhook, with each attempt's answer. */
export async function listDeliveries(
  deps: Pick<WebhookDeps, 'webhooks'>,
  caller: Caller,
  id: string,
  limit: number,
): Promise<WebhookDeliveryView[]> {
  authorize(caller, MANAGE, 'reading the webhook delivery log');
  if (!(await deps.webhooks.get(id))) throw notFound('webhook');
  return deps.webhooks.deliveries(id, limit);
}

export type DeliverOutcome =
  | { kind: 'done'; status: 'delivered' | 'failed' | 'skipped' }
  | { kind: 'wait'; ms: number };

/**
 * The webhooks job: one signed POST of one event to one webhook. A 2xx is delivered; 429 waits
 * its Retry-After; another 4xx, or the last attempt, is failed for good; anything else is thrown
 * for the queue to retry with backoff. Every attempt goes to the delivery log. Safe to re-run: a
 * delivery already delivered or failed is not sent again.
 */
export async function deliverWebhook(
  deps: Pick<WebhookDeps, 'webhooks' | 'sender' | 'log' | 'now'>,
  deliveryId: string,
  opts: { lastAttempt: boolean },
): Promise<DeliverOutcome> {
  const delivery = await deps.webhooks.getDelivery(deliveryId);
  if (delivery?.status !== 'pending') return { kind: 'done', status: 'skipped' };
  const now = () => deps.now?.() ?? new Date();
  const webhook = await deps.webhooks.get(delivery.webhookId);
  const event = await deps.webhooks.getEvent(delivery.eventId);
  if (!webhook?.active || !event) {
    await deps.webhooks.recordAttempt(deliveryId, {
      at: now(),
      ms: 0,
      error: !event ? 'the event is gone' : 'the webhook was removed or paused',
      outcome: 'failed',
    });
    return { kind: 'done', status: 'failed' };
  }
  const started = performance.now();
  try {
    const { status } = await deps.sender.post(webhook.url, webhook.secret, event.id, {
      id: event.id,
      type: event.type,
      createdAt: event.createdAt,
      data: event.data,
    });
    await deps.webhooks.recordAttempt(deliveryId, {
      at: now(),
      ms: performance.now() - started,
      statusCode: status,
      outcome: 'delivered',
    });
    return { kind: 'done', status: 'delivered' };
  } catch (err) {
    const ms = performance.now() - started;
    const message = err instanceof Error ? err.message : String(err);
    const statusCode = /answered (\d{3})/.exec(message)?.[1];
    const base = {
      at: now(),
      ms,
      error: message.slice(0, 500),
      ...(statusCode ? { statusCode: Number(statusCode) } : {}),
    };
    if (err instanceof DeliveryError && err.options.retryAfterMs !== undefined) {
      await deps.webhooks.recordAttempt(deliveryId, { ...base, outcome: 'retrying' });
      return { kind: 'wait', ms: err.options.retryAfterMs };
    }
    const final = opts.lastAttempt || (err instanceof DeliveryError && err.options.permanent === true);
    await deps.webhooks.recordAttempt(deliveryId, { ...base, outcome: final ? 'failed' : 'retrying' });
    if (final) {
      deps.log.warn(
        { deliveryId, webhookId: webhook.id, error: message },
        'webhook delivery failed for good',
      );
      return { kind: 'done', status: 'failed' };
    }
    throw err;
  }
}
