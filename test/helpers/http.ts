/** JSON requests against a test app, as staff (Bearer) or an integration (x-api-key). */
export interface Auth {
  bearer?: string;
  apiKey?: string;
}

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  auth: Auth = {},
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(`${url}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {}),
      ...(auth.apiKey ? { 'x-api-key': auth.apiKey } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** A client bound to one app and one identity. */
export function client(url: string, auth: Auth = {}) {
  return {
    get: <T = Record<string, unknown>>(path: string) => call<T>(url, 'GET', path, auth),
    post: <T = Record<string, unknown>>(path: string, body?: unknown) =>
      call<T>(url, 'POST', path, auth, body ?? {}),
    put: <T = Record<string, unknown>>(path: string, body?: unknown) =>
      call<T>(url, 'PUT', path, auth, body ?? {}),
    patch: <T = Record<string, unknown>>(path: string, body?: unknown) =>
      call<T>(url, 'PATCH', path, auth, body ?? {}),
    delete: <T = Record<string, unknown>>(path: string) => call<T>(url, 'DELETE', path, auth),
  };
}
