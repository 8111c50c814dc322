import { type Static, Type } from '@sinclair/typebox';
import { literalUnion } from './schema-helpers.js';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export const RoleSchema = literalUnion(ROLES);
export type Role = Static<typeof RoleSchema>;

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

/** Who is acting: every use case that staff call takes one and checks the role itself. */
export interface Actor {
  id: string;
  role: Role;
}
