import { forbidden, invalid, notFound } from '../errors.js';
import { TemplateError } from '../ports/outreach.js';
import type {
  CampaignDeliveryStatus,
  CampaignDeliveryView,
  CampaignInput,
  CampaignPatch,
  CampaignStatus,
  CampaignView,
  EmailPreview,
  SuppressionReason,
  SuppressionView,
} from '../views/campaign.js';
import type { Actor } from '../views/staff.js';
import { checkTarget, resolveAudience } from './audience.js';
import { clock, type OutreachDeps } from './outreach-deps.js';
import { type CompiledCampaign, compileCampaign, renderEmail } from './render-email.js';

/**
 * Campaigns as supervisors and admins handle them: write a draft (templates checked when saved),
 * preview it and send a test, schedule it, pause, resume or cancel it, watch its figures.
 * Agents do none of this.
 */
const LEADS = new Set(['supervisor', 'admin']);
const mustLead = (actor: Actor) => {
  if (!LEADS.has(actor.role)) throw forbidden('outreach needs the role supervisor or admin');
};

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A made-up recipient for previews when the audience is empty. */
const SAMPLE = { email: 'alex@example.com', name: 'Alex Example' };

function compileOrRefuse(
  deps: Pick<OutreachDeps, 'templates'>,
  source: { subject: string; text: string; html?: string },
): CompiledCampaign {
  try {
    return compileCampaign(deps.templates, source);
  } catch (err) {
    if (err instanceof TemplateError) throw invalid(`the template does not compile: ${err.message}`);
    throw err;
  }
}

async function checkSegmentsExist(
  deps: Pick<OutreachDeps, 'segmentation'>,
  ids: readonly string[] | undefined,
) {
  for (const id of ids ?? []) {
    if (!(await deps.segmentation.getSegment(id))) throw invalid(`segment ${id} does not exist`);
  }
}

async function mustGet(deps: Pick<OutreachDeps, 'campaigns'>, id: string): Promise<CampaignView> {
  const campaign = await deps.campaigns.get(id);
  if (!campaign) throw notFound('campaign');
  return campaign;
}

export async function createCampaign(
  deps: OutreachDeps,
  actor: Actor,
  input: CampaignInput,
): Promise<CampaignView> {
  mustLead(actor);
  checkTarget(input.target);
  compileOrRefuse(deps, input);
  await checkSegmentsExist(deps, input.target.segmentIds);
  const campaign = await deps.campaigns.create({ ...input, createdBy: actor.id, at: clock(deps) });
  await deps.audit.record({
    actor,
    action: 'campaign.create',
    target: { kind: 'campaign', id: campaign.id },
  });
  return campaign;
}

export async function updateCampaign(
  deps: OutreachDeps,
  actor: Actor,
  id: string,
  patch: CampaignPatch,
): Promise<CampaignView> {
  mustLead(actor);
  const before = await mustGet(deps, id);
  if (before.status !== 'draft')
    throw invalid(`only a draft can be edited; this campaign is ${before.status}`);
  const next = { ...before, ...patch };
  checkTarget(next.target);
  compileOrRefuse(deps, next);
  if (patch.target) await checkSegmentsExist(deps, patch.target.segmentIds);
  const updated = await deps.campaigns.updateDraft(id, patch, clock(deps));
  if (!updated) throw invalid('the campaign left the draft state meanwhile; reload it');
  await deps.audit.record({ actor, action: 'campaign.update', target: { kind: 'campaign', id } });
  return updated;
}

export async function getCampaign(
  deps: OutreachDeps,
  actor: Actor,
  id: string,
  opts: { recount?: boolean } = {},
): Promise<CampaignView> {
  mustLead(actor);
  const campaign = await mustGet(deps, id);
  // The figures the sender keeps (live while it sends); a recount reads every delivery.
  return opts.recount ? { ...campaign, stats: await deps.deliveries.stats(id) } : campaign;
}

export async function listCampaigns(
  deps: OutreachDeps,
  actor: Actor,
  filter: { status?: CampaignStatus; limit: number },
): Promise<CampaignView[]> {
  mustLead(actor);
  return deps.campaigns.list(filter);
}

export async function listCampaignDeliveries(
  deps: OutreachDeps,
  actor: Actor,
  id: string,
  filter: { status?: CampaignDeliveryStatus; limit: number },
): Promise<CampaignDeliveryView[]> {
  mustLead(actor);
  await mustGet(deps, id);
  return deps.deliveries.list(id, filter);
}

