import { DomainError } from '../errors.js';
import type { Lease } from '../ports/locks.js';
import type { QueueSlot, SendOutcome, SlotResult } from '../ports/outreach.js';
import { type CampaignStats, type CampaignView, EMPTY_STATS } from '../views/campaign.js';
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
/** How often it reads addresses suppressed since it last looked (someone unsubscribed meanwhile). */
const SUPPRESSIONS_EVERY_MS = 2000;
/** The longest it sleeps waiting for a retry's time before looking again. */
const MAX_IDLE_MS = 1000;
const MAX_BACKOFF_MS = 3_600_000;
/** Chunks sent at once (with one more being recorded: at most three claimed and unrecorded). */
const SENDING_AT_ONCE = 2;

/**
 * Sends a campaign, or resumes it: safe to run again at any point, by any worker.
 *
 * 1. One sender per campaign (a Redis lease renewed while it works).
 * 2. A scheduled campaign that is due becomes `sending`.
 * 3. Places a dead sender claimed but never recorded become `unknown`: the email may or may not
 *    have been accepted, and an email cannot be taken back, so they are counted and never
 *    resent. There are at most a chunk of them (the attempts in flight at the crash).
 * 4. The audience is written as deliveries, one per customer under a unique index, in customer
 *    order, resuming after the last customer written: a restart creates no duplicates and skips
 *    no one. Suppressed addresses get no delivery.
 * 5. Places are claimed in order a chunk at a time (one conditional update moves the claim mark),
 *    checked against addresses suppressed since, sent over the pooled connections at the
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
  const { log } = deps;

  const interrupted = await deps.deliveries.recoverInterrupted(campaignId, clock(deps));
  if (interrupted > 0) {
    log.warn(
      { campaignId, unknown: interrupted },
      'deliveries interrupted between the SMTP hand-off and its record are unknown; they are not resent',
    );
  }
  if (!deps.mailer.configured) {
    return pause(
      deps,
      campaignId,
      'no SMTP server is configured for the workers (SMTP_URL); set it and resume the campaign',
    );
  }

  const suppressed = new SuppressionView(deps);
  await suppressed.refresh();
  let compiled: CompiledCampaign;
  let created: number | null;
  try {
    compiled = compileCampaign(deps.templates, campaign);
    created = await createDeliveries(deps, campaign, suppressed);
  } catch (err) {
    // A campaign that cannot be sent as written waits for a person (paused with the reason).
    if (!(err instanceof DomainError) && !(err instanceof Error && err.name === 'TemplateError')) throw err;
    return pause(deps, campaignId, err.message);
  }

  const queue = await deps.deliveries.queue(campaignId);
  if (!queue) return { state: 'missing' };
  const firstAttempts = queue.firstAttempts ?? (await deps.deliveries.sealFirstAttempts(campaignId));
  let { next, claimed } = queue;
  // The figures: counted once now (known without counting when this run wrote every delivery and
  // nothing was sent yet), then kept up to date from this sender's own results.
  const figures =
    created !== null && claimed === 0
      ? { ...EMPTY_STATS, recipients: created, queued: created }
      : await deps.deliveries.stats(campaignId);
  const reader = new OrderedReader(deps, campaignId, claimed, firstAttempts);
  let sent = 0;
  let lastCheck = 0;
  // Chunks overlap so the pooled connections never wait on the database or on a chunk's slowest
  // email: two chunks are sent at once while the one before is recorded. So at most three chunks
  // are claimed and unrecorded at any moment (what a crash can leave unknown); each claim also
  // marks what was recorded (one update for both).
  let recorded = claimed;
  let recording: Promise<{ next: number | null; upTo: number } | { error: unknown }> | null = null;
  const awaitRecording = async () => {
    if (!recording) return;
    const outcome = await recording;
    recording = null;
    if ('error' in outcome) throw outcome.error;
    if (outcome.next !== null) next = Math.max(next, outcome.next);
    recorded = outcome.upTo;
  };
  type Claimed = { from: number; to: number; slots: QueueSlot[] };
  // The claim, before any of these emails goes out: a conditional update of the mark.
  const claimFirstAttempts = async (from: number): Promise<Claimed | null> => {
    const to = Math.min(from + deps.settings.chunkSize, firstAttempts);
    if (!(await deps.deliveries.claim(campaignId, from, to, recorded))) return null;
    return { from, to, slots: await reader.take(to) };
  };
  // Chunks being sent, oldest first; recorded in that order, so the settled mark only moves forward.
  const inFlight: { chunk: Claimed; done: Promise<{ results: SlotResult[] } | { error: unknown }> }[] = [];
  const startSending = (chunk: Claimed) => {
    claimed = chunk.to;
    figures.queued -= chunk.slots.filter((s) => s.attempt === 1).length;
    inFlight.push({
      chunk,
      done: sendChunk(deps, campaign, compiled, chunk.slots, suppressed).then(
        (results) => ({ results }),
        (error: unknown) => ({ error }),
      ),
    });
  };
  const finishOldest = async () => {
    const oldest = inFlight.shift();
    if (!oldest) return;
    const outcome = await oldest.done;
    if ('error' in outcome) throw outcome.error;
    await awaitRecording();
    const upTo = oldest.chunk.to;
    recording = deps.deliveries.record(campaignId, outcome.results).then(
      (n) => ({ next: n, upTo }),
      (error: unknown) => ({ error }),
    );
    for (const r of outcome.results) {
      if (r.status === 'retry') figures.queued++;
      else {
        figures[r.status]++;
        if (r.status === 'sent') sent++;
      }
    }
  };
  const drain = async () => {
    while (inFlight.length > 0) await finishOldest();
    await awaitRecording();
  };

  try {
    for (;;) {
      if (lease.lost) return { state: 'lease_lost' };
      if (Date.now() - lastCheck >= CHECK_EVERY_MS) {
        lastCheck = Date.now();
        const status = await publishFigures(deps, campaignId, figures);
        const settled = figures.recipients - figures.queued;
        if (figures.recipients > 0) await onProgress(Math.round((100 * settled) / figures.recipients));
        if (status !== 'sending') {
          // Paused or cancelled: the emails already handed to the server are recorded; nothing
          // more is claimed, so pausing leaves nothing unknown.
          await drain();
          return stopped(status, sent);
        }
      }
      await suppressed.refreshEvery(SUPPRESSIONS_EVERY_MS);

      if (claimed < firstAttempts) {
        if (inFlight.length >= SENDING_AT_ONCE) {
          await finishOldest();
          continue;
        }
        const chunk = await claimFirstAttempts(claimed);
        if (chunk) startSending(chunk);
        else lastCheck = 0; // paused or cancelled meanwhile: look at once
        continue;
      }
      // Retries are appended by the recordings: every chunk is recorded before they are read.
      await drain();
      if (claimed >= next) break;
      // Each retry waits for its time, and the order stops at the first one not due.
      const want = Array.from(
        { length: Math.min(deps.settings.chunkSize, next - claimed) },
        (_, i) => claimed + i,
      );
      const found = new Map((await deps.deliveries.retries(campaignId, want)).map((r) => [r.seq, r]));
      const now = clock(deps).getTime();
      const firstNotDue = want.find((seq) => (found.get(seq)?.notBefore.getTime() ?? 0) > now);
      const to = firstNotDue ?? claimed + want.length;
      if (to === claimed) {
        const due = found.get(claimed)!.notBefore.getTime();
        await sleep(Math.min(MAX_IDLE_MS, Math.max(10, due - now)));
        continue;
      }
      const slots = want.filter((seq) => seq < to && found.has(seq)).map((seq) => found.get(seq)!);
      if (!(await deps.deliveries.claim(campaignId, claimed, to, recorded))) {
        lastCheck = 0;
        continue;
      }
      startSending({ from: claimed, to, slots });
      await finishOldest();
    }
    await drain();
    await deps.deliveries.markSettled(campaignId, recorded);
  } finally {
    // Never leave a send or a write behind (a failure surfaces above; here it is only waited for).
    for (const f of inFlight) await f.done;
    if (recording) await recording;
    await reader.close();
  }

  // The final figures are saved before the campaign reads as done.
  const final = await deps.deliveries.stats(campaignId);
  await deps.campaigns.saveStats(campaignId, final);
  const done = await deps.campaigns.transition(campaignId, ['sending'], 'done', { finishedAt: clock(deps) });
  const status = await publishFigures(deps, campaignId, final);
  await onProgress(100);
  if (!done) return stopped(status, sent);
  log.info({ campaignId, ...final }, 'campaign sent');
  return { state: 'done', sent };
}

function stopped(status: CampaignView['status'] | null, sent: number): SendCampaignOutcome {
  if (status === 'cancelled') return { state: 'cancelled', sent };
  if (status === 'paused') return { state: 'paused', sent };
  if (status === 'done') return { state: 'done', sent };
  return { state: 'not_sending' };
}

async function pause(deps: OutreachDeps, campaignId: string, reason: string): Promise<SendCampaignOutcome> {
  await deps.campaigns.transition(campaignId, ['sending'], 'paused', { lastError: reason });
  await publishFigures(deps, campaignId, await deps.deliveries.stats(campaignId));
  return { state: 'paused', sent: 0 };
}

/**
 * Writes the audience as deliveries, resuming after the last customer written. Returns how many it
 * wrote when it wrote them all (null when they existed already or it resumed halfway).
 */
