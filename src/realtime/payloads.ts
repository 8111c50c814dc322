import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { invalid } from '../core/errors.js';
import { ClientMessageId, MessageText, ObjectIdString } from '../http/schemas/common.js';

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
export const AgentReply = Type.Object(
  { ticketId: ObjectIdString, clientMessageId: ClientMessageId, text: MessageText },
  { additionalProperties: false },
);

const compiled = new Map<unknown, ReturnType<typeof TypeCompiler.Compile>>();

export function parsePayload<
  S extends typeof WidgetSend | typeof WidgetHistory | typeof AgentReply | typeof WidgetIdentify,
>(schema: S, value: unknown): Static<S> {
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
