import { type InferSchemaType, Schema } from 'mongoose';

/** A knowledge-base article the bot answers with: question variants and an answer, per language. */
export const faqArticleSchema = new Schema(
  {
    language: { type: String, enum: ['en', 'zh'], required: true },
    title: { type: String, required: true, maxlength: 300 },
    variants: { type: [String], default: [] }, // ways customers ask it; retrieval indexes these
    answer: { type: String, required: true, maxlength: 10000 },
    tags: { type: [String], default: [] },
    active: { type: Boolean, default: true },
    stats: { shown: { type: Number, default: 0 }, helped: { type: Number, default: 0 } },
  },
  { timestamps: true },
);
faqArticleSchema.index({ language: 1, active: 1 });

export type FaqArticleDoc = InferSchemaType<typeof faqArticleSchema>;