export async function previewCampaign(
  deps: OutreachDeps,
  actor: Actor,
  id: string,
  input: { customerId?: string },
): Promise<EmailPreview> {
  mustLead(actor);
  const campaign = await mustGet(deps, id);
  const compiled = compileOrRefuse(deps, campaign);
  const audience = await resolveAudience(deps, campaign.target);
  // Who would be emailed now: the audience less suppressed addresses, as sending counts them.
  let recipients = 0;
  let first: { email: string; name?: string } | null = null;
  for await (const batch of deps.audience.recipients(audience, { batchSize: 1000, now: clock(deps) })) {
    const suppressed = await deps.suppressions.suppressed(batch.map((r) => r.email));
    const reachable = batch.filter((r) => !suppressed.has(r.email));
    first ??= reachable[0] ?? null;
    recipients += reachable.length;
  }
  let recipient = first;
  if (input.customerId) {
    recipient = await deps.audience.get(input.customerId);
    if (!recipient) throw notFound('customer');
  }
  const email = renderEmail(compiled, {
    campaignName: campaign.name,
    recipient: recipient ?? SAMPLE,
    // A preview's link is a test link: following it unsubscribes no one.
    unsubscribeUrl: deps.links.url({ customerId: null, campaignId: id }),
  });
  return { to: (recipient ?? SAMPLE).email, ...email, sample: recipient === null, recipients };
}

export async function requestTestSend(
  deps: OutreachDeps,
  actor: Actor,
  id: string,
  to: string,
): Promise<{ jobId: string | null }> {
  mustLead(actor);
  const address = to.trim().toLowerCase();
  if (!EMAIL.test(address)) throw invalid('to must be an email address');
  const campaign = await mustGet(deps, id);
  compileOrRefuse(deps, campaign);
  const job = await deps.jobs.testSend({ campaignId: id, to: address, requestedBy: actor.id });
  await deps.audit.record({
    actor,
    action: 'campaign.test_send',
    target: { kind: 'campaign', id },
    details: { to: address },
  });
  return job;
}

/** The test-send job: one email to one address, rendered for the first recipient (or a sample), no delivery record. */
export async function sendTestEmail(
  deps: OutreachDeps,
  input: { campaignId: string; to: string },
): Promise<{ status: 'accepted' | 'rejected' | 'unknown'; detail: string }> {
  const campaign = await deps.campaigns.get(input.campaignId);
  if (!campaign) return { status: 'rejected', detail: 'the campaign no longer exists' };
  const compiled = compileCampaign(deps.templates, campaign);
  let recipient: { email: string; name?: string } = SAMPLE;
  const audience = await resolveAudience(deps, campaign.target).catch(() => null);
  if (audience) {
    for await (const batch of deps.audience.recipients(audience, { batchSize: 1, now: clock(deps) })) {
      recipient = batch[0] ?? SAMPLE;
      break;
    }
  }
  const unsubscribeUrl = deps.links.url({ customerId: null, campaignId: campaign.id });
  const email = renderEmail(compiled, { campaignName: campaign.name, recipient, unsubscribeUrl });
  await deps.rate.acquire(1);
  const outcome = await deps.mailer.send({
    to: input.to,
    subject: `[Test] ${email.subject}`,
    text: email.text,
    ...(email.html ? { html: email.html } : {}),
    messageId: `${campaign.id}.test.${clock(deps).getTime()}`,
    unsubscribeUrl,
    headers: { 'X-Parley-Campaign': campaign.id, 'X-Parley-Test': 'true' },
  });
  if (outcome.status === 'accepted') return { status: 'accepted', detail: outcome.response };
  if (outcome.status === 'rejected' && !outcome.permanent) {
    // A temporary refusal: the job retries it.
    throw new Error(
      `the SMTP server refused the test email for now: ${outcome.code ?? ''} ${outcome.reason}`,
    );
  }
  return {
    status: outcome.status,
    detail: outcome.status === 'rejected' ? `${outcome.code ?? ''} ${outcome.reason}` : outcome.reason,
  };
}

