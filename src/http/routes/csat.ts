import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition/app-context.js';
import { DomainError } from '../../core/errors.js';
import { MAX_CSAT_COMMENT } from '../../core/tickets/csat.js';
import { CsatSchema } from '../../core/views/ticket.js';

const TokenParams = Type.Object({
  token: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$', description: 'the token of a rating link' }),
});
const Rating = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: MAX_CSAT_COMMENT })),
  },
  { additionalProperties: false },
);

const TEXT = {
  en: {
    title: 'How did we do?',
    ask: 'Please rate your conversation with us.',
    labels: ['1 – very poor', '2 – poor', '3 – okay', '4 – good', '5 – excellent'],
    comment: 'Anything you would like to add? (optional)',
    send: 'Send rating',
    thanks: 'Thank you for your rating!',
    already: 'This conversation has been rated already. Thank you!',
    missing: 'This rating link is not valid.',
    choose: 'Please choose a score from 1 to 5.',
  },
  zh: {
    title: '请为我们的服务打分',
    ask: '请为本次对话评分。',
    labels: ['1 分 – 很差', '2 分 – 较差', '3 分 – 一般', '4 分 – 满意', '5 分 – 非常满意'],
    comment: '还有什么想告诉我们的吗？（选填）',
    send: '提交评分',
    thanks: '感谢您的评分！',
    already: '本次对话已经评过分了，谢谢！',
    missing: '评分链接无效。',
    choose: '请选择 1 到 5 分。',
  },
};
type Lang = keyof typeof TEXT;

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const langOf = (request: FastifyRequest): Lang =>
  /^zh/i.test(String(request.headers['accept-language'] ?? '')) ? 'zh' : 'en';

function page(lang: Lang, body: string): string {
  const t = TEXT[lang];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(t.title)}</title><style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC",sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#111827}
fieldset{border:0;padding:0;margin:1rem 0}label{display:block;padding:.35rem 0}textarea{width:100%;min-height:5rem;font:inherit}
button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.4rem;background:#2563eb;color:#fff;cursor:pointer}
.msg{padding:.75rem;border-radius:.4rem;background:#ecfdf5}.err{background:#fef2f2}</style></head><body><main>
<h1>${escapeHtml(t.title)}</h1>${body}</main></body></html>`;
}

function form(lang: Lang, token: string, error?: string): string {
  const t = TEXT[lang];
  const options = t.labels
    .map(
      (label, i) =>
        `<label><input type="radio" name="score" value="${i + 1}" required> ${escapeHtml(label)}</label>`,
    )
    .join('');
  return page(
    lang,
    `${error ? `<p class="msg err" role="alert">${escapeHtml(error)}</p>` : ''}<p>${escapeHtml(t.ask)}</p>
<form method="post" action="/rate/${encodeURIComponent(token)}"><fieldset><legend>${escapeHtml(t.ask)}</legend>${options}</fieldset>
<label for="c">${escapeHtml(t.comment)}</label><textarea id="c" name="comment" maxlength="${MAX_CSAT_COMMENT}"></textarea>
<p><button type="submit">${escapeHtml(t.send)}</button></p></form>`,
  );
}

const notice = (lang: Lang, text: string, error = false) =>
  page(
    lang,
    `<p class="msg${error ? ' err' : ''}" role="${error ? 'alert' : 'status'}">${escapeHtml(text)}</p>`,
  );

const html = { 200: { description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } } };

/**
 * Ratings (CSAT) from customers outside the widget: a small page behind the link the rating
 * request carries (a plain form, no script), and the same as JSON. One rating per ticket.
 */
export const csatRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // The rating page's form posts urlencoded; only this plugin reads that content type.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.post(
    '/api/v1/csat/:token',
    {
      schema: {
        tags: ['csat'],
        summary: 'Rate a resolved conversation 1–5 with the token of its rating link (one rating per ticket)',
        description: '409 when it was rated already; 404 for an unknown token.',
        params: TokenParams,
        body: Rating,
        response: { 201: Type.Object({ csat: CsatSchema }) },
      },
    },
    async (request, reply) => {
      const ticket = await ctx.useCases.csat.submit({ token: request.params.token }, request.body);
      return reply.status(201).send({ csat: ticket.csat as NonNullable<typeof ticket.csat> });
    },
  );

  app.get(
    '/rate/:token',
    {
      schema: {
        tags: ['pages'],
        summary: 'The rating page a CSAT request links to',
        params: TokenParams,
        response: { ...html, 404: html[200] },
      },
    },
    async (request, reply) => {
      const lang = langOf(request);
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
      try {
        const ticket = await ctx.useCases.csat.find(request.params.token);
        return ticket.csat ? notice(lang, TEXT[lang].already) : form(lang, request.params.token);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'not_found') {
          return reply.status(404).send(notice(lang, TEXT[lang].missing, true));
        }
        throw err;
      }
    },
  );

  app.post(
    '/rate/:token',
    {
      schema: {
        tags: ['pages'],
        summary: "The rating page's form",
        params: TokenParams,
        body: Type.Object(
          {
            score: Type.Optional(Type.String({ maxLength: 2 })),
            comment: Type.Optional(Type.String({ maxLength: MAX_CSAT_COMMENT })),
          },
          { additionalProperties: false },
        ),
        response: { ...html, 400: html[200], 404: html[200], 409: html[200] },
      },
    },
    async (request, reply) => {
      const lang = langOf(request);
      const t = TEXT[lang];
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
      const score = Number(request.body.score);
      if (!Number.isInteger(score) || score < 1 || score > 5) {
        return reply.status(400).send(form(lang, request.params.token, t.choose));
      }
      try {
        await ctx.useCases.csat.submit(
          { token: request.params.token },
          { score, comment: request.body.comment },
        );
        return notice(lang, t.thanks);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'conflict')
          return reply.status(409).send(notice(lang, t.already));
        if (err instanceof DomainError && err.code === 'not_found') {
          return reply.status(404).send(notice(lang, t.missing, true));
        }
        throw err;
      }
    },
  );
};
