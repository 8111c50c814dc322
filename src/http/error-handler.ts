import type { FastifyError, FastifyInstance } from 'fastify';
import type { AppContext } from '../composition/app-context.js';
import { DomainError, type DomainErrorCode, MovedError } from '../core/errors.js';
import { isDependencyDown, unavailable } from '../infra/dependency-errors.js';

export const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  too_many_attempts: 429,
  unavailable: 503,
  moved: 301,
};

/**
 * One translation from errors to responses: domain errors keep their message, request
 * validation errors say what was wrong, and anything unexpected is logged and answered with a
 * generic 500 that reveals nothing.
 */
export function installErrorHandling(app: FastifyInstance, ctx: Pick<AppContext, 'limits' | 'config'>): void {
  app.setErrorHandler((caught: FastifyError | DomainError | Error, request, reply) => {
    let err = caught;
    if (isDependencyDown(err)) {
      request.log.warn({ err }, 'a dependency is down');
      err = unavailable();
    }
    if (err instanceof MovedError) {
      // A merged record answers with where it went: `Location` and the id in the body.
      return reply
        .status(301)
        .header('location', request.url.split('?')[0]?.replace(err.from, err.to) ?? '')
        .send({ error: err.code, message: err.message, mergedInto: err.to });
    }
    if (err instanceof DomainError) {
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.status(STATUS_BY_CODE[err.code]).send({ error: err.code, message: err.message });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({ error: 'validation_failed', message: fe.message });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, body too large, unsupported media type…
      return reply.status(fe.statusCode).send({ error: fe.code ?? 'bad_request', message: fe.message });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: 'Something went wrong on our side.' });
  });
  app.setNotFoundHandler(async (request, reply) => {
    // Scanners walk through paths: past the limit they wait, and so do we.
    const wait = await ctx.limits.hit('not-found', request.ip, ctx.config.rateLimits.notFoundPerMinute, 60);
    if (wait > 0) {
      return reply
        .status(429)
        .header('retry-after', String(wait))
        .send({
          error: 'rate_limited',
          message: `Too many requests for unknown paths; try again in ${wait} s.`,
        });
    }
    return reply
      .status(404)
      .send({ error: 'not_found', message: `No route ${request.method} ${request.url}` });
  });
}
