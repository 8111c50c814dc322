import { conflict, invalid, notFound } from '../errors.js';
import type { AuditEntry } from '../ports/audit-log.js';
import { type CustomerMergeView, type CustomerView, MERGE_STEPS } from '../views/customer.js';
import { auditActor, auditDetails, authorize, type Caller, callerId, LEADS } from './access.js';
import { customerChanged, liveCustomer } from './customers.js';
import { type CrmDeps, nowOf } from './deps.js';

export interface MergeResult {
  merge: CustomerMergeView;
  customer: CustomerView;
}

/**
 * Merges two records of one person: `source` into `target` (supervisors, admins, or a token with
 * customers:write). See performMerge for how it stays whole without transactions.
 */
export async function mergeCustomers(
  deps: CrmDeps,
  caller: Caller,
  input: { sourceId: string; targetId: string },
): Promise<MergeResult> {
  authorize(caller, { roles: LEADS, scope: 'customers:write' }, 'merging customers');
  return performMerge(deps, input, {
    by: callerId(caller),
    actor: auditActor(caller),
    details: auditDetails(caller),
  });
}

/**
 * The merge itself, for staff and for the system (a verified widget visitor joining their account):
 * 1. the merge is recorded first, unique on the pair, so two merges of the same pair at once are
 *    one merge (the second caller joins or resumes it) and opposite directions cannot both run;
 * 2. both customers are claimed for it, so no other merge moves their records meanwhile;
 * 3. the source points at the target, then identities (so new messages land on the target),
 *    conversations, messages, tickets, orders, needs and interactions move, each step idempotent
 *    and recorded, then the profile; a second sweep catches what arrived while moving;
 * 4. the one caller that finishes it audits and announces it. Calling again resumes a merge cut short.
 */
export async function performMerge(
  deps: CrmDeps,
  input: { sourceId: string; targetId: string },
  who: { by: string; actor: AuditEntry['actor']; details?: Record<string, unknown> },
): Promise<MergeResult> {
  const { sourceId, targetId } = input;
  if (sourceId === targetId) throw invalid('a customer cannot be merged into itself');
  const { customers, merges } = deps.crm;
  const [source, target] = await Promise.all([customers.get(sourceId), customers.get(targetId)]);
  if (!source) throw notFound('source customer');
  if (!target) throw notFound('target customer');
  if (target.mergedInto) {
    throw conflict(`customer ${targetId} was merged into ${target.mergedInto}; merge into that one`);
  }
  if (source.erasedAt || target.erasedAt) throw conflict('an erased customer cannot be merged');

  const { merge } = await merges.record({ sourceId, targetId, by: who.by, at: nowOf(deps) });
  if (merge.sourceId !== sourceId) {
    throw conflict(`these customers are being merged the other way already (merge ${merge.id})`);
  }
  if (merge.status === 'done') {
    // A run cut short between finishing and releasing leaves the claims: let them go now.
    await merges.release(sourceId, merge.id);
    await merges.release(targetId, merge.id);
    return { merge, customer: await liveCustomer(deps, targetId) };
  }
  if (source.mergedInto && source.mergedInto !== targetId) {
    throw conflict(`customer ${sourceId} was merged into ${source.mergedInto} already`);
  }

  const claimedSource = await merges.claim(sourceId, merge.id);
  const claimedTarget = claimedSource && (await merges.claim(targetId, merge.id));
  if (!claimedSource || !claimedTarget) {
    if (claimedSource) await merges.release(sourceId, merge.id);
    throw conflict(
      'one of these customers is part of another merge that has not finished; finish that one first (post it again to resume it)',
    );
  }

  await merges.markMerged(sourceId, targetId, nowOf(deps));
  for (const sweep of [1, 2]) {
    for (const step of MERGE_STEPS) {
      if (step === 'profile') continue;
      // The first sweep skips steps a crashed run finished; the second catches stragglers.
      if (sweep === 1 && merge.stepsDone.includes(step)) continue;
      const moved = await merges.move(step, sourceId, targetId);
      if (sweep === 1) await merges.stepDone(merge.id, step, moved);
    }
  }
  await merges.absorbProfile(sourceId, targetId);
  await merges.stepDone(merge.id, 'profile', 0);
  await customers.refreshDerived(targetId);
  const finished = await merges.finish(merge.id, nowOf(deps));
  await merges.release(sourceId, merge.id);
  await merges.release(targetId, merge.id);

  const customer = await liveCustomer(deps, targetId);
  if (finished) {
    // Only the caller that completed it: two callers of one merge leave one trail.
    await deps.audit.record({
      actor: who.actor,
      action: 'customer.merge',
      target: { kind: 'customer', id: targetId },
      details: { ...who.details, mergeId: merge.id, sourceId, moved: finished.moved },
    });
    await customerChanged(deps, customer, 'merged');
    await deps.events.publish('customer.updated', {
      customerId: sourceId,
      change: 'merged',
      mergedInto: targetId,
    });
  }
  return { merge: finished ?? (await merges.get(merge.id)) ?? merge, customer };
}

/** The merges a customer took part in (staff, or customers:read). */
export async function listMerges(
  deps: CrmDeps,
  caller: Caller,
  customerId: string,
): Promise<CustomerMergeView[]> {
  authorize(caller, { roles: ['agent', 'supervisor', 'admin'], scope: 'customers:read' }, 'reading merges');
  return deps.crm.merges.listFor(customerId);
}
