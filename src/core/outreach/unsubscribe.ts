import { invalid } from '../errors.js';
import type { OutreachDeps } from './outreach-deps.js';
import { clock } from './outreach-deps.js';

export type UnsubscribeLink =
  | { kind: 'customer'; customerId: string; campaignId: string }
  | { kind: 'test'; campaignId: string };

/** Reads a signed unsubscribe link; a forged or damaged one is refused. */
export function readUnsubscribeLink(deps: Pick<OutreachDeps, 'links'>, token: string): UnsubscribeLink {
  const payload = deps.links.verify(token);
  if (!payload) throw invalid('This unsubscribe link is not valid. Use the link from the email as it is.');
  return payload.customerId === null
    ? { kind: 'test', campaignId: payload.campaignId }
    : { kind: 'customer', customerId: payload.customerId, campaignId: payload.campaignId };
}

/**
 * Unsubscribes the customer a signed link names, without signing in: their customer record says
 * so, their address goes on the suppression list (honoured by every later campaign, whoever the
 * address belongs to) and the campaign counts it. Idempotent: a second click changes nothing.
 */
export async function unsubscribe(
  deps: Pick<
    OutreachDeps,
    'links' | 'audience' | 'suppressions' | 'deliveries' | 'campaigns' | 'audit' | 'now'
  >,
  token: string,
  via: 'link' | 'one-click',
): Promise<{ status: 'unsubscribed' | 'already' | 'test' }> {
  const link = readUnsubscribeLink(deps, token);
  if (link.kind === 'test') return { status: 'test' };
  const at = clock(deps);
  const customer = await deps.audience.unsubscribe(link.customerId, at);
  // A customer since deleted has nothing left to email: the answer is the same.
  if (customer?.email) {
    await deps.suppressions.add({
      email: customer.email,
      reason: 'unsubscribed',
      source: `campaign:${link.campaignId}`,
      at,
    });
  }
  if (await deps.deliveries.markUnsubscribed(link.campaignId, link.customerId, at)) {
    await deps.campaigns.countUnsubscribed(link.campaignId);
  }
  if (customer && !customer.already) {
    await deps.audit.record({
      actor: { id: 'system' },
      action: 'outreach.unsubscribe',
      target: { kind: 'customer', id: link.customerId },
      details: { campaignId: link.campaignId, via },
    });
  }
  return { status: customer?.already ? 'already' : 'unsubscribed' };
}
