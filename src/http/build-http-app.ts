import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppContext } from '../composition/app-context.js';
import { trustProxyOption } from './client-address.js';
import { installErrorHandling } from './error-handler.js';
import { registerOpenApi } from './openapi.js';
import { registerQueueDashboard } from './plugins/queue-dashboard.js';
import { csatRoutes } from './routes/csat.js';
import { demoIdentityRoutes } from './routes/demo-identity.js';
import { healthRoutes } from './routes/health.js';
import { slackRoutes } from './routes/slack.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { adminMailRoutes } from './routes/v1/admin-mail.js';
import { agentRoutes } from './routes/v1/agents.js';
import { analyticsRoutes } from './routes/v1/analytics.js';
import { authRoutes } from './routes/v1/auth.js';
import { campaignRoutes } from './routes/v1/campaigns.js';
import { cannedResponseRoutes } from './routes/v1/canned-responses.js';
import { caseRoutes } from './routes/v1/cases.js';
import { customerRoutes } from './routes/v1/customers.js';
import { faqRoutes } from './routes/v1/faq.js';
import { messageRoutes } from './routes/v1/messages.js';
import { needRoutes } from './routes/v1/needs.js';
import { nlpRoutes } from './routes/v1/nlp.js';
import { orderRoutes } from './routes/v1/orders.js';
import { parkedMessageRoutes } from './routes/v1/parked-messages.js';
import { queueRoutes } from './routes/v1/queue.js';
import { segmentRoutes } from './routes/v1/segments.js';
import { shopWebhookRoutes } from './routes/v1/shop-webhook.js';
import { staffSlackRoutes } from './routes/v1/staff-slack.js';
import { ticketRoutes } from './routes/v1/tickets.js';
import { tokenRoutes } from './routes/v1/tokens.js';
import { webhookRoutes } from './routes/v1/webhooks.js';
import { widgetAssets } from './routes/widget-assets.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered (method and URL), for the OpenAPI check and for operators. */
    registeredRoutes: readonly { method: string; url: string }[];
  }
}

/** The HTTP app, not yet listening (the server entry listens; tests use inject or port 0). */
export function buildHttpApp(ctx: AppContext, opts: { isShuttingDown: () => boolean }): FastifyInstance {
  const app = Fastify({
    loggerInstance: ctx.log.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // Only the proxies TRUST_PROXY names may say who the client is (X-Forwarded-For).
    trustProxy: trustProxyOption(ctx.config.trustProxy) as FastifyServerOptions['trustProxy'],
    // allowUnionTypes: a CRM attribute is one of several JSON types (a type list, so coercion keeps each value's own type).
    ajv: { customOptions: { removeAdditional: false, allErrors: false, allowUnionTypes: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routes: { method: string; url: string }[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  installErrorHandling(app, ctx);
  // Security headers on every answer. The pages set their own content security policy (built
  // from their own inline scripts' hashes, routes/widget-assets.ts); JSON needs none.
  app.register(helmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  app.register(async (root) => {
    await registerOpenApi(root, ctx.config.publicUrl);
    root.register(healthRoutes, { checks: ctx.health, isShuttingDown: opts.isShuttingDown });
    root.register(widgetAssets);
    if (ctx.config.env === 'development' && ctx.widgetIdentity) root.register(demoIdentityRoutes, { ctx });
    root.register(unsubscribeRoutes, { ctx });
    await registerQueueDashboard(root, { sessions: ctx.sessions, queues: ctx.dashboardQueues });
    root.register(csatRoutes, { ctx });
    root.register(slackRoutes, { slack: ctx.slack });
    root.register(
      async (v1) => {
        v1.register(authRoutes, { ctx });
        v1.register(messageRoutes, { ctx });
        v1.register(ticketRoutes, { ctx });
        v1.register(faqRoutes, { ctx });
        v1.register(nlpRoutes, { ctx });
        v1.register(segmentRoutes, { ctx });
        v1.register(campaignRoutes, { ctx });
        v1.register(adminMailRoutes, { ctx });
        v1.register(agentRoutes, { ctx });
        v1.register(queueRoutes, { ctx });
        v1.register(cannedResponseRoutes, { ctx });
        v1.register(parkedMessageRoutes, { ctx });
        // The CRM and its public API (issue 21).
        v1.register(customerRoutes, { ctx });
        v1.register(needRoutes, { ctx });
        v1.register(orderRoutes, { ctx });
        v1.register(shopWebhookRoutes, { ctx });
        v1.register(caseRoutes, { ctx });
        v1.register(analyticsRoutes, { ctx });
        v1.register(tokenRoutes, { ctx });
        v1.register(webhookRoutes, { ctx });
        v1.register(staffSlackRoutes, { ctx });
      },
      { prefix: '/api/v1' },
    );
  });
  return app;
}
