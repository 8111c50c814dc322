import { DomainError } from '../errors.js';
import type { Lease } from '../ports/locks.js';
import type { ClaimedDelivery, DeliveryResult, SendOutcome } from '../ports/outreach.js';
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
 * 3. Deliveries a dead sender left `sending` are marked `unknown`: the email may or may not
 *    have been accepted, and an email cannot be taken back, so they are counted and never resent.
 * 4. The audience is written as deliveries, one per customer under a unique index, resuming
 *    after the last customer done (a restart creates no duplicates and skips no one).
 * 5. Deliveries are claimed a chunk at a time (queued → sending, conditional), re-checked for
 *    consent and suppression, sent over the pooled connections at the configured rate, and their
 *    results recorded conditionally on the claim. 4xx answers go back to `queued` with a backoff;
 *    5xx are `failed` with the server's reason.
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

  const interrupted = await deps.deliveries.markInterrupted(campaignId, clock(deps));
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
      if (now?.status !== 'sending') return await stopped(deps, campaignId, now?.status, sent);
    }
    const batch = await deps.deliveries.claim(campaignId, deps.settings.chunkSize, clock(deps));
    if (batch.length === 0) {
      const due = await deps.deliveries.nextDue(campaignId);
      if (due === null) break;
      await sleep(Math.min(MAX_IDLE_MS, Math.max(10, due.getTime() - clock(deps).getTime())));
      continue;
    }
    sent += await sendChunk(deps, campaign, compiled, batch);
  }

  const done = await deps.campaigns.transition(campaignId, ['sending'], 'done', { finishedAt: clock(deps) });
  const stats = await publishStats(deps, campaignId);
  await onProgress(100);
  if (!done) return await stopped(deps, campaignId, stats?.status, sent);
  log.info({ campaignId, ...stats?.stats }, 'campaign sent');
  return { state: 'done', sent };
}

async function stopped(
  deps: OutreachDeps,
  campaignId: string,
  status: CampaignView['status'] | undefined,
  sent: number,
): Promise<SendCampaignOutcome> {
  if (status === 'cancelled') {
    // Retries re-queued by the last chunk, after the cancel swept the queue.
    await deps.deliveries.cancelQueued(campaignId, clock(deps));
    await publishStats(deps, campaignId);
    return { state: 'cancelled', sent };
  }
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
  batch: ClaimedDelivery[],
): Promise<number> {
  // Someone may have unsubscribed (or been suppressed) since the deliveries were written.
  const [reachable, suppressed] = await Promise.all([
    deps.audience.reachable(batch.map((d) => d.customerId)),
    deps.suppressions.suppressed(batch.map((d) => d.email)),
  ]);
  const recorder = new GroupRecorder((results) => deps.deliveries.record(results));
  const toSend: ClaimedDelivery[] = [];
  for (const d of batch) {
    if (reachable.has(d.customerId) && !suppressed.has(d.email)) toSend.push(d);
    else
      recorder.push({
        id: d.id,
        claimToken: d.claimToken,
        status: 'skipped',
        at: clock(deps),
        error: 'unsubscribed or no longer consenting',
      });
  }
  await deps.rate.acquire(toSend.length);
  let accepted = 0;
  await Promise.all(
    toSend.map(async (d) => {
      const unsubscribeUrl = deps.links.url({ customerId: d.customerId, campaignId: campaign.id });
      let email: ReturnType<typeof renderEmail>;
      try {
        email = renderEmail(compiled, {
          campaignName: campaign.name,
          recipient: { email: d.email, ...(d.name ? { name: d.name } : {}) },
          unsubscribeUrl,
        });
      } catch (err) {
        // Nothing went out: a failure with the reason, not an unknown.
        recorder.push({
          id: d.id,
          claimToken: d.claimToken,
          status: 'failed',
          at: clock(deps),
          error: `rendering failed: ${String(err)}`,
        });
        return;
      }
      let outcome: SendOutcome;
      try {
        outcome = await deps.mailer.send({
          to: d.email,
          ...email,
          messageId: `${campaign.id}.${d.customerId}`,
          unsubscribeUrl,
          headers: { 'X-Parley-Campaign': campaign.id },
        });
      } catch (err) {
        // The mailer should answer, not throw; if it did, whether the email left cannot be said.
        outcome = { status: 'unknown', reason: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.status === 'accepted') accepted++;
      // Recorded as soon as it is known (grouped with others finishing meanwhile): the window in
      // which a crash leaves an accepted email unrecorded is one database write.
      recorder.push(resultOf(d, outcome, clock(deps), deps.settings));
    }),
  );
  await recorder.drain();
  return accepted;
}

export function resultOf(
  d: ClaimedDelivery,
  outcome: SendOutcome,
  at: Date,
  settings: Pick<OutreachSettings, 'maxAttempts' | 'retryBaseMs'>,
): DeliveryResult {
  const base = { id: d.id, claimToken: d.claimToken, at };
  switch (outcome.status) {
    case 'accepted':
      return { ...base, status: 'sent', response: outcome.response };
    case 'unknown':
      return { ...base, status: 'unknown', error: outcome.reason };
    case 'rejected': {
      const reason = `${outcome.code ? `${outcome.code} ` : ''}${outcome.reason}`.slice(0, 1000);
      if (outcome.permanent) return { ...base, status: 'failed', error: reason };
      if (d.attempts >= settings.maxAttempts) {
        return { ...base, status: 'failed', error: `gave up after ${d.attempts} attempts: ${reason}` };
      }
      const delay = Math.min(MAX_BACKOFF_MS, settings.retryBaseMs * 2 ** (d.attempts - 1));
      return { ...base, status: 'queued', error: reason, nextAttemptAt: new Date(at.getTime() + delay) };
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

/**
 * Records results as they come: one write in flight at a time, and whatever arrived meanwhile
 * goes in the next one (group commit), so recording keeps up without a write per email.
 */
class GroupRecorder {
  private pending: DeliveryResult[] = [];
  private writing: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(private readonly write: (results: DeliveryResult[]) => Promise<void>) {}

  push(result: DeliveryResult): void {
    this.pending.push(result);
    if (!this.writing) this.writing = this.flush();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.write(batch);
      } catch (err) {
        this.failure = err;
      }
    }
    this.writing = null;
  }

  async drain(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
