import type { Socket } from 'socket.io';
import type { AppContext } from '../composition/app-context.js';
import { DomainError, unauthorized } from '../core/errors.js';
import type {
  NoServerEvents,
  WidgetClientEvents,
  WidgetIdentity,
  WidgetServerEvents,
  WidgetSocketData,
} from './socket-types.js';

type WidgetSocket = Socket<WidgetClientEvents, WidgetServerEvents, NoServerEvents, WidgetSocketData>;

export const customerRoom = (customerId: string) => `customer:${customerId}`;

async function follow(socket: WidgetSocket, customerId: string | undefined): Promise<void> {
  if (socket.data.customerId === customerId) return;
  if (socket.data.customerId) await socket.leave(customerRoom(socket.data.customerId));
  socket.data.customerId = customerId;
  if (customerId) await socket.join(customerRoom(customerId));
}

/** This socket starts over as a new anonymous visitor (the browser gets the new id and token). */
async function startOver(socket: WidgetSocket, ctx: AppContext): Promise<void> {
  const issued = ctx.visitors.issue();
  socket.data.visitorId = issued.visitorId;
  socket.data.issued = issued;
  socket.data.siteUser = undefined;
  await follow(socket, undefined);
  socket.emit('session', issued);
}

/**
 * Verifies the site's token and links this visitor to that user's customer (bringing an
 * anonymous visitor's conversation along). A visitor record verified as another user is not
 * reused: the socket starts over as a new visitor first.
 */
export async function identifyWidgetVisitor(
  socket: WidgetSocket,
  ctx: AppContext,
  token: unknown,
): Promise<WidgetIdentity> {
  if (!ctx.widgetIdentity) {
    throw unauthorized('verified visitors are not enabled on this server (set WIDGET_IDENTITY_SECRET)');
  }
  const user = await ctx.widgetIdentity.verify(token);
  let outcome = await ctx.useCases.crm.identifyVisitor({ visitorId: socket.data.visitorId, user });
  if (outcome.kind === 'new-visitor-needed') {
    await startOver(socket, ctx);
    outcome = await ctx.useCases.crm.identifyVisitor({ visitorId: socket.data.visitorId, user });
  }
  if (outcome.kind !== 'linked') throw new Error('a new visitor could not be linked');
  socket.data.siteUser = user.sub;
  await follow(socket, outcome.customerId);
  return { verified: true, ...(user.name ? { name: user.name } : {}) };
}

/**
 * At connection: the handshake's identity token if it has one (its outcome is sent as
 * `identity`); otherwise the visitor's own record, unless that record is verified as a site
 * user, whose conversation is not shown without their token.
 */
export async function linkWidgetVisitor(
  socket: WidgetSocket,
  ctx: AppContext,
  identityToken: unknown,
): Promise<void> {
  if (identityToken !== undefined && identityToken !== null && identityToken !== '') {
    try {
      socket.emit('identity', await identifyWidgetVisitor(socket, ctx, identityToken));
      return;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      socket.emit('identity', { verified: false, error: { code: err.code, message: err.message } });
    }
  }
  const standing = await ctx.useCases.crm.visitorStanding(socket.data.visitorId);
  if (!standing) return;
  if (standing.siteUser) {
    await startOver(socket, ctx);
    return;
  }
  await follow(socket, standing.customerId);
}

/** After a message was taken: the visitor is that message's customer from now on. */
export const followCustomer = follow;
