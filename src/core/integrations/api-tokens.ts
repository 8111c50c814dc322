import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ADMINS, authorize, type Caller } from '../crm/access.js';
import { invalid, notFound } from '../errors.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { ApiTokenStore } from '../ports/crm.js';
import { type ApiTokenInput, type ApiTokenView, SCOPES } from '../views/integration.js';
import type { Actor } from '../views/staff.js';

export interface ApiTokenDeps {
  tokens: ApiTokenStore;
  audit: AuditLog;
  /** INTEGRATION_API_KEY: the legacy single key, still accepted with every scope. */
  legacyKey?: string;
  /** When this process last noted each token's use (the store is written at most once a minute). */
  recentlyUsed?: Map<string, number>;
  now?: () => Date;
}

const NOTE_USE_EVERY_MS = 60_000;

/**
 * Tokens are random (32 bytes), so a fast hash is enough to store them: a leaked database gives
 * nothing to present. The token itself is shown once, when it is created.
 */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function createApiToken(
  deps: ApiTokenDeps,
  actor: Actor,
  input: ApiTokenInput,
): Promise<{ token: string; apiToken: ApiTokenView }> {
  authorize({ kind: 'staff', ...actor }, { roles: ADMINS }, 'managing API tokens');
  const now = deps.now?.() ?? new Date();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : undefined;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw invalid('expiresAt must be in the future');
  const token = `prly_${randomBytes(32).toString('base64url')}`;
  const apiToken = await deps.tokens.create({
    name: input.name,
    prefix: token.slice(0, 12),
    hash: hashToken(token),
    scopes: input.scopes,
    createdBy: actor.id,
    expiresAt,
  });
  await deps.audit.record({
    actor,
    action: 'api_token.create',
    target: { kind: 'api_token', id: apiToken.id },
    details: { scopes: input.scopes },
  });
  return { token, apiToken };
}

export async function listApiTokens(deps: ApiTokenDeps, actor: Actor): Promise<ApiTokenView[]> {
  authorize({ kind: 'staff', ...actor }, { roles: ADMINS }, 'managing API tokens');
  return deps.tokens.list();
}

export async function revokeApiToken(deps: ApiTokenDeps, actor: Actor, id: string): Promise<ApiTokenView> {
  authorize({ kind: 'staff', ...actor }, { roles: ADMINS }, 'managing API tokens');
  const revoked = await deps.tokens.revoke(id, deps.now?.() ?? new Date());
  if (!revoked) throw notFound('API token');
  await deps.audit.record({ actor, action: 'api_token.revoke', target: { kind: 'api_token', id } });
  return revoked;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The caller an `x-api-key` stands for, or null for none (missing, unknown, revoked or expired). */
export async function authenticateApiKey(
  deps: ApiTokenDeps,
  key: string | undefined,
): Promise<Caller | null> {
  if (!key || key.length > 200) return null;
  if (deps.legacyKey && sameSecret(key, deps.legacyKey)) {
    return { kind: 'integration', id: 'legacy-key', scopes: SCOPES };
  }
  if (!key.startsWith('prly_')) return null;
  const stored = await deps.tokens.findByHash(hashToken(key));
  const now = deps.now?.() ?? new Date();
  if (!stored || stored.revokedAt) return null;
  if (stored.expiresAt && new Date(stored.expiresAt).getTime() <= now.getTime()) return null;
  const last = deps.recentlyUsed?.get(stored.id) ?? 0;
  if (now.getTime() - last >= NOTE_USE_EVERY_MS) {
    deps.recentlyUsed?.set(stored.id, now.getTime());
    await deps.tokens.touch(stored.id, now);
  }
  return { kind: 'integration', id: stored.id, scopes: stored.scopes };
}
