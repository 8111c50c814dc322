import type { FaqArticleView, FaqStore } from '../../core/ports/store.js';
import type { FaqLanguage } from '../../core/views/faq.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

interface LeanFaq {
  _id: unknown;
  language: string;
  title: string;
  variants?: string[] | null;
  answer: string;
  tags?: string[] | null;
  active?: boolean | null;
  stats?: { shown?: number | null; helped?: number | null } | null;
  updatedAt?: Date | null;
}

function toFaqView(d: LeanFaq): FaqArticleView {
  return {
    id: String(d._id),
    language: d.language as FaqLanguage,
    title: d.title,
    variants: d.variants ?? [],
    answer: d.answer,
    tags: d.tags ?? [],
    active: d.active !== false,
    stats: { shown: d.stats?.shown ?? 0, helped: d.stats?.helped ?? 0 },
    updatedAt: (d.updatedAt ?? new Date(0)).toISOString(),
  };
}

const view = (d: unknown) => toFaqView(d as LeanFaq);

export function createFaqRepository(m: Models): FaqStore {
  return {
    async listActive() {
      const docs = await m.FaqArticle.find({ active: true }).lean();
      return docs.map(view);
    },
    async list({ language, limit }) {
      const docs = await m.FaqArticle.find(language ? { language } : {})
        .sort({ updatedAt: -1 })
        .limit(limit)
        .lean();
      return docs.map(view);
    },
    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.FaqArticle.findById(id).lean();
      return doc ? view(doc) : null;
    },
    async create(input) {
      const doc = await m.FaqArticle.create(input);
      return view(doc.toObject());
    },
    async update(id, patch) {
      if (!isObjectId(id)) return null;
      const doc = await m.FaqArticle.findOneAndUpdate(
        { _id: id },
        { $set: patch },
        { new: true, lean: true },
      );
      return doc ? view(doc) : null;
    },
    async remove(id) {
      if (!isObjectId(id)) return false;
      const result = await m.FaqArticle.deleteOne({ _id: id });
      return result.deletedCount > 0;
    },
    async recordShown(id) {
      await m.FaqArticle.updateOne({ _id: id }, { $inc: { 'stats.shown': 1 } });
    },
    async recordHelped(id) {
      await m.FaqArticle.updateOne({ _id: id }, { $inc: { 'stats.helped': 1 } });
    },
  };
}
