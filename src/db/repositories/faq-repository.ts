import type { FaqArticleView, FaqStore } from '../../core/ports/store.js';
import type { Models } from '../models.js';
import { isObjectId } from './object-id.js';

export interface LeanFaq {
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

export function toFaqView(d: LeanFaq): FaqArticleView {
  return {
    id: String(d._id),
    language: d.language as 'en' | 'zh',
    title: d.title,
    variants: d.variants ?? [],
    answer: d.answer,
    tags: d.tags ?? [],
    active: d.active !== false,
    stats: { shown: d.stats?.shown ?? 0, helped: d.stats?.helped ?? 0 },
    updatedAt: (d.updatedAt ?? new Date(0)).toISOString(),
  };
}

export function createFaqRepository(m: Models): FaqStore {
  return {
    async listActive() {
      const docs = await m.FaqArticle.find({ active: true }).lean();
      return docs.map((d) => toFaqView(d as LeanFaq));
    },
    async get(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.FaqArticle.findById(id).lean();
      return doc ? toFaqView(doc as LeanFaq) : null;
    },
    async recordShown(id) {
      await m.FaqArticle.updateOne({ _id: id }, { $inc: { 'stats.shown': 1 } });
    },
    async recordHelped(id) {
      await m.FaqArticle.updateOne({ _id: id }, { $inc: { 'stats.helped': 1 } });
    },
  };
}
