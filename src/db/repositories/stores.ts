import type { Stores } from '../../core/ports/store.js';
import type { Models } from '../models.js';
import { createConversationRepository } from './conversation-repository.js';
import { createCustomerRepository } from './customer-repository.js';
import { createMessageRepository } from './message-repository.js';
import { createTicketRepository } from './ticket-repository.js';

export function createStores(models: Models): Stores {
  return {
    customers: createCustomerRepository(models),
    conversations: createConversationRepository(models),
    messages: createMessageRepository(models),
    tickets: createTicketRepository(models),
  };
}
