import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { HealthCheck } from '../../composition/core.js';

const Ready = Type.Object({
  status: Type.String({ description: 'ready | not ready' }),
  checks: Type.Record(Type.String(), Type.String(), { description: "each dependency: 'ok' or what failed" }),
});

/** Liveness says the process answers; readiness says its dependencies answer too. */
export const healthRoutes: FastifyPluginAsyncTypebox<{
  checks: HealthCheck[];
  isShuttingDown: () => boolean;
}> = async (app, { checks, isShuttingDown }) => {
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        summary: 'The process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'The process and its dependencies answer (503 otherwise, or while shutting down)',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const results: Record<string, string> = {};
      let ok = !isShuttingDown();
      await Promise.all(
        checks.map(async (c) => {
          try {
            await Promise.race([
              c.check(),
              new Promise((_, reject) =>
                setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref(),
              ),
            ]);
            results[c.name] = 'ok';
          } catch (err) {
            ok = false;
            results[c.name] = (err as Error).message;
          }
        }),
      );
      if (isShuttingDown()) results.process = 'shutting down';
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks: results });
    },
  );
};
