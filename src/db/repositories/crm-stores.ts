import type { CrmStores } from '../../core/ports/crm.js';
import type { Models } from '../models.js';
import {
  createInteractionRepository,
  createNeedRepository,
  createTimelineRepository,
} from './crm-activity-repository.js';
import { createAnalyticsRepository } from './crm-analytics-repository.js';
import { createCrmCustomerRepository } from './crm-customer-repository.js';
import { createApiTokenRepository, createWebhookRepository } from './crm-integration-repository.js';
import { createCrmMergeRepository } from './crm-merge-repository.js';
import { createPrivacyRepository } from './crm-privacy-repository.js';
import { createOrderRepository } from './order-repository.js';
import { createSettingsRepository } from './settings-repository.js';

/** The CRM's stores (src/core/ports/crm.ts), beside the pipeline's (stores.ts). */
export function createCrmStores(models: Models): CrmStores {
  return {
    customers: createCrmCustomerRepository(models),
    merges: createCrmMergeRepository(models),
    interactions: createInteractionRepository(models),
    needs: createNeedRepository(models),
    orders: createOrderRepository(models),
    privacy: createPrivacyRepository(models),
    tokens: createApiTokenRepository(models),
    webhooks: createWebhookRepository(models),
    analytics: createAnalyticsRepository(models),
    timeline: createTimelineRepository(models),
    settings: createSettingsRepository(models),
  };
}
