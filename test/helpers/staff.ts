import type { ParleyApp } from '../../src/app.js';
import { noteSecret } from './log-capture.js';
import { ADMIN } from './test-app.js';

export async function login(url: string, email = ADMIN.email, password = ADMIN.password): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  noteSecret(password);
  noteSecret(token);
  return token;
}

/** Creates a staff member with a role and signs them in; returns their bearer token. */
export async function staffToken(
  t: { url: string; app: ParleyApp },
  email: string,
  role: 'agent' | 'supervisor' | 'admin' = 'agent',
): Promise<string> {
  const password = `${email}-password`;
  await t.app.ctx.useCases.staff.create({ email, name: email.split('@')[0] ?? email, role, password });
  return login(t.url, email, password);
}
