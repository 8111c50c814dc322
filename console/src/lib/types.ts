/** The server's view shapes (src/core/views): the console reads exactly what the API and sockets send. */
export type {
  AgentStatus,
  CannedResponseView,
  Channel,
  CustomerContextView,
  DurationStats,
  LiveQueueView,
  MessageView,
  Role,
  StaffMemberView,
  StaffView,
  TicketKind,
  TicketNote,
  TicketPriority,
  TicketStatus,
  TicketSummaryView,
  TicketView,
} from '../../../src/core/views/index.js';

import type { TicketChangeInfo } from '../../../src/core/events/domain-events.js';

export type { TicketChangeInfo };

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const KINDS = ['consultation', 'complaint'] as const;
export const CHANNELS = ['widget', 'api', 'slack', 'discord', 'email'] as const;

export type {
  CampaignDeliveryView,
  CampaignStats,
  CampaignStatus,
  CampaignView,
  CustomerSegmentView,
  EmailPreview,
  ProjectionView,
  SegmentationRunView,
  SegmentView,
} from '../../../src/core/views/index.js';
