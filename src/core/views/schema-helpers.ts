import { type TUnsafe, Type } from '@sinclair/typebox';

/** A union of string literals that keeps its TypeScript type (a plain .map loses it). */
export function literalUnion<const T extends string>(
  values: readonly T[],
  options: { description?: string; default?: T } = {},
): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** An ISO-8601 time as the views carry it (ids as strings, times as ISO strings). */
export const IsoTime = Type.String({ format: 'date-time' });
