import { forbidden, invalid, notFound } from '../errors.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { RetrainingRequests } from '../ports/jobs.js';
import type { ModelVersionLog, ModelVersionSummary } from '../ports/model-registry.js';
import type { IntentCorrectionView, Stores } from '../ports/store.js';
import type { Intent } from '../views/classification.js';
import type { Actor } from '../views/staff.js';

/**
 * The learning loop's use cases: staff correct what the bot understood; supervisors and admins
 * read the corrections and model versions and ask for a retraining (the worker trains, judges
 * and promotes only a model that is not worse).
 */
export interface LearningDeps {
  stores: Pick<Stores, 'messages' | 'corrections'>;
  audit: AuditLog;
  retraining: RetrainingRequests;
  versions: ModelVersionLog;
  /** The version this process classifies with, and the one the database says is promoted. */
  activeVersion: () => string;
  promotedVersion: () => Promise<string | null>;
}

const LEADS = new Set(['supervisor', 'admin']);
const mustLead = (actor: Actor, what: string) => {
  if (!LEADS.has(actor.role)) throw forbidden(`${what} needs the role supervisor or admin`);
};

export async function correctIntent(
  deps: Pick<LearningDeps, 'stores' | 'audit'>,
  actor: Actor,
  messageId: string,
  intent: Intent,
): Promise<{ messageId: string; intent: Intent; previousIntent?: Intent }> {
  const message = await deps.stores.messages.get(messageId);
  if (!message) throw notFound('message');
  if (message.direction !== 'in' || message.author.kind !== 'customer') {
    throw invalid('only customer messages have an intent to correct');
  }
  const previousIntent = message.classification?.intent;
  // One correction per message: correcting again replaces it.
  await deps.stores.corrections.upsert({
    messageId,
    text: message.text,
    language: message.classification?.language,
    intent,
    previousIntent,
    agentId: actor.id,
  });
  await deps.stores.messages.setCorrectedIntent(messageId, intent);
  await deps.audit.record({
    actor,
    action: 'nlp.correct_intent',
    target: { kind: 'message', id: messageId },
    details: { from: previousIntent, to: intent },
  });
  return { messageId, intent, ...(previousIntent ? { previousIntent } : {}) };
}

export async function listCorrections(
  deps: Pick<LearningDeps, 'stores'>,
  actor: Actor,
  limit: number,
): Promise<IntentCorrectionView[]> {
  mustLead(actor, 'reading corrections');
  return deps.stores.corrections.list(limit);
}

export async function requestRetraining(
  deps: Pick<LearningDeps, 'retraining' | 'audit'>,
  actor: Actor,
): Promise<{ jobId: string | null }> {
  mustLead(actor, 'retraining');
  const job = await deps.retraining.request();
  await deps.audit.record({ actor, action: 'nlp.retrain', details: { jobId: job.jobId } });
  return job;
}

export async function listModels(
  deps: Pick<LearningDeps, 'versions' | 'activeVersion' | 'promotedVersion'>,
  actor: Actor,
): Promise<{ active: string; promoted: string | null; versions: ModelVersionSummary[] }> {
  mustLead(actor, 'reading model versions');
  return {
    // They differ for a moment while a promotion reaches every process, or when none was promoted.
    active: deps.activeVersion(),
    promoted: await deps.promotedVersion(),
    versions: await deps.versions.list(100),
  };
}
