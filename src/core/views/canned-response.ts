import { type Static, Type } from '@sinclair/typebox';
import { IsoTime } from './schema-helpers.js';

export const SHORTCUT_PATTERN = '^[a-z0-9][a-z0-9_-]{0,39}$';

/**
 * A saved reply staff insert with `/shortcut`. Its text may hold variables ({{customer.name}},
 * {{agent.name}}, …) filled in for a ticket when rendered.
 */
export const CannedResponseSchema = Type.Object(
  {
    id: Type.String(),
    shortcut: Type.String({ pattern: SHORTCUT_PATTERN }),
    title: Type.String(),
    text: Type.String(),
    language: Type.Optional(Type.String()),
    createdBy: Type.String(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { title: 'CannedResponse' },
);
export type CannedResponseView = Static<typeof CannedResponseSchema>;
