import type { CrmDeps } from './deps.js';
import { nowOf } from './deps.js';
import { performMerge } from './merge-customers.js';

/** What the site's signed token says about its user (verified by the edge before this). */
export interface VerifiedSiteUser {
  /** The site's own user id (the JWT's `sub`), the same id its shop's orders name. */
  sub: string;
  email?: string;
  name?: string;
}

export type IdentifyOutcome =
  | { kind: 'linked'; customerId: string; merged: boolean }
  /**
   * The visitor's record belongs to another verified user (a shared browser): this visitor must
   * start over as a new one, then be identified again. Nothing of the other user is shown.
   */
  | { kind: 'new-visitor-needed' };

/**
 * Links a widget visitor to the CRM customer of the site user their token names:
 * - a visitor who never wrote gets the user's customer (created if new);
 * - an anonymous visitor who wrote brings their conversation along: their record is merged into
 *   the user's (or, for a user not yet known, simply becomes the user's);
 * - a visitor already linked to another verified user is refused (`new-visitor-needed`).
 * Safe to repeat and under races: identities are unique, merges are recorded once per pair.
 */
export async function identifyVisitor(
  deps: CrmDeps,
  input: { visitorId: string; user: VerifiedSiteUser },
): Promise<IdentifyOutcome> {
  const { customers } = deps.crm;
  const { visitorId, user } = input;
  const profile = { name: user.name, email: user.email?.toLowerCase() };
  for (let attempt = 0; attempt < 5; attempt++) {
    const visitorOwner = await customers.findByIdentity('widget', visitorId);
    const siteOwner = await customers.findByIdentity('site_user', user.sub);
    if (!visitorOwner) {
      const { customerId } = siteOwner
        ? { customerId: siteOwner }
        : await deps.stores.customers.resolveIdentity({
            channel: 'site_user',
            externalId: user.sub,
            displayName: user.name,
            email: profile.email,
            at: nowOf(deps),
          });
      const attached = await customers.attachIdentity(customerId, {
        kind: 'widget',
        externalId: visitorId,
        verified: false,
      });
      if (!attached.attached) continue; // the visitor wrote meanwhile: take the path below
      await customers.fillProfile(customerId, profile);
      return { kind: 'linked', customerId, merged: false };
    }
    const visitorCustomer = await customers.get(visitorOwner);
    if (!visitorCustomer) continue;
    const otherUser = visitorCustomer.identities.find(
      (i) => i.kind === 'site_user' && i.externalId !== user.sub,
    );
    if (otherUser) return { kind: 'new-visitor-needed' };
    if (siteOwner === visitorOwner) {
      await customers.fillProfile(visitorOwner, profile);
      return { kind: 'linked', customerId: visitorOwner, merged: false };
    }
    if (!siteOwner) {
      const attached = await customers.attachIdentity(visitorOwner, {
        kind: 'site_user',
        externalId: user.sub,
        displayName: user.name,
        verified: true,
      });
      if (!attached.attached) continue; // the user became known meanwhile: merge into theirs
      await customers.fillProfile(visitorOwner, profile);
      return { kind: 'linked', customerId: visitorOwner, merged: false };
    }
    // An anonymous visitor's record joins the user's: conversation, messages, tickets and all.
    await performMerge(
      deps,
      { sourceId: visitorOwner, targetId: siteOwner },
      {
        by: 'system:widget-identity',
        actor: { id: 'system' },
        details: { reason: 'verified widget visitor' },
      },
    );
    await customers.fillProfile(siteOwner, profile);
    return { kind: 'linked', customerId: siteOwner, merged: true };
  }
  throw new Error(`could not link visitor ${visitorId}: their records kept changing`);
}

/**
 * Who a returning widget visitor is: their customer, and the site user it is verified as, if
 * any. A verified customer's conversation is only shown to a visitor who presents that user's
 * token again (a shared browser must not show the last user's chat).
 */
export async function visitorStanding(
  deps: Pick<CrmDeps, 'crm'>,
  visitorId: string,
): Promise<{ customerId: string; siteUser?: string } | null> {
  const customerId = await deps.crm.customers.findByIdentity('widget', visitorId);
  if (!customerId) return null;
  const customer = await deps.crm.customers.get(customerId);
  const siteUser = customer?.identities.find((i) => i.kind === 'site_user')?.externalId;
  return { customerId, ...(siteUser ? { siteUser } : {}) };
}
