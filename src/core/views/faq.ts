import { type Static, Type } from '@sinclair/typebox';
import { IsoTime, literalUnion } from './schema-helpers.js';

export const FaqLanguageSchema = literalUnion(['en', 'zh'] as const);
export type FaqLanguage = Static<typeof FaqLanguageSchema>;

/** What staff write: the question variants customers use and the answer, in one language. */
export const FaqArticleInputSchema = Type.Object(
  {
    language: FaqLanguageSchema,
    title: Type.String({ minLength: 1, maxLength: 300 }),
    variants: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), {
      maxItems: 100,
      description: 'Ways customers ask it',
    }),
    answer: Type.String({ minLength: 1, maxLength: 10000 }),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FaqArticleInput = Static<typeof FaqArticleInputSchema>;

export const FaqArticleSchema = Type.Object(
  {
    id: Type.String(),
    language: FaqLanguageSchema,
    title: Type.String(),
    variants: Type.Array(Type.String()),
    answer: Type.String(),
    tags: Type.Array(Type.String()),
    active: Type.Boolean(),
    stats: Type.Object({ shown: Type.Integer(), helped: Type.Integer() }),
    updatedAt: IsoTime,
  },
  { title: 'FaqArticle' },
);
export type FaqArticleView = Static<typeof FaqArticleSchema>;
