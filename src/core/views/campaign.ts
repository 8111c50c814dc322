import { type Static, Type } from '@sinclair/typebox';
import { CHANNELS } from './channel.js';
import { LANGUAGES } from './classification.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

/**
 * draft → scheduled → sending → done; scheduled and sending may be paused (and resumed) or
 * cancelled; a draft may be cancelled too.
 */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled'] as const;
export const CampaignStatusSchema = literalUnion(CAMPAIGN_STATUSES);
export type CampaignStatus = Static<typeof CampaignStatusSchema>;

const ObjectIdString = Type.String({ pattern: '^[0-9a-fA-F]{24}$' });

/** Who, besides being in a target segment: every condition given must hold. */
export const AudienceFilterSchema = Type.Object(
  {
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        maxItems: 50,
        description: 'has any of these tags',
      }),
    ),
    languages: Type.Optional(Type.Array(literalUnion(LANGUAGES), { maxItems: 3 })),
    channels: Type.Optional(
      Type.Array(literalUnion(CHANNELS), { maxItems: 10, description: 'wrote from any of these' }),
    ),
    minOrders: Type.Optional(Type.Integer({ minimum: 0 })),
    minSpent: Type.Optional(Type.Number({ minimum: 0 })),
    orderedWithinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500 })),
    notOrderedWithinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500 })),
  },
  { additionalProperties: false, title: 'AudienceFilter' },
);
export type AudienceFilter = Static<typeof AudienceFilterSchema>;

export const CampaignTargetSchema = Type.Object(
  {
    segmentIds: Type.Optional(Type.Array(ObjectIdString, { maxItems: 50, uniqueItems: true })),
    filter: Type.Optional(AudienceFilterSchema),
  },
  {
    additionalProperties: false,
    title: 'CampaignTarget',
    description:
      'Segments and/or a filter (both: members of the segments who match the filter; a filter alone: everyone matching it). Only customers with marketing consent, not unsubscribed, with an email, are ever sent to.',
  },
);
export type CampaignTarget = Static<typeof CampaignTargetSchema>;

export const CampaignStatsSchema = Type.Object(
  {
    recipients: Type.Integer({ description: 'deliveries created (one per customer)' }),
    queued: Type.Integer({ description: 'waiting to be sent, or waiting to retry' }),
    sending: Type.Integer(),
    sent: Type.Integer({ description: 'accepted by the SMTP server' }),
    failed: Type.Integer({ description: 'refused for good (5xx) or out of retries' }),
    unknown: Type.Integer({
      description:
        'interrupted between handing the email to the SMTP server and recording the answer; never resent',
    }),
    skipped: Type.Integer({ description: 'unsubscribed or withdrew consent before their turn' }),
    cancelled: Type.Integer(),
    unsubscribed: Type.Integer({ description: 'recipients who unsubscribed from this campaign' }),
  },
  { title: 'CampaignStats' },
);
export type CampaignStats = Static<typeof CampaignStatsSchema>;

export const EMPTY_STATS: CampaignStats = {
  recipients: 0,
  queued: 0,
  sending: 0,
  sent: 0,
  failed: 0,
  unknown: 0,
  skipped: 0,
  cancelled: 0,
  unsubscribed: 0,
};

const CampaignContent = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  subject: Type.String({ minLength: 1, maxLength: 300, description: 'a template (text)' }),
  text: Type.String({
    minLength: 1,
    maxLength: 100_000,
    description:
      'the plain-text part, a Handlebars template: {{firstName}}, {{name}}, {{email}}, {{unsubscribeUrl}}, {{campaign.name}}',
  }),
  html: Type.Optional(
    Type.String({
      maxLength: 500_000,
      description: 'the HTML part, a Handlebars template; {{…}} is HTML-escaped',
    }),
  ),
  target: CampaignTargetSchema,
};

export const CampaignInputSchema = Type.Object(CampaignContent, {
  additionalProperties: false,
  title: 'CampaignInput',
});
export type CampaignInput = Static<typeof CampaignInputSchema>;
export const CampaignPatchSchema = Type.Partial(CampaignInputSchema, { additionalProperties: false });
export type CampaignPatch = Static<typeof CampaignPatchSchema>;

export const CampaignSchema = Type.Object(
  {
    id: Type.String(),
    ...CampaignContent,
    status: CampaignStatusSchema,
    scheduledAt: Type.Optional(IsoTime),
    startedAt: Type.Optional(IsoTime),
    finishedAt: Type.Optional(IsoTime),
    lastError: Type.Optional(Type.String()),
    createdBy: Type.String(),
    stats: CampaignStatsSchema,
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { title: 'Campaign' },
);
export type CampaignView = Static<typeof CampaignSchema>;

export const CAMPAIGN_DELIVERY_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'unknown',
  'skipped',
  'cancelled',
] as const;
export const CampaignDeliveryStatusSchema = literalUnion(CAMPAIGN_DELIVERY_STATUSES);
export type CampaignDeliveryStatus = Static<typeof CampaignDeliveryStatusSchema>;

export const CampaignDeliverySchema = Type.Object(
  {
    id: Type.String(),
    campaignId: Type.String(),
    customerId: Type.String(),
    email: Type.String(),
    status: CampaignDeliveryStatusSchema,
    attempts: Type.Integer(),
    error: Type.Optional(Type.String()),
    sentAt: Type.Optional(IsoTime),
    unsubscribedAt: Type.Optional(IsoTime),
  },
  { title: 'CampaignDelivery' },
);
export type CampaignDeliveryView = Static<typeof CampaignDeliverySchema>;

export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained', 'manual'] as const;
export const SuppressionSchema = Type.Object(
  {
    email: Type.String(),
    reason: literalUnion(SUPPRESSION_REASONS),
    source: Type.Optional(Type.String()),
    at: IsoTime,
  },
  { title: 'Suppression' },
);
export type SuppressionView = Static<typeof SuppressionSchema>;
export type SuppressionReason = SuppressionView['reason'];

export const EmailPreviewSchema = Type.Object(
  {
    to: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    html: Type.Optional(Type.String()),
    sample: Type.Boolean({ description: 'rendered for a made-up customer (no recipient matched)' }),
    recipients: Type.Integer({ description: 'customers the campaign would reach now' }),
  },
  { title: 'EmailPreview' },
);
export type EmailPreview = Static<typeof EmailPreviewSchema>;
