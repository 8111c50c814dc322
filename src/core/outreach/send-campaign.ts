import { DomainError } from '../errors.js';
import type { Lease } from '../ports/locks.js';
import type { QueueSlot, SendOutcome, SlotResult } from '../ports/outreach.js';
import type { CampaignView } from '../views/campaign.js';
import { resolveAudience } from './audience.js';
import { clock, type OutreachDeps, type OutreachSettings } from './outreach-deps.js';
import { type CompiledCampaign, compileCampaign, renderEmail } from './render-email.js';

export type SendCampaignOutcome =
  | { state: 'done' | 'paused' | 'cancelled'; sent: number }
  | { state: 'busy' }
  | { state: 'not_due'; at: Date }
  | { state: 'missing' | 'not_sending' | 'lease_lost' };

/** How often the sender looks whether a supervisor paused or cancelled the campaign, and pushes figures. */
const CHECK_EVERY_MS = 1000;
/** The longest it sleeps waiting for retries before looking again. */
const MAX_IDLE_MS = 1000;
const MAX_BACKOFF_MS = 3_600_000;

/**
 * Sends a campaign, or resumes it: safe to run again at any point, by any worker.
 *
 * 1. One sender per campaign (a Redis lease renewed while it works).
 * 2. A scheduled campaign that is due becomes `sending`.
 * 3. Attempts a dead sender claimed but never recorded are marked `unknown`: the email may or
 *    may not have been accepted, and an email cannot be taken back, so they are counted and never
 *    resent. There are at most a chunk of them (the attempts in flight at the crash).
 * 4. The audience is written as deliveries, one per customer under a unique index, resuming
 *    after the last customer done (a restart creates no duplicates and skips no one).
 * 5. Attempts are claimed in order a chunk at a time (one conditional update moves the claim
 *    mark), re-checked for consent and suppression, sent over the pooled connections at the
 *    configured rate, and their results inserted once each. A 4xx appends a later attempt with a
 *    backoff; a 5xx is `failed` with the server's reason.
 */
export async function sendCampaign(
  deps: OutreachDeps,
  campaignId: string,
  onProgress: (percent: number) => Promise<void> = async () => {},
): Promise<SendCampaignOutcome> {
  const held = await deps.locks.tryWithLease(`campaign:${campaignId}`, deps.settings.leaseMs, (lease) =>
    sendHolding(deps, campaignId, lease, onProgress),
  );
  return held.acquired ? held.value : { state: 'busy' };
}

async function sendHolding(
  deps: OutreachDeps,
  campaignId: string,
  lease: Lease,
  onProgress: (percent: number) => Promise<void>,
): Promise<SendCampaignOutcome> {
  let campaign = await deps.campaigns.get(campaignId);
  if (!campaign) return { state: 'missing' };
  if (campaign.status === 'scheduled') {
    const at = campaign.scheduledAt ? new Date(campaign.scheduledAt) : clock(deps);
    if (at.getTime() > clock(deps).getTime()) return { state: 'not_due', at };
    campaign =
      (await deps.campaigns.transition(campaignId, ['scheduled'], 'sending', { startedAt: clock(deps) })) ??
      (await deps.campaigns.get(campaignId));
    if (!campaign) return { state: 'missing' };
  }
  if (campaign.status !== 'sending') return { state: 'not_sending' };
  const log = deps.log;

  const interrupted = await deps.deliveries.recoverInterrupted(campaignId, clock(deps));
  if (interrupted > 0) {
    log.warn(
      { campaignId, unknown: interrupted },
      'deliveries interrupted between the SMTP hand-off and its record are unknown; they are not resent',
    );
  }

  if (!deps.mailer.configured) {
    await deps.campaigns.transition(campaignId, ['sending'], 'paused', {
      lastError: 'no SMTP server is configured for the workers (SMTP_URL); set it and resume the campaign',
    });
    await publishStats(deps, campaignId);
    return { state: 'paused', sent: 0 };
  }

  let compiled: CompiledCampaign;
  try {
    compiled = compileCampaign(deps.templates, campaign);
    await createDeliveries(deps, campaign);
  } catch (err) {
    // A campaign that cannot be sent as written waits for a person (paused with the reason).
    if (!(err instanceof DomainError) && !(err instanceof Error && err.name === 'TemplateError')) throw err;
    await deps.campaigns.transition(campaignId, ['sending'], 'paused', { lastError: err.message });
    await publishStats(deps, campaignId);
    return { state: 'paused', sent: 0 };
  }

  let sent = 0;
  let lastCheck = Date.now();
  for (;;) {
    if (lease.lost) return { state: 'lease_lost' };
    if (Date.now() - lastCheck >= CHECK_EVERY_MS) {
      lastCheck = Date.now();
      const now = await publishStats(deps, campaignId);
      if (now && now.stats.recipients > 0) {
        const settled = now.stats.recipients - now.stats.queued - now.stats.sending;
        await onProgress(Math.round((100 * settled) / now.stats.recipients));
      }
      if (now?.status !== 'sending') return stopped(now?.status, sent);
    }
    const claim = await deps.deliveries.claim(campaignId, deps.settings.chunkSize, clock(deps));
    if (claim === null) {
      // No longer sending: a supervisor paused or cancelled it.
      lastCheck = 0;
      continue;
    }
    if (claim.upTo === undefined) {
      if (claim.exhausted) break;
      const wait = claim.waitUntil ? claim.waitUntil.getTime() - clock(deps).getTime() : MAX_IDLE_MS;
      await sleep(Math.min(MAX_IDLE_MS, Math.max(10, wait)));
      continue;
    }
    sent += await sendChunk(deps, campaign, compiled, claim.upTo, claim.slots);
  }

  const done = await deps.campaigns.transition(campaignId, ['sending'], 'done', { finishedAt: clock(deps) });
  const stats = await publishStats(deps, campaignId);
  await onProgress(100);
  if (!done) return stopped(stats?.status, sent);
  log.info({ campaignId, ...stats?.stats }, 'campaign sent');
  return { state: 'done', sent };
}

