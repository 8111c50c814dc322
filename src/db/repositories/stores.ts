import type { Stores } from '../../core/ports/store.js';
import type { Models } from '../models.js';
import { createCannedResponseRepository } from './canned-response-repository.js';
import { createConversationRepository } from './conversation-repository.js';
import { createCorrectionRepository } from './correction-repository.js';
import { createCustomerContextReader } from './customer-context-repository.js';
import { createCustomerRepository } from './customer-repository.js';
import { createDailyStatsRepository } from './daily-stats-repository.js';
import { createFaqRepository } from './faq-repository.js';
import { createMessageRepository } from './message-repository.js';
import { createOrderRepository } from './order-repository.js';
import { createStaffRepository } from './staff-repository.js';
import { createTicketRepository } from './ticket-repository.js';

export function createStores(models: Models): Stores {
  return {
    customers: createCustomerRepository(models),
    conversations: createConversationRepository(models),
    messages: createMessageRepository(models),
    tickets: createTicketRepository(models),
    faq: createFaqRepository(models),
    orders: createOrderRepository(models),
    corrections: createCorrectionRepository(models),
    staff: createStaffRepository(models),
    cannedResponses: createCannedResponseRepository(models),
    dailyStats: createDailyStatsRepository(models),
    customerContext: createCustomerContextReader(models),
  };
}
