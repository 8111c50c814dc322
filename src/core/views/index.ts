/**
 * The shapes the domain hands to the edges (HTTP, sockets, the event bus over Redis): plain and
 * serialisable, ids as strings, times as ISO strings. Each is one TypeBox schema with its type
 * derived from it; HTTP responses, socket payloads, the OpenAPI document and the database
 * mapping all use these.
 */

export * from './analytics.js';
export * from './campaign.js';
export * from './canned-response.js';
export * from './channel.js';
export * from './classification.js';
export * from './conversation.js';
export * from './customer.js';
export * from './customer-context.js';
export * from './faq.js';
export * from './integration.js';
export * from './interaction.js';
export * from './live-queue.js';
export * from './message.js';
export * from './need.js';
export * from './order.js';
export * from './report.js';
export * from './schema-helpers.js';
export * from './segmentation.js';
export * from './staff.js';
export * from './ticket.js';
