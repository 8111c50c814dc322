import { type Static, Type } from '@sinclair/typebox';
import { IsoTime, literalUnion } from './schema-helpers.js';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export const RoleSchema = literalUnion(ROLES);
export type Role = Static<typeof RoleSchema>;
/** Roles that see every ticket, watch the live queue and reassign. */
export const LEAD_ROLES: readonly Role[] = ['supervisor', 'admin'];
export const isLead = (role: Role): boolean => LEAD_ROLES.includes(role);

/**
 * online: takes new tickets; away: connected but takes none (chosen); offline: no console
 * connected (or chosen). After AGENT_AWAY_GRACE_MINUTES offline, an agent's tickets go back to the queue.
 */
export const AGENT_STATUSES = ['online', 'away', 'offline'] as const;
export const AgentStatusSchema = literalUnion(AGENT_STATUSES);
export type AgentStatus = Static<typeof AgentStatusSchema>;

/** A member of staff as the console and the API show them. */
export const StaffSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    slackUserId: Type.Optional(
      Type.String({ description: 'the Slack user whose replies in ticket threads are this member of staff' }),
    ),
  },
  { title: 'Staff' },
);
export type StaffView = Static<typeof StaffSchema>;

/** A staff account with what assignment and the live queue need (admins manage these). */
export const StaffMemberSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    active: Type.Boolean(),
    languages: Type.Array(Type.String()),
    skills: Type.Array(Type.String()),
    /** Live tickets they can hold at once; auto-assignment stops there. */
    capacity: Type.Integer({ minimum: 0 }),
    /** Live (open or pending) tickets assigned to them now. */
    openTickets: Type.Integer(),
    status: AgentStatusSchema,
    statusAt: Type.Optional(IsoTime),
    /** Must choose a new password before doing anything else (a one-time password was issued). */
    mustChangePassword: Type.Boolean(),
    lastLoginAt: Type.Optional(IsoTime),
    /** The Slack user whose thread replies and button presses are this member of staff. */
    slackUserId: Type.Optional(Type.String()),
    createdAt: IsoTime,
  },
  { title: 'StaffMember' },
);
export type StaffMemberView = Static<typeof StaffMemberSchema>;

/** Who is acting: every use case that staff call takes one and checks the role itself. */
export interface Actor {
  id: string;
  role: Role;
}
