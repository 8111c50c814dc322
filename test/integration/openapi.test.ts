import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown }>; description?: string }>;
}
type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
};

/** fastify's `/tickets/:id` is OpenAPI's `/tickets/{id}`. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('the OpenAPI document', () => {
  let t: TestApp;
  const routes: { method: string; url: string }[] = [];
  let doc: OpenApi;

  beforeAll(async () => {
    t = await startTestApp('openapi', {
      env: { NLP_SENTENCE_ENCODER: 'false' },
      workers: false,
      listen: true,
    });
    // Every route fastify registered (HEAD routes are fastify's own twins of GET).
    routes.push(...t.app.http.registeredRoutes);
    const res = await fetch(`${t.url}/docs/json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApi;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is a valid OpenAPI 3 document with both auth schemes and the error shape', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\./);
    const schemes = (doc.components as { securitySchemes: Record<string, { type: string }> }).securitySchemes;
    expect(schemes.staffBearer?.type).toBe('http');
    expect(schemes.apiKey?.type).toBe('apiKey');
    const login = doc.paths['/api/v1/auth/login']?.post;
    const errorSchema = login?.responses?.['4XX']?.content?.['application/json']?.schema as {
      properties?: Record<string, unknown>;
    };
    expect(Object.keys(errorSchema?.properties ?? {})).toEqual(['error', 'message']);
  });

  it('lists every registered route, each with a summary, a tag and a response schema', () => {
    // Bull Board's own pages and API (the admins' queue dashboard) are hidden from the document.
    const ours = routes.filter(
      (r) => r.method !== 'HEAD' && !r.url.startsWith('/docs') && !r.url.startsWith('/admin/queues'),
    );
    expect(ours.length).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const { method, url } of ours) {
      const op = doc.paths[toOpenApiPath(url)]?.[method.toLowerCase()];
      if (!op) {
        problems.push(`${method} ${url} is missing from /docs/json`);
        continue;
      }
      if (!op.summary) problems.push(`${method} ${url} has no summary`);
      if (!op.tags?.length) problems.push(`${method} ${url} has no tag`);
      const success = Object.entries(op.responses ?? {}).filter(([code]) => /^[23]/.test(code));
      if (success.length === 0) problems.push(`${method} ${url} has no success response schema`);
    }
    expect(problems).toEqual([]);
  });

  it('says which routes need a staff token or an API key', () => {
    expect(doc.paths['/api/v1/tickets']?.get?.security).toEqual([{ staffBearer: [] }]);
    expect(doc.paths['/api/v1/messages']?.post?.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/api/v1/auth/login']?.post?.security).toBeUndefined();
  });

  it('serves a browsable page at /docs', async () => {
    const res = await fetch(`${t.url}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });
});
