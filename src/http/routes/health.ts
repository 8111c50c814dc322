import type { FastifyPluginAsync } from 'fastify';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/** Liveness says the process answers; readiness says its dependencies answer too. */
export const healthRoutes: FastifyPluginAsync<{
  checks: HealthCheck[];
  isShuttingDown: () => boolean;
}> = async (app, { checks, isShuttingDown }) => {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
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
  });
};
