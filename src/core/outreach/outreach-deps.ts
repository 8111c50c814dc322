import type { EventBus } from '../events/domain-events.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Locks } from '../ports/locks.js';
import type { DomainLogger } from '../ports/logger.js';
import type {
  AudienceStore,
  CampaignDeliveryStore,
  CampaignStore,
  Mailer,
  OutreachJobs,
  SendRate,
  SuppressionStore,
  TemplateEngine,
  UnsubscribeLinks,
} from '../ports/outreach.js';
import type { SegmentationStore } from '../ports/segmentation.js';

export interface OutreachSettings {
  /** Attempts claimed and handed to the SMTP pool at once; a crash can leave three chunks `unknown`. */
  chunkSize: number;
  /** Tries per delivery when the server answers 4xx (temporarily refused). */
  maxAttempts: number;
  /** First retry after this long, doubling each time (capped at an hour). */
  retryBaseMs: number;
  /** A campaign's sending lock lapses this long after its worker dies. */
  leaseMs: number;
  /** Customers read per batch when creating a campaign's deliveries. */
  audienceBatch: number;
}

export const DEFAULT_OUTREACH: OutreachSettings = {
  chunkSize: 20,
  maxAttempts: 5,
  retryBaseMs: 30_000,
  leaseMs: 15_000,
  audienceBatch: 1000,
};

export interface OutreachDeps {
  campaigns: CampaignStore;
  deliveries: CampaignDeliveryStore;
  audience: AudienceStore;
  suppressions: SuppressionStore;
  segmentation: Pick<SegmentationStore, 'getSegment' | 'currentRun' | 'listSegments'>;
  mailer: Mailer;
  templates: TemplateEngine;
  links: UnsubscribeLinks;
  rate: SendRate;
  jobs: OutreachJobs;
  locks: Locks;
  events: EventBus;
  audit: AuditLog;
  log: DomainLogger;
  settings: OutreachSettings;
  now?: () => Date;
}

export const clock = (deps: Pick<OutreachDeps, 'now'>) => (deps.now ?? (() => new Date()))();
