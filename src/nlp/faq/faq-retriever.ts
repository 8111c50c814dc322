import type { FaqRetriever } from '../../core/ports/faq-retriever.js';
import type { FaqArticleView, FaqStore } from '../../core/ports/store.js';
import { FaqIndex } from './faq-index.js';

/**
 * The FAQ port over the articles in MongoDB: the index is built on first use and rebuilt after
 * an invalidation (an article was created, edited or removed, in any process).
 */
export function createFaqRetriever(store: FaqStore): FaqRetriever {
  let built: Promise<{ index: FaqIndex; byId: Map<string, FaqArticleView> }> | null = null;
  const build = async () => {
    const articles = await store.listActive();
    return { index: new FaqIndex(articles), byId: new Map(articles.map((a) => [a.id, a])) };
  };
  return {
    async search(text, language) {
      built ??= build().catch((err: unknown) => {
        built = null;
        throw err;
      });
      const { index, byId } = await built;
      const match = index.search(text, language);
      const article = match ? byId.get(match.id) : undefined;
      return match && article ? { article, score: match.score } : null;
    },
    invalidate() {
      built = null;
    },
  };
}
