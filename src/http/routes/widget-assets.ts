import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { notFound } from '../../core/errors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const publicDir = path.join(root, 'widget/public');
/** The staff console's build (console/, Vite): `npm start` and `npm test` build it when stale. */
const consoleDist = path.join(root, 'console/dist');

interface Asset {
  file: string;
  type: string;
  summary: string;
  /** Pages get a content security policy; the widget script is loaded by other sites' pages. */
  page: boolean;
}

const FILES: Record<string, Asset> = {
  '/widget.js': {
    file: 'parley-widget.js',
    type: 'text/javascript; charset=utf-8',
    summary: 'The embeddable chat widget script',
    page: false,
  },
  '/demo': {
    file: 'demo.html',
    type: 'text/html; charset=utf-8',
    summary: 'A demo page with the widget on it',
    page: true,
  },
};

/**
 * A page's policy: scripts only from here and the page's own inline scripts, named by their
 * hashes (so an injected script does not run), no plugins, no framing, forms and connections to
 * this origin only (Socket.IO's websocket included).
 */
export function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const response = (type: string) => ({
  200: {
    description: 'the file',
    content: { [type.split(';')[0] as string]: { schema: { type: 'string' } } },
  },
});

const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Parley console</title>
<p>The staff console is not built yet: run <code>npm run build:console</code> (npm start does it).</p></html>`;

/**
 * The staff console (a Vite build in console/dist): every page under /console is the app's
 * index.html (it routes in the browser), with the same per-page policy as the other pages; the
 * hashed files under /console/assets are cached for good.
 */
async function consolePage(reply: FastifyReply) {
  const html = await readFile(path.join(consoleDist, 'index.html'), 'utf8').catch(() => null);
  reply.header('cache-control', 'no-cache');
  if (html === null) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', contentSecurityPolicy(html))
    .send(html);
}

const consoleResponse = {
  200: {
    description: 'the console page, or one of its built files under /console/assets',
    content: {
      'text/html': { schema: { type: 'string' } },
      'text/javascript': { schema: { type: 'string' } },
      'text/css': { schema: { type: 'string' } },
    },
  },
  503: {
    description: 'the console is not built (npm run build:console)',
    content: { 'text/html': { schema: { type: 'string' } } },
  },
};

/** The embeddable widget script, its demo page and the staff console. */
export const widgetAssets: FastifyPluginAsync = async (app) => {
  const pageSchema = (summary: string, params?: Record<string, unknown>) => ({
    schema: {
      tags: ['pages'],
      summary,
      ...(params ? { params: { type: 'object', properties: params } } : {}),
      response: consoleResponse,
    },
  });
  const segment = { type: 'string', maxLength: 100 };
  // The app routes in the browser: /console, /console/live, /console/tickets/<id>, … are all its page.
  app.get(
    '/console',
    pageSchema('The staff console (agents, supervisors, admins)'),
    async (_request, reply) => consolePage(reply),
  );
  app.get(
    '/console/:page',
    pageSchema('A page of the staff console (routed in the browser)', { page: segment }),
    async (_request, reply) => consolePage(reply),
  );
  app.get(
    '/console/:page/:id',
    pageSchema('A page of the staff console about one thing (a ticket)', { page: segment, id: segment }),
    async (_request, reply) => consolePage(reply),
  );
  app.get(
    '/console/assets/:file',
    pageSchema("The staff console's built files (hashed names, cached for good)", { file: segment }),
    async (request, reply) => {
      const name = (request.params as { file: string }).file;
      const type = ASSET_TYPES[path.extname(name)];
      // Only plain file names straight under assets/ (no folders, no way out of it).
      if (!type || !/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) throw notFound('console file');
      const body = await readFile(path.join(consoleDist, 'assets', name)).catch(() => null);
      if (!body) throw notFound('console file');
      return reply.type(type).header('cache-control', 'public, max-age=31536000, immutable').send(body);
    },
  );

  for (const [route, asset] of Object.entries(FILES)) {
    app.get(
      route,
      { schema: { tags: ['pages'], summary: asset.summary, response: response(asset.type) } },
      async (_request, reply) => {
        const body = await readFile(path.join(publicDir, asset.file));
        reply.header('content-type', asset.type).header('cache-control', 'no-cache');
        if (asset.page) reply.header('content-security-policy', contentSecurityPolicy(body.toString('utf8')));
        // Other sites' pages load the widget script.
        else reply.header('cross-origin-resource-policy', 'cross-origin');
        return reply.send(body);
      },
    );
  }
  app.get(
    '/',
    {
      schema: {
        tags: ['pages'],
        summary: 'Redirects to the demo page',
        response: { 302: { description: 'to /demo', type: 'null' } },
      },
    },
    async (_request, reply) => reply.redirect('/demo'),
  );
};
