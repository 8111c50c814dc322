import { type Static, Type } from '@sinclair/typebox';
import { MAX_MESSAGE_LENGTH } from '../../core/ingest/inbound-message.js';

export { literalUnion } from '../../core/views/schema-helpers.js';

/** Every error answer, over HTTP and in socket acks: a machine-readable code and a sentence. */
export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'machine-readable code, e.g. validation_failed, not_found' }),
    message: Type.String({ description: 'what went wrong, fit to show' }),
  },
  { title: 'Error' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const ObjectIdString = Type.String({ pattern: '^[0-9a-fA-F]{24}$', description: 'a 24-hex-digit id' });
export const IdParams = Type.Object({ id: ObjectIdString });
export const ClientMessageId = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9._:-]+$',
  description: "The sender's own id for this message; a resend with the same id is stored once",
});
export const MessageText = Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH });

/** Security requirements, as the OpenAPI document names the schemes (see openapi.ts). */
export const STAFF_AUTH = [{ staffBearer: [] }];
export const API_KEY_AUTH = [{ apiKey: [] }];

/** Staff or an integration's API token: either scheme (the use case checks role or scope). */
export const STAFF_OR_API_KEY: { [scheme: string]: string[] }[] = [{ staffBearer: [] }, { apiKey: [] }];

/** What a merged record answers (HTTP 301, with `Location` pointing at the record it went into). */
export const MovedResponse = Type.Object(
  {
    error: Type.Literal('moved'),
    message: Type.String(),
    mergedInto: Type.String({ description: 'the id of the customer this one was merged into' }),
  },
  { title: 'Moved' },
);
export const SLACK_SIGNATURE_AUTH = [{ slackSignature: [] }];
