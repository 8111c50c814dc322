import type { Presence } from '../ports/presence.js';
import { offerWaitingTickets } from '../tickets/assignment.js';
import type { TicketDeps } from '../tickets/ticket-deps.js';
import type { AgentStatus } from '../views/staff.js';
export type PresenceDeps = TicketDeps & { presence: Presence };

/** A console connected: its agent shows online, unless they chose away. */
export async function consoleConnected(
  deps: PresenceDeps,
  agentId: string,
  connectionId: string,
): Promise<void> {
  await deps.presence.connect(agentId, connectionId);
  await settleStatus(deps, agentId, 'connect');
}

/** A console went away: the agent shows offline when it was their last one. */
export async function consoleDisconnected(
  deps: PresenceDeps,
  agentId: string,
  connectionId: string,
): Promise<void> {
  await deps.presence.disconnect(agentId, connectionId);
  await settleStatus(deps, agentId, 'disconnect');
}

/**
 * Makes the shown status agree with the connections. Two consoles of one agent may connect and
 * disconnect at the same moment in two processes: each one, after writing, counts again, and
 * goes round once more when the count crossed zero meanwhile, so the last writer is right.
 */
async function settleStatus(
  deps: PresenceDeps,
  agentId: string,
  event: 'connect' | 'disconnect',
): Promise<void> {
  let mode = event;
  for (let round = 0; round < 4; round++) {
    const count = await deps.presence.count(agentId);
    const member = await deps.stores.staff.getMember(agentId);
    if (!member?.active) return;
    let desired: AgentStatus;
    if (count === 0) desired = 'offline';
    else if (mode === 'connect' || member.status === 'offline') {
      desired = (await deps.stores.staff.choseAway(agentId)) ? 'away' : 'online';
    } else desired = member.status;
    if (desired !== member.status) {
      const updated = await deps.stores.staff.setStatus(agentId, desired, deps.now());
      if (updated) {
        await deps.events.publish('staff.updated', { staff: updated, change: 'status' });
        // Waiting tickets are offered only to someone who can take one.
        if (desired === 'online' && updated.openTickets < updated.capacity) await offerWaitingTickets(deps);
      }
    }
    const after = await deps.presence.count(agentId);
    if ((after === 0) === (count === 0)) return;
    mode = after > 0 ? 'connect' : 'disconnect';
  }
}

/**
 * Staff shown online or away without a live console for a while (their app process died, so no
 * disconnect was seen) are shown offline. The periodic job runs it.
 */
export async function sweepPresence(deps: PresenceDeps, staleAfterMs = 90_000): Promise<number> {
  const shown = await deps.stores.staff.listShownPresentSince(new Date(deps.now().getTime() - staleAfterMs));
  let swept = 0;
  for (const member of shown) {
    if ((await deps.presence.count(member.id)) > 0) continue;
    const updated = await deps.stores.staff.setStatus(member.id, 'offline', deps.now());
    if (!updated) continue;
    swept++;
    await deps.events.publish('staff.updated', { staff: updated, change: 'status' });
  }
  return swept;
}
