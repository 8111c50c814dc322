import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ErrorResponse } from './schemas/common.js';

/**
 * The OpenAPI 3 document at /docs/json and a browsable page at /docs, generated from the routes'
 * own TypeBox schemas (the same ones that validate requests and serialise responses). Every
 * route answers errors in one shape; that is added here to each route's responses so the
 * document says so and fastify serialises errors through it.
 */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.url.startsWith('/docs')) return;
    // Routes hidden from the document (the queue dashboard's own) keep their own answers.
    if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
    route.schema ??= {};
    const schema = route.schema as { response?: Record<string, unknown> };
    schema.response = { '4xx': ErrorResponse, '5xx': ErrorResponse, ...(schema.response ?? {}) };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Parley API',
        version: '1',
        description:
          'Customer service: messages in from every channel, tickets, staff, the knowledge base and the learning loop. ' +
          'Errors are `{error, message}` with a 4xx status (503 with Retry-After when a dependency is down).',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          staffBearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A staff session token from POST /api/v1/auth/login',
          },
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'x-api-key',
            description:
              'An API token from POST /api/v1/tokens (scopes per resource), or the legacy INTEGRATION_API_KEY (every scope)',
          },
          shopSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'x-parley-signature',
            description:
              'The shop webhook: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> with SHOP_WEBHOOK_SECRET',
          },
          slackSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'x-slack-signature',
            description:
              "Slack's request signature with x-slack-request-timestamp (v0, HMAC-SHA256 with SLACK_SIGNING_SECRET)",
          },
        },
      },
      tags: [
        { name: 'auth', description: 'Staff sign-in' },
        { name: 'messages', description: 'Customer messages from integrations' },
        { name: 'tickets', description: 'Consultations and complaints staff work on' },
        { name: 'faq', description: 'The knowledge base the bot answers from' },
        { name: 'nlp', description: 'Intent corrections and model versions' },
        {
          name: 'customers',
          description: 'The CRM: customers, identities, merges, timeline, value, privacy',
        },
        { name: 'needs', description: "Customers' needs, tracked to the end" },
        { name: 'orders', description: 'Orders from the shop (signed webhook or API) and their steps' },
        { name: 'analytics', description: "JSON for the console's charts" },
        { name: 'integrations', description: 'API tokens with scopes and outgoing signed webhooks' },
        { name: 'segments', description: 'Customer segments (k-means) and segmentation runs' },
        {
          name: 'outreach',
          description: 'Email campaigns, their deliveries, unsubscribing and the suppression list',
        },
        { name: 'admin', description: 'Administration: the development mail sink' },
        { name: 'agents', description: 'Staff accounts (admins manage them)' },
        { name: 'queue', description: "The supervisor's live queue and reports" },
        { name: 'canned responses', description: 'Saved replies with variables' },
        { name: 'csat', description: "Customers' ratings of resolved conversations" },
        { name: 'slack', description: "Slack's Events API and interactivity (customers, the agents' desk)" },
        { name: 'staff', description: 'Staff accounts and their Slack link' },
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'pages', description: 'The widget script, its demo page and the console' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
