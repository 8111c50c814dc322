import { type Static, type TUnsafe, Type } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  { error: Type.String({ description: 'machine-readable code' }), message: Type.String() },
  { $id: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const ObjectIdString = Type.String({ pattern: '^[0-9a-fA-F]{24}$', description: 'a 24-hex-digit id' });
export const ClientMessageId = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9._:-]+$',
  description: "The sender's own id for this message; a resend with the same id is stored once",
});
export const MessageText = Type.String({ minLength: 1, maxLength: 10000 });

/** A union of string literals that keeps its TypeScript type (a plain .map loses it). */
export function literalUnion<const T extends string>(values: readonly T[]): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}
