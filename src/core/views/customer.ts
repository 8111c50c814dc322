import { type Static, Type } from '@sinclair/typebox';
import { CHANNELS } from './channel.js';
import { LanguageSchema } from './classification.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

/**
 * Kinds of identity one person can have: every channel a customer writes from, plus `site_user`,
 * a user of the company's own site verified by a signed token (the site's user id; the shop's
 * orders name the same id).
 */
export const IDENTITY_KINDS = [...CHANNELS, 'site_user'] as const;
export const IdentityKindSchema = literalUnion(IDENTITY_KINDS, {
  description: 'widget visitor, REST API user, Slack, Discord, email, or a verified site user',
});
export type IdentityKind = Static<typeof IdentityKindSchema>;

export const IdentitySchema = Type.Object(
  {
    kind: IdentityKindSchema,
    externalId: Type.String({ description: "the platform's id: visitor id, Slack user id, email address…" }),
    displayName: Type.Optional(Type.String()),
    /** Proven by the platform or a signed token, not just claimed. */
    verified: Type.Boolean(),
    lastSeenAt: Type.Optional(IsoTime),
  },
  { title: 'Identity' },
);
export type IdentityView = Static<typeof IdentitySchema>;

/** How a customer said yes or no to marketing, and when. */
export const MarketingConsentSchema = Type.Object(
  {
    granted: Type.Boolean(),
    at: IsoTime,
    source: Type.String({
      description: 'how it was given or withdrawn: signup form, phone call, unsubscribe link…',
    }),
  },
  { title: 'MarketingConsent' },
);
export type MarketingConsent = Static<typeof MarketingConsentSchema>;

/** A custom attribute's key: plain names only, so no key can be read as a query operator or a path. */
export const ATTRIBUTE_KEY_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,63}$';
/**
 * One JSON type list rather than a union: with the validator's type coercion a union would turn
 * 12 into "12"; a list keeps each value's own type.
 */
export const AttributeValueSchema = Type.Unsafe<string | number | boolean | null>({
  type: ['string', 'number', 'boolean', 'null'],
  maxLength: 1000,
});
export const AttributesSchema = Type.Record(
  Type.String({ pattern: ATTRIBUTE_KEY_PATTERN }),
  AttributeValueSchema,
  {
    maxProperties: 50,
    // A key outside the pattern (an operator such as $gt, a path such as a.b) is refused.
    additionalProperties: false,
    description:
      'free-form CRM fields: string (≤ 1000), number, boolean or null values; null removes one on update',
  },
);
export type Attributes = Static<typeof AttributesSchema>;

export const CUSTOMER_TAG_PATTERN = '^[\\p{L}\\p{N}][\\p{L}\\p{N} _:/-]{0,49}$';
export const TagSchema = Type.String({ minLength: 1, maxLength: 50, pattern: CUSTOMER_TAG_PATTERN });

export const CustomerStatsSchema = Type.Object({
  conversations: Type.Integer({ minimum: 0 }),
  tickets: Type.Integer({ minimum: 0 }),
  orders: Type.Integer({ minimum: 0 }),
  totalSpent: Type.Number(),
});

export const CustomerSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    phone: Type.Optional(Type.String()),
    language: Type.Optional(LanguageSchema),
    tags: Type.Array(Type.String()),
    attributes: Type.Record(Type.String(), AttributeValueSchema),
    identities: Type.Array(IdentitySchema),
    /** The channels of the customer's identities. */
    channels: Type.Array(IdentityKindSchema),
    marketingConsent: Type.Optional(MarketingConsentSchema),
    unsubscribedAt: Type.Optional(IsoTime),
    segmentId: Type.Optional(Type.String()),
    stats: CustomerStatsSchema,
    firstSeenAt: IsoTime,
    lastSeenAt: IsoTime,
    createdAt: IsoTime,
    updatedAt: IsoTime,
    /** Set on a record merged into another: every read of it answers with this pointer. */
    mergedInto: Type.Optional(Type.String()),
    /** Set once the customer's personal data was erased (figures kept, anonymised). */
    erasedAt: Type.Optional(IsoTime),
  },
  { title: 'Customer' },
);
export type CustomerView = Static<typeof CustomerSchema>;

