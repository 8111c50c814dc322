import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore, StaffSession } from '../../core/ports/staff.js';
import { bearerToken } from './staff-auth.js';

export const DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'parley_queues';
/** The dashboard's cookie lasts this long; the staff session behind it is checked on every request. */
const COOKIE_SECONDS = 15 * 60;

function cookieToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const refuse = (reply: FastifyReply, status: 401 | 403, message: string) =>
  reply
    .status(status)
    .type('application/json')
    .send({ error: status === 401 ? 'unauthorized' : 'forbidden', message });

/**
 * Bull Board (waiting, active, delayed, failed jobs; retry, remove) at /admin/queues, for admins
 * only. A browser opens /admin/queues?token=<staff session token> once: the token is exchanged for
 * an HttpOnly, SameSite=Strict cookie on this path for 15 minutes and the address is cleaned of
 * it; API clients may send Authorization: Bearer instead. Every request checks the session is
 * still valid and an admin's.
 */
export async function registerQueueDashboard(
  app: FastifyInstance,
  opts: { sessions: SessionStore; queues: readonly Queue[] },
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: opts.queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Parley queues' } },
  });

  await app.register(async (board) => {
    board.addHook('onRequest', async (request, reply) => {
      const url = new URL(request.url, 'http://local');
      const fromQuery = url.searchParams.get('token') ?? undefined;
      const token = fromQuery ?? bearerToken(request) ?? cookieToken(request);
      const session: StaffSession | null = await opts.sessions.get(token).catch(() => null);
      if (!session)
        return refuse(reply, 401, 'Sign in as an admin first (open /admin/queues?token=<session token>).');
      if (session.role !== 'admin') return refuse(reply, 403, 'The queue dashboard is for admins.');
      if (fromQuery) {
        // Exchanged for a cookie, and the token taken out of the address bar and history.
        url.searchParams.delete('token');
        const secure = request.protocol === 'https' ? '; Secure' : '';
        return reply
          .header(
            'set-cookie',
            `${COOKIE}=${encodeURIComponent(fromQuery)}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_SECONDS}${secure}`,
          )
          .redirect(`${url.pathname}${url.search}`, 303);
      }
    });
    await board.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
