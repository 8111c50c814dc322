import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../composition/app-context.js';
import { DEMO_CUSTOMERS } from '../../core/demo/demo-shop-data.js';
import { notFound } from '../../core/errors.js';

/**
 * Development only (registered when NODE_ENV=development): signs a widget identity token for a
 * demo shop customer, as a real site's backend would for its signed-in user, so the demo page
 * can show a verified visitor asking about their own orders.
 */
export const demoIdentityRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/demo/identity-token',
    {
      schema: {
        tags: ['pages'],
        summary: 'A signed widget identity token for a demo customer (development only)',
        querystring: Type.Object(
          { user: Type.String({ minLength: 1, maxLength: 50, pattern: '^[a-z0-9-]+$' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ token: Type.String(), name: Type.String() }) },
      },
    },
    async (request) => {
      const demo = DEMO_CUSTOMERS.find((c) => c.siteUserId === request.query.user);
      if (!demo || !ctx.widgetIdentity) throw notFound('demo customer');
      const token = await ctx.widgetIdentity.signForDemo({
        sub: demo.siteUserId,
        name: demo.name,
        email: demo.email,
      });
      return { token, name: demo.name };
    },
  );
};
