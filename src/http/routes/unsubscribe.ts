import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../composition/app-context.js';
import { DomainError } from '../../core/errors.js';

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:.375rem;background:#2a5bd7;color:#fff;cursor:pointer}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;

const Token = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 120, pattern: '^[A-Za-z0-9_.-]+$' }) },
  { additionalProperties: false },
);
const HtmlPage = Type.String({ description: 'an HTML page' });

/**
 * Unsubscribing without signing in, from the signed link in every campaign email:
 * - GET shows a page with one button (link scanners that open links must not unsubscribe anyone);
 * - POST unsubscribes: the button's form, or a mail client's RFC 8058 one-click request
 *   (`List-Unsubscribe=One-Click`, form-encoded or multipart), which needs no page at all.
 */
export const unsubscribeRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Forms and one-click requests: the body is read as text, only to tell them apart.
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'multipart/form-data'],
    { parseAs: 'string', bodyLimit: 8192 },
    (_request, body, done) => done(null, body),
  );
  const outreach = ctx.useCases.outreach;
  // A person follows these links: errors they can act on are a page too, not JSON.
  const invalidPage = (err: unknown): string => {
    if (err instanceof DomainError && err.code === 'validation_failed') {
      return page('This link does not work', `<p>${err.message}</p>`);
    }
    throw err;
  };
  app.addHook('onRequest', async (_request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
  });

  app.get(
    '/unsubscribe/:token',
    {
      schema: {
        tags: ['outreach'],
        summary: 'The unsubscribe page of a campaign email (no sign-in; the link is signed)',
        params: Token,
        response: { 200: HtmlPage, 400: HtmlPage },
      },
    },
    async (request, reply) => {
      try {
        const link = outreach.readUnsubscribeLink(request.params.token);
        const note =
          link.kind === 'test'
            ? '<p>This link comes from a test email; pressing it changes nothing.</p>'
            : '';
        return page(
          'Unsubscribe',
          `<p>Stop receiving these emails from us?</p>${note}<form method="post"><input type="hidden" name="confirm" value="yes"><button type="submit">Unsubscribe</button></form>`,
        );
      } catch (err) {
        reply.status(400);
        return invalidPage(err);
      }
    },
  );

  app.post(
    '/unsubscribe/:token',
    {
      schema: {
        tags: ['outreach'],
        summary: 'Unsubscribe: the page’s button, or one-click from a mail client (RFC 8058)',
        params: Token,
        body: Type.Optional(Type.String({ maxLength: 8192 })),
        response: { 200: HtmlPage, 400: HtmlPage },
      },
    },
    async (request, reply) => {
      const oneClick =
        typeof request.body === 'string' && request.body.includes('List-Unsubscribe=One-Click');
      try {
        const result = await outreach.unsubscribe(request.params.token, oneClick ? 'one-click' : 'link');
        const text =
          result.status === 'test'
            ? '<p>This was a test email, so nothing changed.</p>'
            : '<p>You will not receive these emails from us any more.</p>';
        return page(result.status === 'test' ? 'Nothing to do' : 'You are unsubscribed', text);
      } catch (err) {
        reply.status(400);
        return invalidPage(err);
      }
    },
  );
};
