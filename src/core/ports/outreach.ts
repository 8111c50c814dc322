import type {
  AudienceFilter,
  CampaignDeliveryStatus,
  CampaignDeliveryView,
  CampaignInput,
  CampaignPatch,
  CampaignStats,
  CampaignStatus,
  CampaignTarget,
  CampaignView,
  SuppressionReason,
  SuppressionView,
} from '../views/campaign.js';

/** Someone a campaign may email: consent given, not unsubscribed, an email address. */
export interface Recipient {
  customerId: string;
  email: string;
  name?: string;
}

/** The audience query resolved by core: segments (of the run in use) and a filter. */
export interface Audience {
  segments?: { runId: string; segmentIds: string[] };
  filter?: AudienceFilter;
}

/** Customers as outreach sees them (src/db/repositories/audience-repository.ts). */
export interface AudienceStore {
  /** The reachable members of an audience in _id order after `after`, a batch at a time. */
  recipients(
    audience: Audience,
    opts: { after?: string; batchSize: number; now: Date },
  ): AsyncIterable<Recipient[]>;
  /** A customer by id, whether or not reachable (preview). */
  get(customerId: string): Promise<(Recipient & { reachable: boolean }) | null>;
  /** Records an unsubscription (the first time only); returns the customer's email, null when there is no such customer. */
  unsubscribe(customerId: string, at: Date): Promise<{ email?: string; already: boolean } | null>;
}

export interface CampaignStore {
  create(input: CampaignInput & { createdBy: string; at: Date }): Promise<CampaignView>;
  get(id: string): Promise<CampaignView | null>;
  list(filter: { status?: CampaignStatus; limit: number }): Promise<CampaignView[]>;
  /** Edits a draft; null when it is not (or no longer) a draft. */
  updateDraft(id: string, patch: CampaignPatch, at: Date): Promise<CampaignView | null>;
  /**
   * Moves the campaign from one of `from` to `to` (compare-and-set), setting `set` too; null when
   * its status was not one of `from`.
   */
  transition(
    id: string,
    from: readonly CampaignStatus[],
    to: CampaignStatus,
    set?: { scheduledAt?: Date; startedAt?: Date; finishedAt?: Date; lastError?: string | null },
  ): Promise<CampaignView | null>;
  /** How far creating the deliveries got (the last customer id), so a restart resumes there. */
  audienceProgress(id: string): Promise<{ after?: string; done: boolean }>;
  setAudienceProgress(id: string, progress: { after?: string; done: boolean }): Promise<void>;
  saveStats(id: string, stats: CampaignStats): Promise<void>;
  /** One more recipient unsubscribed (kept on the figures of a campaign that is over, too). */
  countUnsubscribed(id: string): Promise<void>;
  /** Scheduled campaigns due by `now`, and every campaign sending. */
  listDue(now: Date, limit: number): Promise<CampaignView[]>;
}

/**
 * One attempt to email one delivery, at its place (`seq`) in the campaign's send order: first the
 * deliveries' first attempts (0..firstAttempts-1, in customer order), then retries after a 4xx,
 * appended as they happen.
 */
export interface QueueSlot {
  seq: number;
  deliveryId: string;
  customerId: string;
  email: string;
  name?: string;
  attempt: number;
}

/** What became of one claimed attempt. `retry`: refused for now (4xx), tried again at nextAttemptAt. */
export type SlotResult =
  | { slot: QueueSlot; status: 'sent'; at: Date; response: string }
  | { slot: QueueSlot; status: 'failed' | 'unknown' | 'skipped'; at: Date; error: string }
  | { slot: QueueSlot; status: 'retry'; at: Date; error: string; nextAttemptAt: Date };

/** Where a campaign's send order stands. */
export interface SendQueue {
  /** Places allocated so far (first attempts, then retries). */
  next: number;
  /** Places below this were taken by a sender. */
  claimed: number;
  /** Places below this have their results. */
  settled: number;
  /** How many places the first attempts took (known once every delivery is written). */
  firstAttempts: number | null;
}

/**
 * A campaign's deliveries and their send order (src/db/repositories/campaign-delivery-repository.ts).
 * One delivery per (campaign, customer) and per (campaign, address), under unique indexes, so a
 * retry or a restart never creates a second. A sender claims places in order by moving the
 * campaign's claim mark forward with one conditional update (from where it was, only while the
 * campaign is sending), so a place is claimed once, before its email goes out; each result is
 * inserted once (keyed by the place). Nothing is updated per email, and the hot path reads by
 * key only: on FerretDB an update or a range query costs far more than an insert or a key lookup.
 */
