import type { Connection } from 'mongoose';
import { agentSchema } from './models/agent.js';
import { apiTokenSchema } from './models/api-token.js';
import { auditLogSchema } from './models/audit-log.js';
import {
  campaignSchema,
  deliveryResultSchema,
  deliveryRetrySchema,
  deliverySchema,
  suppressionSchema,
} from './models/campaign.js';
import { cannedResponseSchema } from './models/canned-response.js';
import { conversationSchema } from './models/conversation.js';
import { counterSchema } from './models/counter.js';
import { customerSchema } from './models/customer.js';
import { customerMergeSchema } from './models/customer-merge.js';
import { dailyStatSchema } from './models/daily-stat.js';
import { faqArticleSchema } from './models/faq-article.js';
import { identitySchema } from './models/identity.js';
import { intentCorrectionSchema } from './models/intent-correction.js';
import { interactionSchema } from './models/interaction.js';
import { messageSchema } from './models/message.js';
import { modelVersionSchema, settingSchema } from './models/model-version.js';
import { needSchema } from './models/need.js';
import { orderSchema } from './models/order.js';
import {
  segmentationRunSchema,
  segmentMemberSchema,
  segmentProjectionSchema,
  segmentSchema,
} from './models/segment.js';
import { ticketSchema } from './models/ticket.js';
import { webhookDeliverySchema, webhookEventSchema, webhookSchema } from './models/webhook.js';

/** Registers every model on one connection; each test database gets its own set. */
export function createModels(conn: Connection) {
  return {
    Customer: conn.model('Customer', customerSchema, 'customers'),
    Identity: conn.model('Identity', identitySchema, 'identities'),
    Conversation: conn.model('Conversation', conversationSchema, 'conversations'),
    Message: conn.model('Message', messageSchema, 'messages'),
    Ticket: conn.model('Ticket', ticketSchema, 'tickets'),
    Agent: conn.model('Agent', agentSchema, 'agents'),
    Interaction: conn.model('Interaction', interactionSchema, 'interactions'),
    Need: conn.model('Need', needSchema, 'needs'),
    Order: conn.model('Order', orderSchema, 'orders'),
    FaqArticle: conn.model('FaqArticle', faqArticleSchema, 'faq_articles'),
    Segment: conn.model('Segment', segmentSchema, 'segments'),
    SegmentationRun: conn.model('SegmentationRun', segmentationRunSchema, 'segmentation_runs'),
    SegmentProjection: conn.model('SegmentProjection', segmentProjectionSchema, 'segment_projections'),
    SegmentMember: conn.model('SegmentMember', segmentMemberSchema, 'segment_members'),
    Campaign: conn.model('Campaign', campaignSchema, 'campaigns'),
    Delivery: conn.model('Delivery', deliverySchema, 'deliveries'),
    DeliveryRetry: conn.model('DeliveryRetry', deliveryRetrySchema, 'delivery_retries'),
    DeliveryResult: conn.model('DeliveryResult', deliveryResultSchema, 'delivery_results'),
    Suppression: conn.model('Suppression', suppressionSchema, 'suppressions'),
    AuditLog: conn.model('AuditLog', auditLogSchema, 'audit_logs'),
    Counter: conn.model('Counter', counterSchema, 'counters'),
    IntentCorrection: conn.model('IntentCorrection', intentCorrectionSchema, 'intent_corrections'),
    ModelVersion: conn.model('ModelVersion', modelVersionSchema, 'model_versions'),
    Setting: conn.model('Setting', settingSchema, 'settings'),
    CustomerMerge: conn.model('CustomerMerge', customerMergeSchema, 'customer_merges'),
    ApiToken: conn.model('ApiToken', apiTokenSchema, 'api_tokens'),
    Webhook: conn.model('Webhook', webhookSchema, 'webhooks'),
    WebhookEvent: conn.model('WebhookEvent', webhookEventSchema, 'webhook_events'),
    WebhookDelivery: conn.model('WebhookDelivery', webhookDeliverySchema, 'webhook_deliveries'),
    CannedResponse: conn.model('CannedResponse', cannedResponseSchema, 'canned_responses'),
    DailyStat: conn.model('DailyStat', dailyStatSchema, 'daily_stats'),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Builds every index before traffic, so uniqueness (idempotency) holds from the first message. */
export async function syncIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) {
    // Every collection exists before traffic, also those with no index but _id (counters, daily
    // stats): FerretDB v1 creating a collection under load can stall every pooled connection
    // (its metadata lock), so the first ticket of the day must not be what creates one.
    await model.createCollection().catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== 48) throw err; // NamespaceExists
    });
    await model.createIndexes();
  }
}
