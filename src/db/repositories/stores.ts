import type { Stores } from '../../core/ports/store.js';
import type { Models } from '../models.js';
import { createAudienceRepository } from './audience-repository.js';
import { createCampaignDeliveryRepository } from './campaign-delivery-repository.js';
import { createCampaignRepository } from './campaign-repository.js';
import { createCannedResponseRepository } from './canned-response-repository.js';
import { createConversationRepository } from './conversation-repository.js';
import { createCorrectionRepository } from './correction-repository.js';
import { createCustomerContextReader } from './customer-context-repository.js';
import { createCustomerFeatureRepository } from './customer-feature-repository.js';
import { createCustomerRepository } from './customer-repository.js';
import { createDailyStatsRepository } from './daily-stats-repository.js';
import { createFaqRepository } from './faq-repository.js';
import { createMessageRepository } from './message-repository.js';
import { createOrderRepository } from './order-repository.js';
import { createSegmentationRepository } from './segmentation-repository.js';
import { createStaffRepository } from './staff-repository.js';
import { createSuppressionRepository } from './suppression-repository.js';
import { createTicketRepository } from './ticket-repository.js';

export function createStores(models: Models): Stores {
  return {
    customers: createCustomerRepository(models),
    customerFeatures: createCustomerFeatureRepository(models),
    conversations: createConversationRepository(models),
    messages: createMessageRepository(models),
    tickets: createTicketRepository(models),
    faq: createFaqRepository(models),
    orders: createOrderRepository(models),
    corrections: createCorrectionRepository(models),
    staff: createStaffRepository(models),
    segmentation: createSegmentationRepository(models),
    campaigns: createCampaignRepository(models),
    campaignDeliveries: createCampaignDeliveryRepository(models),
    audience: createAudienceRepository(models),
    suppressions: createSuppressionRepository(models),
    cannedResponses: createCannedResponseRepository(models),
    dailyStats: createDailyStatsRepository(models),
    customerContext: createCustomerContextReader(models),
  };
}