function stopped(status: CampaignView['status'] | undefined, sent: number): SendCampaignOutcome {
  if (status === 'cancelled') return { state: 'cancelled', sent };
  if (status === 'paused') return { state: 'paused', sent };
  if (status === 'done') return { state: 'done', sent };
  return { state: 'not_sending' };
}

/** Writes the audience as deliveries, resuming after the last customer written. */
async function createDeliveries(deps: OutreachDeps, campaign: CampaignView): Promise<void> {
  const progress = await deps.campaigns.audienceProgress(campaign.id);
  if (progress.done) return;
  const audience = await resolveAudience(deps, campaign.target);
  let after = progress.after;
  for await (const recipients of deps.audience.recipients(audience, {
    after,
    batchSize: deps.settings.audienceBatch,
    now: clock(deps),
  })) {
    const suppressed = await deps.suppressions.suppressed(recipients.map((r) => r.email));
    await deps.deliveries.createMany(
      campaign.id,
      recipients.filter((r) => !suppressed.has(r.email)),
      clock(deps),
    );
    after = recipients[recipients.length - 1]?.customerId ?? after;
    await deps.campaigns.setAudienceProgress(campaign.id, { after, done: false });
  }
  await deps.campaigns.setAudienceProgress(campaign.id, { after, done: true });
}

/** Sends one claimed chunk and records every result; returns how many were accepted. */
async function sendChunk(
  deps: OutreachDeps,
  campaign: CampaignView,
  compiled: CompiledCampaign,
  upTo: number,
  slots: QueueSlot[],
): Promise<number> {
  // Someone may have unsubscribed (or been suppressed) since the deliveries were written.
  const [reachable, suppressed] = await Promise.all([
    deps.audience.reachable(slots.map((d) => d.customerId)),
    deps.suppressions.suppressed(slots.map((d) => d.email)),
  ]);
  const results: SlotResult[] = [];
  const toSend: QueueSlot[] = [];
  for (const slot of slots) {
    if (reachable.has(slot.customerId) && !suppressed.has(slot.email)) toSend.push(slot);
    else
      results.push({
        slot,
        status: 'skipped',
        at: clock(deps),
        error: 'unsubscribed or no longer consenting',
      });
  }
  await deps.rate.acquire(toSend.length);
  let accepted = 0;
  await Promise.all(
    toSend.map(async (slot) => {
      const unsubscribeUrl = deps.links.url({ customerId: slot.customerId, campaignId: campaign.id });
      let email: ReturnType<typeof renderEmail>;
      try {
        email = renderEmail(compiled, {
          campaignName: campaign.name,
          recipient: { email: slot.email, ...(slot.name ? { name: slot.name } : {}) },
          unsubscribeUrl,
        });
      } catch (err) {
        // Nothing went out: a failure with the reason, not an unknown.
        results.push({ slot, status: 'failed', at: clock(deps), error: `rendering failed: ${String(err)}` });
        return;
      }
      let outcome: SendOutcome;
      try {
        outcome = await deps.mailer.send({
          to: slot.email,
          ...email,
          // The same for every attempt at this delivery: even a duplicate could be recognised downstream.
          messageId: `${campaign.id}.${slot.customerId}`,
          unsubscribeUrl,
          headers: { 'X-Parley-Campaign': campaign.id },
        });
      } catch (err) {
        // The mailer should answer, not throw; if it did, whether the email left cannot be said.
        outcome = { status: 'unknown', reason: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.status === 'accepted') accepted++;
      results.push(resultOf(slot, outcome, clock(deps), deps.settings));
    }),
  );
  // One write for the chunk, as soon as its last answer is in: a crash before it leaves the
  // chunk's accepted emails unrecorded, and recovery calls them unknown.
  await deps.deliveries.settle(campaign.id, upTo, results);
  return accepted;
}

export function resultOf(
  slot: QueueSlot,
  outcome: SendOutcome,
  at: Date,
  settings: Pick<OutreachSettings, 'maxAttempts' | 'retryBaseMs'>,
): SlotResult {
  switch (outcome.status) {
    case 'accepted':
      return { slot, at, status: 'sent', response: outcome.response };
    case 'unknown':
      return { slot, at, status: 'unknown', error: outcome.reason };
    case 'rejected': {
      const reason = `${outcome.code ? `${outcome.code} ` : ''}${outcome.reason}`.slice(0, 1000);
      if (outcome.permanent) return { slot, at, status: 'failed', error: reason };
      if (slot.attempt >= settings.maxAttempts) {
        return { slot, at, status: 'failed', error: `gave up after ${slot.attempt} attempts: ${reason}` };
      }
      const delay = Math.min(MAX_BACKOFF_MS, settings.retryBaseMs * 2 ** (slot.attempt - 1));
      return { slot, at, status: 'retry', error: reason, nextAttemptAt: new Date(at.getTime() + delay) };
    }
  }
}

/** Fresh figures, saved on the campaign and pushed to supervisors; the deliveries are the truth. */
async function publishStats(deps: OutreachDeps, campaignId: string) {
  const stats = await deps.deliveries.stats(campaignId);
  await deps.campaigns.saveStats(campaignId, stats);
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) return null;
  await deps.events.publish('campaign.progress', { campaign });
  return { status: campaign.status, stats };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
