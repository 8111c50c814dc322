import type { FaqArticleView } from './store.js';

/** Finds the knowledge-base article that answers a question, if one does well enough. */
export interface FaqRetriever {
  search(text: string, language: 'en' | 'zh'): Promise<{ article: FaqArticleView; score: number } | null>;
  /** The knowledge base changed: the next search sees the change. */
  invalidate(): void;
}
