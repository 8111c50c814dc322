import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../widget/public');

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
  '/console': {
    file: 'console.html',
    type: 'text/html; charset=utf-8',
    summary: 'The staff console',
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

/** The embeddable widget script, its demo page and the minimal staff console. */
export const widgetAssets: FastifyPluginAsync = async (app) => {
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
