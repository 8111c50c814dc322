import { forbidden, notFound } from '../errors.js';
import type { EventBus } from '../events/domain-events.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { FaqRetriever } from '../ports/faq-retriever.js';
import type { Stores } from '../ports/store.js';
import type { FaqArticleInput, FaqArticleView, FaqLanguage } from '../views/faq.js';
import type { Actor } from '../views/staff.js';

export interface FaqDeps {
  stores: Pick<Stores, 'faq'>;
  events: EventBus;
  audit: AuditLog;
  /** This process's retrieval index; the others hear of a change through `faq.changed`. */
  retriever: FaqRetriever;
}

const EDITORS = new Set(['supervisor', 'admin']);

function mayEdit(actor: Actor): void {
  if (!EDITORS.has(actor.role))
    throw forbidden('editing the knowledge base needs the role supervisor or admin');
}

async function changed(deps: FaqDeps, actor: Actor, articleId: string, action: string): Promise<void> {
  await deps.audit.record({ actor, action, target: { kind: 'faq', id: articleId } });
  // This process answers with the change at once; every other process through the event.
  deps.retriever.invalidate();
  await deps.events.publish('faq.changed', { articleId });
}

/** The knowledge base the bot answers from: staff read it, supervisors and admins edit it. */
export function listFaqArticles(
  deps: Pick<FaqDeps, 'stores'>,
  filter: { language?: FaqLanguage },
): Promise<FaqArticleView[]> {
  return deps.stores.faq.list({ language: filter.language, limit: 1000 });
}

export async function createFaqArticle(
  deps: FaqDeps,
  actor: Actor,
  input: FaqArticleInput,
): Promise<FaqArticleView> {
  mayEdit(actor);
  const article = await deps.stores.faq.create(input);
  await changed(deps, actor, article.id, 'faq.create');
  return article;
}

export async function updateFaqArticle(
  deps: FaqDeps,
  actor: Actor,
  id: string,
  patch: Partial<FaqArticleInput>,
): Promise<FaqArticleView> {
  mayEdit(actor);
  const article = await deps.stores.faq.update(id, patch);
  if (!article) throw notFound('article');
  await changed(deps, actor, id, 'faq.update');
  return article;
}

export async function deleteFaqArticle(deps: FaqDeps, actor: Actor, id: string): Promise<void> {
  mayEdit(actor);
  if (!(await deps.stores.faq.remove(id))) throw notFound('article');
  await changed(deps, actor, id, 'faq.delete');
}