async function createDeliveries(
  deps: OutreachDeps,
  campaign: CampaignView,
  suppressed: SuppressionView,
): Promise<number | null> {
  const progress = await deps.campaigns.audienceProgress(campaign.id);
  if (progress.done) return null;
  const fresh = progress.after === undefined;
  let written = 0;
  const audience = await resolveAudience(deps, campaign.target);
  let after = progress.after;
  for await (const recipients of deps.audience.recipients(audience, {
    after,
    batchSize: deps.settings.audienceBatch,
    now: clock(deps),
  })) {
    written += await deps.deliveries.createMany(
      campaign.id,
      recipients.filter((r) => !suppressed.has(r.email)),
      clock(deps),
    );
    after = recipients[recipients.length - 1]?.customerId ?? after;
    await deps.campaigns.setAudienceProgress(campaign.id, { after, done: false });
  }
  await deps.deliveries.sealFirstAttempts(campaign.id);
  await deps.campaigns.setAudienceProgress(campaign.id, { after, done: true });
  return fresh ? written : null;
}

/** Sends one claimed chunk; returns every attempt's result. */
async function sendChunk(
  deps: OutreachDeps,
  campaign: CampaignView,
  compiled: CompiledCampaign,
  slots: QueueSlot[],
  suppressed: SuppressionView,
): Promise<SlotResult[]> {
  const results: SlotResult[] = [];
  const toSend: QueueSlot[] = [];
  for (const slot of slots) {
    // Unsubscribing puts the address on the suppression list: someone who did since the
    // deliveries were written is not emailed.
    if (suppressed.has(slot.email)) {
      results.push({
        slot,
        status: 'skipped',
        at: clock(deps),
        error: 'unsubscribed or suppressed meanwhile',
      });
    } else toSend.push(slot);
  }
  await deps.rate.acquire(toSend.length);
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
      results.push(resultOf(slot, outcome, clock(deps), deps.settings));
    }),
  );
  return results;
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