export interface CampaignDeliveryStore {
  /** Creates the deliveries of these recipients in this order; existing ones are left alone. Returns how many were new. */
  createMany(campaignId: string, recipients: Recipient[], at: Date): Promise<number>;
  /** Every delivery is written: the first attempts end where the order ends now. */
  sealFirstAttempts(campaignId: string): Promise<number>;
  queue(campaignId: string): Promise<SendQueue | null>;
  /** The first attempts from `fromSeq` on, in order, a batch at a time (one cursor). */
  firstAttempts(campaignId: string, fromSeq: number, batchSize: number): AsyncIterable<QueueSlot[]>;
  /** The retries at these places (by key), with when each may be tried. */
  retries(campaignId: string, seqs: number[]): Promise<(QueueSlot & { notBefore: Date })[]>;
  /**
   * Moves the claim mark from `from` to `to` if it is still at `from` and the campaign is
   * sending; in the same update, marks the places below `settled` as having their results.
   */
  claim(campaignId: string, from: number, to: number, settled: number): Promise<boolean>;
  /**
   * Records the results of claimed attempts (insert-once each) and appends the retries. Returns
   * where the order now ends when retries were appended, else null.
   */
  record(campaignId: string, results: SlotResult[]): Promise<number | null>;
  /** Marks the places below `upTo` as having their results (the claim does it on the way). */
  markSettled(campaignId: string, upTo: number): Promise<void>;
  /**
   * Places claimed but never settled (their sender died): whether the SMTP server took those
   * emails cannot be known, so they are recorded `unknown` (counted, never resent). Returns how many.
   */
  recoverInterrupted(campaignId: string, at: Date): Promise<number>;
  /** Notes that the customer unsubscribed with this campaign's link; true the first time. */
  markUnsubscribed(campaignId: string, customerId: string, at: Date): Promise<boolean>;
  /** Figures counted from the deliveries and results (a scan: for the start and end of a run). */
  stats(campaignId: string): Promise<CampaignStats>;
  list(
    campaignId: string,
    filter: { status?: CampaignDeliveryStatus; limit: number },
  ): Promise<CampaignDeliveryView[]>;
}

/** Addresses no campaign may email, whoever they belong to (unique by address). */
export interface SuppressionStore {
  add(entry: { email: string; reason: SuppressionReason; source?: string; at: Date }): Promise<void>;
  /** Which of these addresses are suppressed. */
  suppressed(emails: string[]): Promise<Set<string>>;
  /** Every address added after `since` (all when null), and the latest time among them. */
  addedSince(since: Date | null): Promise<{ emails: string[]; latest: Date | null }>;
  list(limit: number): Promise<SuppressionView[]>;
}

/** Email out (nodemailer over pooled SMTP connections in src/infra/smtp-mailer.ts). */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable per (campaign, customer), so even a duplicate could be recognised downstream. */
  messageId: string;
  /** For the List-Unsubscribe header; one-click (RFC 8058) adds List-Unsubscribe-Post. */
  unsubscribeUrl?: string;
  headers?: Record<string, string>;
}

/**
 * accepted: the server answered 250 to the message. rejected: it refused it before taking it
 * (permanent for 5xx, temporary for 4xx or a connection that never got to send). unknown: the
 * connection broke after the message may have been taken, so it cannot be said.
 */
export type SendOutcome =
  | { status: 'accepted'; response: string }
  | { status: 'rejected'; permanent: boolean; code?: number; reason: string }
  | { status: 'unknown'; reason: string };

export interface Mailer {
  /** False when no SMTP server is configured: campaigns then pause with the reason instead of failing deliveries. */
  readonly configured: boolean;
  send(email: OutgoingEmail): Promise<SendOutcome>;
  close(): Promise<void>;
}

/** Compiles the campaign templates (Handlebars in src/infra/templates.ts); a syntax error throws TemplateError. */
export interface TemplateEngine {
  /** html: every {{value}} is HTML-escaped; text: nothing is escaped. */
  compile(source: string, mode: 'html' | 'text'): (vars: Record<string, unknown>) => string;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Signed unsubscribe links that work without signing in (src/auth/unsubscribe-links.ts). */
export interface UnsubscribeLinks {
  /** customerId null: a test email (the link says so and changes nothing). */
  url(payload: { customerId: string | null; campaignId: string }): string;
  verify(token: string): { customerId: string | null; campaignId: string } | null;
}

/** Emails per second across every worker (a Redis window in src/infra/send-rate.ts). */
export interface SendRate {
  /** Resolves when `n` more emails may go out. */
  acquire(n: number): Promise<void>;
}

/** Jobs outreach asks for (BullMQ producers in src/infra/queues.ts). */
export interface OutreachJobs {
  /** Runs (or resumes) the campaign's sending, at `at` or now; a second request while one waits or runs joins it. */
  runCampaign(campaignId: string, at?: Date): Promise<void>;
  testSend(input: { campaignId: string; to: string; requestedBy: string }): Promise<{ jobId: string | null }>;
}

export type { CampaignTarget };

/** An email the development SMTP sink kept (src/infra/mail-folder.ts reads DATA_DIR/mail). */
export interface MailSummary {
  id: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  size: number;
}

export interface MailMessage extends MailSummary {
  text?: string;
  html?: string;
  headers: Record<string, string>;
}

export interface DevMailbox {
  /** Where the sink writes, for people to open with their own mail tools. */
  readonly directory: string;
  list(limit: number): Promise<MailSummary[]>;
  get(id: string): Promise<MailMessage | null>;
}
