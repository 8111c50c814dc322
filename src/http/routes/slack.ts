import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SlackHttpIngress } from '../../../bots/slack/ingress.js';
import { SLACK_SIGNATURE_AUTH } from '../schemas/common.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of a Slack request: its signature is over them. */
    rawBody?: string;
  }
}

const SlackHeaders = Type.Object({
  'x-slack-signature': Type.Optional(
    Type.String({ description: 'v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">' }),
  ),
  'x-slack-request-timestamp': Type.Optional(
    Type.String({ description: 'unix seconds; older than 5 minutes is refused' }),
  ),
  'x-slack-retry-num': Type.Optional(Type.String({ description: "Slack's retry count; a retry is a no-op" })),
  'x-slack-retry-reason': Type.Optional(Type.String()),
});

// Slack adds fields to its payloads over time: the documented ones are named, others are accepted
// (refusing them would make Slack retry a request that can never pass).
const EventsBody = Type.Object(
  {
    type: Type.String({ description: 'url_verification or event_callback' }),
    token: Type.Optional(
      Type.String({ description: 'deprecated verification token (ignored; the signature is checked)' }),
    ),
    challenge: Type.Optional(Type.String()),
    team_id: Type.Optional(Type.String()),
    api_app_id: Type.Optional(Type.String()),
    event_id: Type.Optional(Type.String({ description: 'a repeat of an event id is a no-op' })),
    event_time: Type.Optional(Type.Integer()),
    event: Type.Optional(
      Type.Object(
        {
          type: Type.String(),
          user: Type.Optional(Type.String()),
          bot_id: Type.Optional(Type.String()),
          subtype: Type.Optional(Type.String()),
          text: Type.Optional(Type.String()),
          channel: Type.Optional(Type.String()),
          channel_type: Type.Optional(Type.String()),
          ts: Type.Optional(Type.String()),
          thread_ts: Type.Optional(Type.String()),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);

const InteractionsBody = Type.Object(
  {
    payload: Type.Optional(
      Type.String({ description: 'an interactive payload (a ticket button or menu), JSON' }),
    ),
    command: Type.Optional(Type.String({ description: 'a slash command: /parley' })),
    text: Type.Optional(Type.String({ description: "the slash command's text: queue or stats" })),
    user_id: Type.Optional(Type.String()),
    channel_id: Type.Optional(Type.String()),
    team_id: Type.Optional(Type.String()),
    response_url: Type.Optional(Type.String()),
    trigger_id: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const EventsAck = Type.Object(
  { challenge: Type.Optional(Type.String({ description: 'echoed for url_verification' })) },
  { additionalProperties: false },
);
const InteractionAck = Type.Object(
  {
    response_type: Type.Optional(Type.String()),
    text: Type.Optional(Type.String()),
    blocks: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: true, description: "the listener's acknowledgement (a slash command's answer)" },
);

/**
 * Slack's Events API and interactivity, on the app's own server. The body is kept raw to check
 * Slack's signature on every request (before anything else: a bad signature is 401 whatever the
 * body); what a request means is decided by the Bolt app behind `slack` (bots/slack).
 */
export const slackRoutes: FastifyPluginAsyncTypebox<{ slack: SlackHttpIngress | null }> = async (
  app,
  { slack },
) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      request.rawBody = body as string;
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  const handle =
    (kind: 'events' | 'interactions') => async (request: FastifyRequest, reply: FastifyReply) => {
      if (!slack) {
        return reply.status(404).send({
          error: 'not_found',
          message: 'Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)',
        });
      }
      const result = await slack.handle(kind, {
        raw: request.rawBody ?? '',
        body: (request.body ?? {}) as Record<string, unknown>,
        headers: request.headers,
      });
      if (result.status === 200) return reply.status(200).send(result.body ?? {});
      return reply.status(result.status).send(result.body);
    };

  // The signature is checked before the body's shape: an unsigned request learns nothing.
  const verifyFirst = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!slack) return;
    const problem = slack.verify(request.rawBody ?? '', request.headers);
    if (problem) return reply.status(401).send({ error: 'unauthorized', message: problem });
  };

  app.post(
    '/slack/events',
    {
      preValidation: verifyFirst,
      schema: {
        tags: ['slack'],
        summary: "Slack's Events API: customers' messages and agents' replies in ticket threads",
        description:
          'Signed by Slack (401 when the signature is missing, wrong or older than 5 minutes). Answered once the ' +
          "message is stored, well within Slack's 3 s; retries (x-slack-retry-num) and repeated event ids are no-ops.",
        security: SLACK_SIGNATURE_AUTH,
        headers: SlackHeaders,
        body: EventsBody,
        response: { 200: EventsAck },
      },
    },
    handle('events'),
  );

  app.post(
    '/slack/interactions',
    {
      preValidation: verifyFirst,
      schema: {
        tags: ['slack'],
        summary: 'Slack interactivity (the ticket buttons) and the /parley slash command',
        description:
          'Signed by Slack like /slack/events. Form-encoded: `payload` (a button or menu on a ticket post, carrying ' +
          'the ticket id) or a slash command (`command`, `text`). Acknowledged at once; the work follows.',
        security: SLACK_SIGNATURE_AUTH,
        headers: SlackHeaders,
        body: InteractionsBody,
        response: { 200: InteractionAck },
      },
    },
    handle('interactions'),
  );
};