/** Saves and pushes the figures; returns the campaign's status (null when it is gone). */
async function publishFigures(
  deps: OutreachDeps,
  campaignId: string,
  figures: CampaignStats,
): Promise<CampaignView['status'] | null> {
  await deps.campaigns.saveStats(campaignId, { ...figures });
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) return null;
  await deps.events.publish('campaign.progress', { campaign });
  return campaign.status;
}

/** The suppression list as the sender sees it: read once, then what was added since, every few seconds. */
class SuppressionView {
  private readonly emails = new Set<string>();
  private latest: Date | null = null;
  private readAt = 0;

  constructor(private readonly deps: Pick<OutreachDeps, 'suppressions'>) {}

  has(email: string): boolean {
    return this.emails.has(email.toLowerCase());
  }

  async refresh(): Promise<void> {
    this.readAt = Date.now();
    const added = await this.deps.suppressions.addedSince(this.latest);
    for (const e of added.emails) this.emails.add(e);
    if (added.latest) this.latest = added.latest;
  }

  async refreshEvery(ms: number): Promise<void> {
    if (Date.now() - this.readAt >= ms) await this.refresh();
  }
}

/** The first attempts in order from one cursor, handed out up to a place at a time. */
class OrderedReader {
  private iterator: AsyncIterator<QueueSlot[]> | null = null;
  private buffer: QueueSlot[] = [];

  constructor(
    private readonly deps: Pick<OutreachDeps, 'deliveries'>,
    private readonly campaignId: string,
    private readonly from: number,
    private readonly end: number,
  ) {}

  /** The first attempts placed below `upTo` not yet taken (places of duplicates are empty). */
  async take(upTo: number): Promise<QueueSlot[]> {
    this.iterator ??= this.deps.deliveries
      .firstAttempts(this.campaignId, this.from, 500)
      [Symbol.asyncIterator]();
    while ((this.buffer.at(-1)?.seq ?? -1) < upTo - 1) {
      const next = await this.iterator.next();
      if (next.done) break;
      this.buffer.push(...next.value);
    }
    const cut = this.buffer.findIndex((s) => s.seq >= upTo);
    const taken = cut === -1 ? this.buffer : this.buffer.slice(0, cut);
    this.buffer = cut === -1 ? [] : this.buffer.slice(cut);
    return taken.filter((s) => s.seq < this.end);
  }

  async close(): Promise<void> {
    await this.iterator?.return?.();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
