import type { Queue } from 'bullmq';
import type { SlackHttpIngress } from '../../bots/slack/ingress.js';
import type { VisitorTokens } from '../auth/visitor-token.js';
import type { WidgetIdentityVerifier } from '../auth/widget-identity.js';
import type { ApiEvent } from '../channels/api-adapter.js';
import type { WidgetEvent } from '../channels/widget-adapter.js';
import type { Config } from '../config/load-config.js';
import type { EventBus } from '../core/events/domain-events.js';
import type { IngestPipeline } from '../core/ingest/ingest-pipeline.js';
import type { ChannelAdapter } from '../core/ports/channel-adapter.js';
import type { DevMailbox } from '../core/ports/outreach.js';
import type { RateLimiter } from '../core/ports/rate-limiter.js';
import type { SessionStore } from '../core/ports/staff.js';
import type { Stores } from '../core/ports/store.js';
import type { Logger } from '../infra/logger.js';
import type { HealthCheck } from './core.js';
import type { AppUseCases } from './staff-use-cases.js';

/**
 * What the app's edges (HTTP routes, socket namespaces) are given: use cases and stores, never
 * database models or connections. Built once by src/app.ts.
 */
export interface AppContext {
  config: Config;
  log: Logger;
  events: EventBus;
  /** For reads that need no rule; writes go through use cases. */
  stores: Stores;
  pipeline: IngestPipeline;
  useCases: AppUseCases;
  sessions: SessionStore;
  visitors: VisitorTokens;
  /** Verifies the site's signed tokens for widget visitors; null when WIDGET_IDENTITY_SECRET is unset. */
  widgetIdentity: WidgetIdentityVerifier | null;
  /** Shared request counters for the rate limits (RATE_LIMIT_*). */
  limits: RateLimiter;
  /** The adapters of the channels whose events arrive at this app's own edges. */
  adapters: { widget: ChannelAdapter<WidgetEvent>; api: ChannelAdapter<ApiEvent> };
  /** Slack's Events API and interactivity requests (POST /slack/*); null when Slack is off. */
  slack: SlackHttpIngress | null;
  health: HealthCheck[];
  /** The development SMTP sink's folder (DATA_DIR/mail), read at /api/v1/admin/mail. */
  mailbox: DevMailbox;
  /** Every BullMQ queue, for the admins' queue dashboard (/admin/queues) only. */
  dashboardQueues: readonly Queue[];
}