export async function scheduleCampaign(
  deps: OutreachDeps,
  actor: Actor,
  id: string,
  input: { at?: string },
): Promise<CampaignView> {
  mustLead(actor);
  const campaign = await mustGet(deps, id);
  if (campaign.status !== 'draft')
    throw invalid(`only a draft can be scheduled; this campaign is ${campaign.status}`);
  compileOrRefuse(deps, campaign);
  await resolveAudience(deps, campaign.target);
  const now = clock(deps);
  const at = input.at ? new Date(input.at) : now;
  if (Number.isNaN(at.getTime())) throw invalid('at must be a date and time');
  const when = at.getTime() < now.getTime() ? now : at;
  const scheduled = await deps.campaigns.transition(id, ['draft'], 'scheduled', {
    scheduledAt: when,
    lastError: null,
  });
  if (!scheduled) throw invalid('the campaign left the draft state meanwhile; reload it');
  await deps.jobs.runCampaign(id, when);
  await deps.audit.record({
    actor,
    action: 'campaign.schedule',
    target: { kind: 'campaign', id },
    details: { at: when.toISOString() },
  });
  await deps.events.publish('campaign.progress', { campaign: scheduled });
  return scheduled;
}

export async function pauseCampaign(deps: OutreachDeps, actor: Actor, id: string): Promise<CampaignView> {
  mustLead(actor);
  const before = await mustGet(deps, id);
  const paused = await deps.campaigns.transition(id, ['scheduled', 'sending'], 'paused');
  if (!paused)
    throw invalid(`only a scheduled or sending campaign can be paused; this one is ${before.status}`);
  await deps.audit.record({ actor, action: 'campaign.pause', target: { kind: 'campaign', id } });
  await deps.events.publish('campaign.progress', { campaign: paused });
  return paused;
}

export async function resumeCampaign(deps: OutreachDeps, actor: Actor, id: string): Promise<CampaignView> {
  mustLead(actor);
  const before = await mustGet(deps, id);
  if (before.status !== 'paused')
    throw invalid(`only a paused campaign can be resumed; this one is ${before.status}`);
  // Back to where it was paused: sending if it had started, otherwise waiting for its time.
  const to = before.startedAt ? 'sending' : 'scheduled';
  const resumed = await deps.campaigns.transition(id, ['paused'], to, { lastError: null });
  if (!resumed) throw invalid('the campaign changed meanwhile; reload it');
  const at = resumed.scheduledAt ? new Date(resumed.scheduledAt) : undefined;
  await deps.jobs.runCampaign(id, to === 'scheduled' ? at : undefined);
  await deps.audit.record({ actor, action: 'campaign.resume', target: { kind: 'campaign', id } });
  await deps.events.publish('campaign.progress', { campaign: resumed });
  return resumed;
}

export async function cancelCampaign(deps: OutreachDeps, actor: Actor, id: string): Promise<CampaignView> {
  mustLead(actor);
  const before = await mustGet(deps, id);
  const cancelled = await deps.campaigns.transition(
    id,
    ['draft', 'scheduled', 'sending', 'paused'],
    'cancelled',
    {
      finishedAt: clock(deps),
    },
  );
  if (!cancelled) throw invalid(`a ${before.status} campaign cannot be cancelled`);
  // Emails already handed to the server cannot be recalled; no one still waiting is sent to (the
  // sender stops claiming once the campaign is not sending).
  await deps.audit.record({ actor, action: 'campaign.cancel', target: { kind: 'campaign', id } });
  const stats = await deps.deliveries.stats(id);
  await deps.campaigns.saveStats(id, stats);
  const view = { ...cancelled, stats };
  await deps.events.publish('campaign.progress', { campaign: view });
  return view;
}

/** The periodic job: queues the sending of every campaign due or still sending (a lost job is re-queued). */
export async function dispatchDueCampaigns(deps: OutreachDeps): Promise<number> {
  const due = await deps.campaigns.listDue(clock(deps), 100);
  for (const c of due) await deps.jobs.runCampaign(c.id);
  return due.length;
}

export async function listSuppressions(
  deps: OutreachDeps,
  actor: Actor,
  limit: number,
): Promise<SuppressionView[]> {
  mustLead(actor);
  return deps.suppressions.list(limit);
}

export async function addSuppression(
  deps: OutreachDeps,
  actor: Actor,
  input: { email: string; reason?: SuppressionReason },
): Promise<SuppressionView> {
  mustLead(actor);
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw invalid('email must be an email address');
  const at = clock(deps);
  const reason = input.reason ?? 'manual';
  await deps.suppressions.add({ email, reason, source: `staff:${actor.id}`, at });
  await deps.audit.record({ actor, action: 'outreach.suppress', details: { email, reason } });
  return { email, reason, source: `staff:${actor.id}`, at: at.toISOString() };
}
