import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../widget/public');

const FILES: Record<string, { file: string; type: string; summary: string }> = {
  '/widget.js': {
    file: 'parley-widget.js',
    type: 'text/javascript; charset=utf-8',
    summary: 'The embeddable chat widget script',
  },
  '/demo': {
    file: 'demo.html',
    type: 'text/html; charset=utf-8',
    summary: 'A demo page with the widget on it',
  },
  '/console': { file: 'console.html', type: 'text/html; charset=utf-8', summary: 'The staff console' },
};

const page = (type: string) => ({
  200: {
    description: 'the file',
    content: { [type.split(';')[0] as string]: { schema: { type: 'string' } } },
  },
});

/** The embeddable widget script, its demo page and the minimal staff console. */
export const widgetAssets: FastifyPluginAsync = async (app) => {
  for (const [route, { file, type, summary }] of Object.entries(FILES)) {
    app.get(
      route,
      { schema: { tags: ['pages'], summary, response: page(type) } },
      async (_request, reply) => {
        const body = await readFile(path.join(publicDir, file));
        return reply.header('content-type', type).header('cache-control', 'no-cache').send(body);
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
