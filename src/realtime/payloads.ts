import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { invalid } from '../core/errors.js';
import { MAX_CSAT_COMMENT } from '../core/tickets/csat.js';
import { AGENT_STATUSES } from '../core/views/staff.js';
import { MAX_TAGS, TICKET_KINDS, TICKET_PRIORITIES } from '../core/views/ticket.js';
import { ClientMessageId, MessageText, ObjectIdString } from '../http/schemas/common.js';

/**
 * A choice of strings the TypeBox compiler can check (the views' literalUnion is an Unsafe enum,
 * which only Ajv, the HTTP side, understands).
 */
const oneOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** Socket event payloads: validated with the same TypeBox schemas as HTTP bodies. */
export const WidgetSend = Type.Object(
  { clientMessageId: ClientMessageId, text: MessageText },
  { additionalProperties: false },
);
export const WidgetHistory = Type.Object(
  { after: Type.Optional(Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T' })) },
  { additionalProperties: false },
);
/** The site's signed token for this visitor (Parley.identify). */
export const WidgetIdentify = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);
export const WidgetTyping = Type.Object({ typing: Type.Boolean() }, { additionalProperties: false });
export const WidgetCsat = Type.Object(
  {
    ticketId: ObjectIdString,
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: MAX_CSAT_COMMENT })),
  },
  { additionalProperties: false },
);

export const AgentReply = Type.Object(
  { ticketId: ObjectIdString, clientMessageId: ClientMessageId, text: MessageText },
  { additionalProperties: false },
);
export const TicketRef = Type.Object({ ticketId: ObjectIdString }, { additionalProperties: false });
export const TicketAssign = Type.Object(
  { ticketId: ObjectIdString, agentId: Type.Union([ObjectIdString, Type.Null()]) },
  { additionalProperties: false },
);
export const TicketMerge = Type.Object(
  { ticketId: ObjectIdString, into: ObjectIdString },
  { additionalProperties: false },
);
export const TicketNoteAdd = Type.Object(
  { ticketId: ObjectIdString, text: Type.String({ minLength: 1, maxLength: 5000 }) },
  { additionalProperties: false },
);
export const TicketEditPayload = Type.Object(
  {
    ticketId: ObjectIdString,
    priority: Type.Optional(oneOf(TICKET_PRIORITIES)),
    kind: Type.Optional(oneOf(TICKET_KINDS)),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: MAX_TAGS })),
  },
  { additionalProperties: false },
);
export const AgentTyping = Type.Object(
  { ticketId: ObjectIdString, typing: Type.Boolean() },
  { additionalProperties: false },
);
export const StatusSet = Type.Object({ status: oneOf(AGENT_STATUSES) }, { additionalProperties: false });
export const NoPayload = Type.Object({}, { additionalProperties: false });

const compiled = new Map<unknown, ReturnType<typeof TypeCompiler.Compile>>();

export function parsePayload<S extends TSchema>(schema: S, value: unknown): Static<S> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  if (check.Check(value)) return value as Static<S>;
  const first = check.Errors(value).First();
  throw invalid(
    first
      ? `${first.path.replace(/^\//, '').replaceAll('/', '.') || 'payload'}: ${first.message}`
      : 'invalid payload',
  );
}