const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Email = Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' });
const Phone = Type.String({ minLength: 3, maxLength: 40, pattern: '^\\+?[0-9 ()./-]{3,40}$' });

/** An identity staff or an integration attach by hand (verified ones come from the platforms). */
export const IdentityInputSchema = Type.Object(
  {
    kind: IdentityKindSchema,
    externalId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\s$][^\\s]*$' }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type IdentityInput = Static<typeof IdentityInputSchema>;

export const CustomerInputSchema = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    language: Type.Optional(LanguageSchema),
    tags: Type.Optional(Type.Array(TagSchema, { maxItems: 50, uniqueItems: true })),
    attributes: Type.Optional(AttributesSchema),
    identities: Type.Optional(Type.Array(IdentityInputSchema, { maxItems: 20 })),
  },
  { additionalProperties: false, title: 'CustomerInput' },
);
export type CustomerInput = Static<typeof CustomerInputSchema>;

/** A partial update: a field set to null is removed; attributes merge key by key (null removes one). */
export const CustomerPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.Union([Name, Type.Null()])),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    language: Type.Optional(LanguageSchema),
    tags: Type.Optional(Type.Array(TagSchema, { maxItems: 50, uniqueItems: true })),
    addTags: Type.Optional(Type.Array(TagSchema, { maxItems: 50, uniqueItems: true })),
    removeTags: Type.Optional(Type.Array(TagSchema, { maxItems: 50, uniqueItems: true })),
    attributes: Type.Optional(AttributesSchema),
  },
  { additionalProperties: false, minProperties: 1, title: 'CustomerPatch' },
);
export type CustomerPatch = Static<typeof CustomerPatchSchema>;

export const CONSENT_SOURCE = Type.String({ minLength: 1, maxLength: 100 });
export const ConsentInputSchema = Type.Object(
  { granted: Type.Boolean(), source: CONSENT_SOURCE },
  { additionalProperties: false },
);
export type ConsentInput = Static<typeof ConsentInputSchema>;

export const CUSTOMER_SORTS = [
  '-lastSeenAt',
  'lastSeenAt',
  '-createdAt',
  'createdAt',
  'name',
  '-name',
  '-totalSpent',
  'totalSpent',
] as const;
export const CustomerSortSchema = literalUnion(CUSTOMER_SORTS, {
  description: 'field to sort by, `-` for descending',
  default: '-lastSeenAt',
});
export type CustomerSort = Static<typeof CustomerSortSchema>;

export const CustomerListQuerySchema = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'words to find in name, email, phone or any identity (each word matches a word start)',
      }),
    ),
    tag: Type.Optional(TagSchema),
    channel: Type.Optional(IdentityKindSchema),
    segmentId: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{24}$' })),
    language: Type.Optional(LanguageSchema),
    marketingConsent: Type.Optional(
      Type.Boolean({ description: 'only customers who did (true) or did not (false) consent' }),
    ),
    sort: Type.Optional(CustomerSortSchema),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'nextCursor of the previous page',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CustomerListQuery = Static<typeof CustomerListQuerySchema>;

export const CustomerPageSchema = Type.Object({
  customers: Type.Array(CustomerSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'pass as `cursor` for the next page; null at the end',
  }),
});
export type CustomerPage = Static<typeof CustomerPageSchema>;

/** The record of one merge: recorded before anything moves, so a crash leaves it resumable. */
export const MERGE_STEPS = [
  'identities',
  'conversations',
  'messages',
  'tickets',
  'orders',
  'needs',
  'interactions',
  'profile',
] as const;
export type MergeStep = (typeof MERGE_STEPS)[number];

export const CustomerMergeSchema = Type.Object(
  {
    id: Type.String(),
    sourceId: Type.String({ description: 'the record merged away (it answers with a pointer afterwards)' }),
    targetId: Type.String({ description: 'the record that stays' }),
    status: literalUnion(['running', 'done'] as const),
    stepsDone: Type.Array(Type.String()),
    moved: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
      description: 'records moved, by kind',
    }),
    by: Type.String({ description: 'staff id, or integration:<token id>' }),
    startedAt: IsoTime,
    finishedAt: Type.Optional(IsoTime),
  },
  { title: 'CustomerMerge' },
);
export type CustomerMergeView = Static<typeof CustomerMergeSchema>;
