import { type Static, Type } from '@sinclair/typebox';
import { IsoTime, literalUnion } from './schema-helpers.js';

/** discovered → in progress → resolved, or dropped; resolved and dropped may be reopened. */
export const NEED_STATUSES = ['discovered', 'in_progress', 'resolved', 'dropped'] as const;
export const NeedStatusSchema = literalUnion(NEED_STATUSES);
export type NeedStatus = Static<typeof NeedStatusSchema>;

export const NEED_PRIORITIES = ['low', 'normal', 'high'] as const;
export const NeedPrioritySchema = literalUnion(NEED_PRIORITIES);
export type NeedPriority = Static<typeof NeedPrioritySchema>;

export const NeedStepSchema = Type.Object({
  status: NeedStatusSchema,
  at: IsoTime,
  by: Type.String({ description: 'staff id, integration:<token id> or system' }),
  note: Type.Optional(Type.String()),
});
export type NeedStep = Static<typeof NeedStepSchema>;

export const NeedSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    title: Type.String(),
    description: Type.Optional(Type.String()),
    status: NeedStatusSchema,
    priority: NeedPrioritySchema,
    ownerId: Type.Optional(Type.String({ description: 'the staff member following it up' })),
    ticketId: Type.Optional(Type.String({ description: 'the ticket it came up in' })),
    history: Type.Array(NeedStepSchema),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { title: 'Need' },
);
export type NeedView = Static<typeof NeedSchema>;

const Id = Type.String({ pattern: '^[0-9a-fA-F]{24}$' });

export const NeedInputSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    priority: Type.Optional(NeedPrioritySchema),
    ownerId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type NeedInput = Static<typeof NeedInputSchema>;

export const NeedPatchSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    priority: Type.Optional(NeedPrioritySchema),
    ownerId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type NeedPatch = Static<typeof NeedPatchSchema>;

export const NeedTransitionSchema = Type.Object(
  { status: NeedStatusSchema, note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export type NeedTransition = Static<typeof NeedTransitionSchema>;
